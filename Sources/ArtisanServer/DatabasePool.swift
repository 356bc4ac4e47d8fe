import ArtisanCore
import ArtisanStore
import Foundation
import Synchronization

/// libpq blocks, so the server's queries run on threads of their own, never on the event loop:
/// `size` workers, each with one connection opened as it starts (the first requests pay no
/// connection; a database still down is tried again by the first job) and opened again after
/// the database dropped it. A request waits for a worker at most `acquireTimeout` seconds, then
/// gets `DatabasePool.Busy` (503); while the database is down, each request fails fast and the
/// next one after its return reconnects. One watchdog thread answers the jobs that waited too
/// long: a timer per request cost more than the shortest request's own work.
public final class DatabasePool: Sendable {
    public struct Busy: Error, Sendable {}
    public struct Closed: Error, Sendable {}

    private final class Job: @unchecked Sendable {
        let work: (Result<PostgresConnection, any Error>) -> Void
        /// Set as the job joins the queue, under its lock: the queue is in the order of deadlines.
        var deadline = ContinuousClock.Instant.now
        init(_ work: @escaping (Result<PostgresConnection, any Error>) -> Void) { self.work = work }
    }

    private struct Queue {
        var jobs: [ObjectIdentifier: Job] = [:]
        var order: [Job] = []
        var closed = false
        /// Workers waiting for a job: while they outnumber the queue, no job needs a timeout.
        var idleWorkers = 0
        /// The watchdog waits without a deadline: the next job that may wait must wake it.
        var watchdogIdle = false
    }

    static let applicationName = "artisanctl serve"
    private let conninfo: String
    private let size: Int
    private let acquireTimeout: Duration
    private let queue = Mutex(Queue())
    private let ready = DispatchSemaphore(value: 0)
    private let idle = DispatchSemaphore(value: 0)
    private let watchdogWake = DispatchSemaphore(value: 0)

    public init(conninfo: String, size: Int, acquireTimeout: Duration) {
        self.conninfo = conninfo
        self.size = size
        self.acquireTimeout = acquireTimeout
        for index in 0..<size {
            let thread = Thread { [self] in work() }
            thread.name = "artisanctl-db-\(index)"
            thread.start()
        }
        let watchdog = Thread { [self] in watch() }
        watchdog.name = "artisanctl-db-watchdog"
        watchdog.start()
    }

