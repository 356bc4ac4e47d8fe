import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The tables a catalogue command may touch (bookings too: `services delete` must not reach them).
let catalogueTables = ["artisans", "services", "opening_rules", "break_rules", "time_off", "bookings"]

/// Every row of `tables` (default: the catalogue's) as text, sorted: two snapshots are equal
/// exactly when nothing was inserted, updated (even a timestamp) or deleted in between.
func snapshot(_ connection: PostgresConnection, tables names: [String] = catalogueTables) throws -> [String: [String]] {
    var tables: [String: [String]] = [:]
    for table in names {
        tables[table] = try connection.query("SELECT t::text AS row FROM \(unsafeSQL: table) t ORDER BY t::text")
            .map { try $0.decode("row", as: String.self) }
    }
    return tables
}

/// A command that had to succeed did not.
struct CommandFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let result: Binary.Result
    var description: String { "artisanctl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)" }
}

/// Output that had to be JSON of some shape was not.
struct NotJSON: Error, CustomStringConvertible {
    let text: String
    var description: String { "not the JSON expected: \(text)" }
}

func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw NotJSON(text: text) }
    return object
}

func jsonArray(_ text: String) throws -> [[String: Any]] {
    guard let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { throw NotJSON(text: text) }
    return array
}

/// The repository's root, found from this file's place in it.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The README's demo catalogue.
let demoCatalogue: URL = repositoryRoot.appendingPathComponent("scripts/demo/catalogue.json")

/// One test's world: a fresh migrated database, a connection to look into it, and `artisanctl`
/// run against it as a real process, with the clock fixed (`ARTISANCTL_NOW`) and a working
/// directory of its own (no stray `.env`).
final class CatalogueWorld: @unchecked Sendable {
    /// A Tuesday morning in Paris.
    static let now = "2026-11-24T09:00:00+01:00"

    let database: TestDatabase
    let connection: PostgresConnection
    let environment: [String: String]
    let directory: URL

    init(now: String = CatalogueWorld.now) throws {
        database = try TestDatabase.migrated()
        connection = try database.connect()
        var environment = database.environment
        environment["ARTISANCTL_NOW"] = now
        environment.removeValue(forKey: "NO_COLOR")
        self.environment = environment
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("artisanctl-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        connection.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `artisanctl arguments…`, stdin not a terminal.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> Binary.Result {
        try Binary.run(arguments, environment: environment.merging(extra) { _, new in new }, stdin: stdin,
                       workingDirectory: directory.path)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Binary.Result { try run(arguments) }

    /// Runs a command that must succeed, and returns its result.
    @discardableResult
    func succeed(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Binary.Result {
        let result = try run(arguments, environment: extra)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return result
    }

    @discardableResult
    func succeed(_ arguments: String...) throws -> Binary.Result { try succeed(arguments) }

    /// `arguments… --output json`, which must succeed, parsed.
    func object(_ arguments: String...) throws -> [String: Any] { try jsonObject(succeed(arguments + ["--output", "json"]).stdout) }
    func array(_ arguments: String...) throws -> [[String: Any]] { try jsonArray(succeed(arguments + ["--output", "json"]).stdout) }

    func snapshot() throws -> [String: [String]] { try EndToEndTests.snapshot(connection) }

    /// Runs a command that must be refused with `status`, say why on stderr (every one of
    /// `mentioning`), print nothing on stdout, and leave every catalogue table as it was.
    @discardableResult
    func expectRefused(_ arguments: [String], status: Int32, mentioning: [String] = [],
                       environment extra: [String: String] = [:],
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> Binary.Result {
        let before = try snapshot()
        let result = try run(arguments, environment: extra)
        #expect(result.status == status, "artisanctl \(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        for text in mentioning {
            #expect(result.stderr.contains(text), "stderr lacks \(text): \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
        #expect(try snapshot() == before, "a refused command changed the database", sourceLocation: sourceLocation)
        return result
    }

    // MARK: - Set-up

    /// `artisan init` with the usual test artisan (Léa, Europe/Paris, 30-minute slots).
    @discardableResult
    func initArtisan(name: String = "Léa Martin", email: String = "lea@example.com", _ extra: String...) throws -> Binary.Result {
        try succeed(["artisan", "init", "--name", name, "--email", email] + extra)
    }

    /// `services create` with sensible defaults.
    @discardableResult
    func createService(_ name: String, duration: String = "60", price: String = "45", depositRate: String = "0.30",
                       _ extra: String...) throws -> Binary.Result {
        try succeed(["services", "create", "--name", name, "--duration", duration, "--price", price, "--deposit-rate", depositRate] + extra)
    }

    /// A file in this world's directory.
    func file(_ name: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A single value of the first row of a query (tests look at the database directly).
    func value(_ query: SQLQuery) throws -> String? {
        try connection.query(query).first?.values.first ?? nil
    }

    func count(_ table: String) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM \(unsafeSQL: table)")[0].decode("n")
    }

    /// A confirmed booking of the service named `service`, inserted the way step 3 will.
    func book(_ service: String, code: String = "AC-TEST01") throws {
        try connection.execute("""
            INSERT INTO bookings (public_code, artisan_id, service_id, customer_name, customer_email, start_datetime,
                                  duration_minutes, price_cents, deposit_amount_cents, deposit_rate)
            SELECT \(code), artisan_id, id, 'Client', 'client@example.com', '2026-12-01T09:00:00Z',
                   duration_minutes, base_price_cents, 0, deposit_rate
            FROM services WHERE name = \(service)
            """)
    }
}

/// The lines a command printed, without the trailing empty one.
func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
}

/// A table line without the padding of an empty last column.
func withoutTrailingSpaces(_ line: String) -> String {
    String(line.reversed().drop { $0 == " " }.reversed())
}
