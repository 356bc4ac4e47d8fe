import ArtisanStore
import Logging
import Foundation

/// A throw-away database on the test server (the one libpq's PG* variables name, as set by
/// `pg_virtualenv`): empty, or cloned in milliseconds from a template with every migration applied.
/// Each test gets its own, so tests run in parallel without seeing each other.
public final class TestDatabase: @unchecked Sendable {
    public let name: String

    /// A `key=value` string for libpq: this database, the rest from the PG* variables.
    public var conninfo: String { "dbname=\(name)" }

    /// The same as a URL-free connection string other processes can take with `--database`.
    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGDATABASE"] = name
        environment.removeValue(forKey: "DATABASE_URL")
        return environment
    }

    private init(name: String) { self.name = name }

    /// A new database with the whole schema applied.
    public static func migrated() throws -> TestDatabase {
        let template = try MigratedTemplate.name.get()
        return try create(template: template)
    }

    /// A new, empty database.
    public static func empty() throws -> TestDatabase {
        try create(template: "template1")
    }

    /// A new copy of `source`, which must have no open connection.
    public static func copy(of source: TestDatabase) throws -> TestDatabase {
        try create(template: source.name)
    }

    public func connect(genericPlans: Bool = false) throws -> PostgresConnection {
        try PostgresConnection(conninfo: conninfo, genericPlans: genericPlans)
    }

    /// Drops the database (its connections are closed first).
    public func drop() {
        guard let admin = try? Self.admin() else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(unsafeSQL: name) WITH (FORCE)")
    }

    deinit { drop() }

    private static func create(template: String) throws -> TestDatabase {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let admin = try admin()
        // Two clones of one template at the same instant can collide; the second simply retries.
        for attempt in 1...20 {
            do {
                try admin.execute("CREATE DATABASE \(unsafeSQL: name) TEMPLATE \(unsafeSQL: template)")
                return TestDatabase(name: String(name))
            } catch let error as DatabaseError where error.message.contains("being accessed by other users") && attempt < 20 {
                usleep(50_000)
            }
        }
        throw DatabaseError(kind: .other, message: "could not create \(name)")
    }

    /// A connection to the server's default database (PGDATABASE, `postgres` under pg_virtualenv).
    static func admin() throws -> PostgresConnection {
        do {
            return try PostgresConnection(conninfo: "")
        } catch {
            throw DatabaseError(
                kind: .connectionFailed,
                message: "the tests need a PostgreSQL server named by PG* variables: run them through scripts/test (pg_virtualenv). \(error)")
        }
    }
}

/// The migrated template, built once per test process.
enum MigratedTemplate {
    static let name: Result<String, any Error> = Result {
        let template = "artisanctl_test_template"
        let admin = try TestDatabase.admin()
        try admin.execute("DROP DATABASE IF EXISTS \(unsafeSQL: template) WITH (FORCE)")
        try admin.execute("CREATE DATABASE \(unsafeSQL: template)")
        let connection = try PostgresConnection(conninfo: "dbname=\(template)")
        defer { connection.close() }
        try Migrator(connection: connection, logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() }).latest()
        return template
    }
}
