#include "CExecutorHook.h"

extern const void *swift_task_enqueueGlobal_hook;

void artisan_set_enqueue_global_hook(const void *hook) {
    __atomic_store_n(&swift_task_enqueueGlobal_hook, hook, __ATOMIC_SEQ_CST);
}
