import CExecutorHook
import NIOCore
import NIOPosix

/// Runs the process's Swift jobs on the server's event loops instead of the concurrency pool: a
/// request's handler runs on a loop, leaves it only for its queries (the pool's workers), and
/// resumes on a loop to write its answer, with fewer thread switches than through the pool.
/// Timers (a `Task.sleep`, Hummingbird's date cache) still wake on libdispatch: the runtime
/// takes them through another hook. SwiftNIO's own
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`
/// does the same but finds the hook with dlsym, which a statically linked binary hides from.
enum EventLoopExecutor {
    private typealias Hook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Once per process, before the server starts; later calls do nothing. False when the hook
    /// was taken or this compiler's runtime is one whose hook this code was not written for.
    @discardableResult
    static func install() -> Bool { installed }

    private static let installed: Bool = {
        // The hook's signature is the runtime's to change: the versions SwiftNIO vouches for.
        #if compiler(<6.6)
        let hook: Hook = { job, _ in
            // `any()` is the caller's own loop when it runs on one of the group's.
            MultiThreadedEventLoopGroup.singleton.any().executor.enqueue(ExecutorJob(job))
        }
        return withUnsafeTemporaryAllocation(of: Hook.self, capacity: 1) { slot in
            slot.baseAddress!.initialize(to: hook)
            return slot.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) {
                artisan_set_enqueue_global_hook($0.pointee)
            }
        }
        #else
        return false
        #endif
    }()
}
