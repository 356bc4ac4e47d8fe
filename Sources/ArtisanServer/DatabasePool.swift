import ArtisanCore
import ArtisanStore
import Foundation
import Synchronization

/// libpq blocks, so the server's queries run on threads of their own, never on the event loop:
/// `size` workers, each with one connection opened when first needed and opened again after
/// the database dropped it. A request waits for a worker at most `acquireTimeout` seconds, then
/// gets `DatabasePool.Busy` (503); while the database is down, each request fails fast and the
/// next one after its return reconnects.
public final class DatabasePool: Sendable {
    public struct Busy: Error, Sendable {}
    public struct Closed: Error, Sendable {}

    private final class Job: @unchecked Sendable {
        let work: (Result<PostgresConnection, any Error>) -> Void
        init(_ work: @escaping (Result<PostgresConnection, any Error>) -> Void) { self.work = work }
    }

    private struct Queue {
        var jobs: [ObjectIdentifier: Job] = [:]
        var order: [Job] = []
        var closed = false
        var running = 0
    }

    private let conninfo: String
    private let size: Int
    private let acquireTimeout: Duration
    private let queue = Mutex(Queue())
    private let ready = DispatchSemaphore(value: 0)
    private let idle = DispatchSemaphore(value: 0)

    public init(conninfo: String, size: Int, acquireTimeout: Duration) {
        self.conninfo = conninfo
        self.size = size
        self.acquireTimeout = acquireTimeout
        for index in 0..<size {
            let thread = Thread { [self] in work() }
            thread.name = "artisanctl-db-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on a worker with its connection, or throws `Busy` when none frees up in time.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job { connection in
                continuation.resume(with: Result { try body(try connection.get()) })
            }
            let accepted = queue.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.jobs[ObjectIdentifier(job)] = job
                state.order.append(job)
                return true
            }
            guard accepted else { return continuation.resume(throwing: Closed()) }
            ready.signal()
            Task { [self] in
                try? await Task.sleep(for: acquireTimeout)
                let expired = queue.withLock { $0.jobs.removeValue(forKey: ObjectIdentifier(job)) != nil }
                if expired { continuation.resume(throwing: Busy()) }
            }
        }
    }

    /// Refuses new work, lets the workers finish what they hold, and closes the connections.
    public func close() {
        let workers = queue.withLock { state -> Int in
            state.closed = true
            return size
        }
        for _ in 0..<workers { ready.signal() }
        for _ in 0..<workers { idle.wait() }
    }

    private func work() {
        var connection: PostgresConnection?
        while true {
            ready.wait()
            let next = queue.withLock { state -> Job?? in
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
                opened = Result { try PostgresConnection(conninfo: conninfo, applicationName: "artisanctl serve") }
                connection = try? opened.get()
            }
            job.work(opened)
        }
        connection?.close()
        idle.signal()
    }
}
