import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The headers every answer of `serve` carries (lowercase names), as the API contract spells them.
let securityHeaders: [String: String] = [
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
]

func expectSecurityHeaders(_ answer: HTTPExchange.Answer, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for (name, value) in securityHeaders.sorted(by: { $0.key < $1.key }) {
        #expect(answer.headers[name] == value, "\(what): \(name) is \(answer.headers[name] ?? "missing")", sourceLocation: sourceLocation)
    }
    #expect(answer.headers["server"] == nil, "\(what): Server: \(answer.headers["server"] ?? "")", sourceLocation: sourceLocation)
}

/// The server's log, each line parsed on its own as a JSON object (a line that is not one throws).
func logRecords(_ text: String) throws -> [[String: Any]] {
    try lines(text).map { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { throw NotJSON(text: line) }
        return object
    }
}

/// The log's per-request lines.
func requestRecords(_ text: String) throws -> [[String: Any]] {
    try logRecords(text).filter { $0["message"] as? String == "request" }
}

/// A value shared by the test's threads.
final class Shared<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func update<T>(_ change: (inout Value) -> T) -> T { lock.withLock { change(&stored) } }
}

/// Work started on a thread of its own, whose result the test collects later.
final class InFlight<T: Sendable>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var result: T?

    init(_ body: @escaping @Sendable () -> T) {
        Thread { [self] in
            result = body()
            finished.signal()
        }.start()
    }

    /// Waits for the result.
    var value: T {
        finished.wait()
        finished.signal()
        return result!
    }
}

/// A transaction of the test's own holding `LOCK TABLE … IN ACCESS EXCLUSIVE MODE`: every query of
/// the server that reads the table waits until `release()`.
final class TableLock {
    private let connection: PostgresConnection

    init(_ database: TestDatabase, table: String) throws {
        connection = try database.connect()
        try connection.execute("BEGIN")
        try connection.execute("LOCK TABLE \(unsafeSQL: table) IN ACCESS EXCLUSIVE MODE")
    }

    func release() throws {
        try connection.execute("ROLLBACK")
        connection.close()
    }

    deinit { connection.close() }
}

/// Polls (a bounded number of times) until `count` sessions on `database` wait for a lock:
/// the server's requests are then blocked in PostgreSQL, not still on their way.
func waitForLockWaiters(_ database: TestDatabase, count: Int = 1) throws -> Bool {
    try waitUntil(database) { observer in
        let waiting: Int = try observer.query("""
            SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
            """)[0].decode("n")
        return waiting >= count
    }
}

/// Whether `reached`, asked every 25 ms on a connection of its own, becomes true within 30 s.
func waitUntil(_ database: TestDatabase, _ reached: (PostgresConnection) throws -> Bool) throws -> Bool {
    let observer = try database.connect()
    defer { observer.close() }
    for _ in 0..<1200 {
        if try reached(observer) { return true }
        usleep(25_000)
    }
    return false
}

/// An HTTP exchange that got no answer (connection refused, reset, timed out).
struct NoAnswer: Error, CustomStringConvertible {
    let description: String
}

/// An HTTP exchange whose failure is kept as a value, for threads that count outcomes.
func attempt(_ body: () throws -> HTTPExchange.Answer) -> Result<HTTPExchange.Answer, NoAnswer> {
    do { return .success(try body()) } catch { return .failure(NoAnswer(description: "\(error)")) }
}

/// `serve` started with `arguments` and `environment` must stop before listening: exit `status`,
/// one line on stderr, naming `name`, nothing on stdout. Killed after a minute if it listened after all.
/// serve logs JSON by default: the line is the error's record (level, message, exit status); with
/// `--log-format text` among `arguments`, `artisanctl: error: …`.
func expectServeRefused(_ world: CatalogueWorld, _ arguments: [String] = [], environment: [String: String] = [:],
                        status: Int32, naming name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let port = arguments.contains("--port") ? [] : ["--port", "0"]
    let result = try Subprocess.run(["/usr/bin/timeout", "-s", "KILL", "60", Binary.path, "serve"] + port + arguments,
                                    environment: world.environment.merging(environment) { _, new in new },
                                    workingDirectory: world.directory.path)
    let what = "serve \(arguments) \(environment)"
    #expect(result.status == status, "\(what): exit \(result.status) \(result.stderr)", sourceLocation: sourceLocation)
    #expect(lines(result.stderr).count == 1, "\(what): \(result.stderr)", sourceLocation: sourceLocation)
    if arguments.contains("--log-format"), arguments.contains("text") {
        #expect(result.stderr.hasPrefix("artisanctl: error: "), "\(what): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(name), "\(what) does not name \(name): \(result.stderr)", sourceLocation: sourceLocation)
    } else {
        let record = try logRecords(result.stderr).first ?? [:]
        #expect(record["level"] as? String == "error" && record["exitStatus"] as? Int == Int(status), "\(what): \(result.stderr)",
                sourceLocation: sourceLocation)
        #expect((record["message"] as? String)?.contains(name) == true, "\(what) does not name \(name): \(result.stderr)",
                sourceLocation: sourceLocation)
    }
    #expect(result.stdout.isEmpty, "\(what): \(result.stdout)", sourceLocation: sourceLocation)
}
