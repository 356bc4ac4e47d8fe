import CExecutorHook
import NIOCore
import NIOPosix

/// Runs the process's Swift tasks on the server's event loops instead of the concurrency pool:
/// a request no longer hops from the loop that read it to a pool thread and back to write its
/// answer, and a query's result wakes one loop instead of a pool thread. SwiftNIO's own
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`
/// does the same but finds the hook with dlsym, which a statically linked binary hides from.
enum EventLoopExecutor {
    private typealias Hook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Once per process, before the server starts: later calls do nothing.
    static func install() { _ = installed }

    private static let installed: Void = {
        let hook: Hook = { job, _ in
            // `any()` is the loop the caller runs on when it is one of the group's: no thread switch.
            MultiThreadedEventLoopGroup.singleton.any().executor.enqueue(ExecutorJob(job))
        }
        withUnsafeTemporaryAllocation(of: Hook.self, capacity: 1) { slot in
            slot.baseAddress!.initialize(to: hook)
            slot.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { artisan_set_enqueue_global_hook($0.pointee) }
        }
    }()
}