    /// Runs `body` on a worker with its connection, or throws `Busy` when none frees up in time.
    /// A cancelled caller (the shutdown's grace ran out) gets `CancellationError` at once: its job
    /// is withdrawn if still queued, and its result dropped if a worker already runs it.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let waiter = Waiter<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard waiter.attach(continuation) else { return }
                let job = Job { connection in waiter.finish(Result { try body(try connection.get()) }) }
                // Known before the job is queued, so that a cancellation from now on withdraws it.
                waiter.job = ObjectIdentifier(job)
                let wakeWatchdog = queue.withLock { state -> Bool? in
                    guard !state.closed else { return nil }
                    job.deadline = .now + acquireTimeout
                    state.jobs[ObjectIdentifier(job)] = job
                    state.order.append(job)
                    let mayWait = state.watchdogIdle && state.order.count > state.idleWorkers
                    if mayWait { state.watchdogIdle = false }
                    return mayWait
                }
                guard let wakeWatchdog else { return waiter.finish(.failure(Closed())) }
                // A cancellation that came before the job was queued found nothing to withdraw.
                if waiter.isFinished { _ = queue.withLock { $0.jobs.removeValue(forKey: ObjectIdentifier(job)) } }
                ready.signal()
                if wakeWatchdog { watchdogWake.signal() }
            }
        } onCancel: {
            if let job = waiter.job { _ = queue.withLock { $0.jobs.removeValue(forKey: job) } }
            waiter.finish(.failure(CancellationError()))
        }
    }

    /// Refuses new work, lets the workers finish what they hold, and closes the connections; gives
    /// up after `waiting` on a worker still held by the database (a query waiting on a lock).
    /// True when every connection was closed.
    @discardableResult
    public func close(waiting: Duration = .seconds(5)) -> Bool {
        queue.withLock { $0.closed = true }
        for _ in 0..<size { ready.signal() }
        watchdogWake.signal()
        let deadline = DispatchTime.now() + .milliseconds(waiting.wholeMilliseconds)
        for _ in 0..<size {
            guard idle.wait(timeout: deadline) == .success else { return false }
        }
        return true
    }

    /// Answers `Busy` to each queued job past its deadline. Jobs queue in the order of their
    /// deadlines, so it sleeps until the first one's, or until woken when none is queued.
    private func watch() {
        while true {
            let next = queue.withLock { state -> (expired: [Job], deadline: ContinuousClock.Instant?)? in
                guard !state.closed else { return nil }
                let now = ContinuousClock.now
                var expired: [Job] = []
                while let first = state.order.first {
                    guard state.jobs[ObjectIdentifier(first)] != nil else {
                        state.order.removeFirst()
                        continue
                    }
                    guard first.deadline <= now else { return (expired, first.deadline) }
                    state.order.removeFirst()
                    state.jobs.removeValue(forKey: ObjectIdentifier(first))
                    expired.append(first)
                }
                state.watchdogIdle = true
                return (expired, nil)
            }
            guard let next else { return }
            for job in next.expired { job.work(.failure(Busy())) }
            if let deadline = next.deadline {
                // A millisecond past it: woken a little late rather than early for nothing.
                let wait = ContinuousClock.now.duration(to: deadline).wholeMilliseconds
                _ = watchdogWake.wait(timeout: .now() + .milliseconds(max(0, wait) + 1))
            } else {
                watchdogWake.wait()
            }
        }
    }

    /// A worker runs the same few dozen statements all day: each prepared one gets a generic plan.
    /// Left to choose, PostgreSQL planned the availability's range over the bookings at every run,
    /// over a third of its work for GET /availability.
    private func connect() throws -> PostgresConnection {
        try PostgresConnection(conninfo: conninfo, applicationName: Self.applicationName, genericPlans: true)
    }

    private func work() {
        var connection = try? connect()
        while true {
            queue.withLock { $0.idleWorkers += 1 }
            ready.wait()
            let next = queue.withLock { state -> Job?? in
                state.idleWorkers -= 1
                while let job = state.order.first {
                    state.order.removeFirst()
                    if state.jobs.removeValue(forKey: ObjectIdentifier(job)) != nil { return .some(job) }
                }
                return state.closed ? .none : .some(nil)
            }
            guard let job = next else { break }
            guard let job else { continue }
            let opened: Result<PostgresConnection, any Error>
            if let connection, connection.isOpen {
                opened = .success(connection)
            } else {
                connection?.close()
                opened = Result { try connect() }
                connection = try? opened.get()
            }
            job.work(opened)
        }
        connection?.close()
        idle.signal()
    }
}

/// One caller's continuation, resumed exactly once: by its job's worker, the acquire timeout, a
/// closed pool or the caller's cancellation, whichever comes first (cancellation may come before
/// the continuation exists).
private final class Waiter<T: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<T, any Error>?)
        case finishedEarly(Result<T, any Error>)
        case finished
    }

    private let state = Mutex(State.waiting(nil))
    private let jobID = Mutex<ObjectIdentifier?>(nil)

    var job: ObjectIdentifier? {
        get { jobID.withLock { $0 } }
        set { jobID.withLock { $0 = newValue } }
    }

    /// Answered already: by its job, the acquire timeout, a closed pool or a cancellation.
    var isFinished: Bool {
        state.withLock { state in
            switch state {
            case .waiting: false
            case .finishedEarly, .finished: true
            }
        }
    }

    /// False when the result came first: the continuation is then resumed with it here.
    func attach(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let early = state.withLock { state -> Result<T, any Error>? in
            guard case .finishedEarly(let result) = state else {
                state = .waiting(continuation)
                return nil
            }
            state = .finished
            return result
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    func finish(_ result: Result<T, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<T, any Error>? in
            switch state {
            case .waiting(let continuation?):
                state = .finished
                return continuation
            case .waiting(nil):
                state = .finishedEarly(result)
                return nil
            case .finishedEarly, .finished:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
