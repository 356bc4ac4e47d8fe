import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The demo catalogue (see `CatalogueWorld.demo`) served by `artisanctl serve` on a free port,
/// with the rate limits off unless a test sets them.
final class ServeWorld: @unchecked Sendable {
    let world: CatalogueWorld
    private(set) var server: ServeProcess
    var http: HTTPExchange { HTTPExchange(port: server.port) }

    init(now: String = CatalogueWorld.now, environment extra: [String: String] = [:], arguments: [String] = []) throws {
        world = try CatalogueWorld.demo(now: now)
        server = try Self.start(world, environment: extra, arguments: arguments)
    }

    static func start(_ world: CatalogueWorld, environment extra: [String: String] = [:], arguments: [String] = []) throws -> ServeProcess {
        let environment = world.environment.merging(["RATE_LIMIT": "off", "WEBHOOK_RATE_LIMIT": "off"]) { _, new in new }
            .merging(extra) { _, new in new }
        return try ServeProcess(arguments: arguments, environment: environment, workingDirectory: world.directory.path)
    }

    /// Stops the server (SIGTERM) and starts another on the same database, with another clock or settings.
    func restart(now: String? = nil, environment extra: [String: String] = [:], arguments: [String] = []) throws {
        server.stop()
        var environment = extra
        if let now { environment["ARTISANCTL_NOW"] = now }
        server = try Self.start(world, environment: environment, arguments: arguments)
    }

    deinit { server.stop(signal: SIGKILL) }

    /// The id of a demo service, by name.
    func serviceID(_ name: String) throws -> String {
        try world.connection.query("SELECT id::text AS id FROM services WHERE name = \(name)")[0].decode("id")
    }

    /// A valid `POST /bookings` body for the demo's "Coupe femme".
    func bookingBody(date: String = "2026-12-01", time: String = "10:00", name: String = "Marie Curie",
                     email: String = "marie@example.com", phone: String? = nil) throws -> [String: Any] {
        var customer: [String: Any] = ["name": name, "email": email]
        if let phone { customer["phone"] = phone }
        return ["serviceId": try serviceID("Coupe femme"), "date": date, "time": time, "customer": customer]
    }
}

/// Runs `body` on `count` threads released at once; the results in index order.
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = ConcurrentResults<T>()
    let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            ready.signal()
            go.wait()
            let result = Result { try body(index) }
            results.lock.withLock { results.values[index] = result }
            done.leave()
        }.start()
    }
    for _ in 0..<count { ready.wait() }
    for _ in 0..<count { go.signal() }
    done.wait()
    return try (0..<count).map { try results.values[$0]!.get() }
}

/// What the threads of `concurrently` return, by index.
final class ConcurrentResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var values: [Int: Result<T, any Error>] = [:]
}
