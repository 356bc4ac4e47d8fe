#ifndef C_EXECUTOR_HOOK_H
#define C_EXECUTOR_HOOK_H

#include <stdbool.h>

/// Sets the Swift runtime's global-executor enqueue hook when no one has set it yet; false when
/// one was there. Swift cannot name that variable, and a binary linked with
/// --static-swift-stdlib keeps it out of its dynamic symbols, where dlsym would look; a reference
/// from C code linked into the binary reaches it either way.
bool artisan_set_enqueue_global_hook(const void *hook);

#endif
