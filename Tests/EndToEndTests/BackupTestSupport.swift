import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The customer whose data a backup must carry, and an encrypted one must hide.
enum BackupCustomer {
    static let name = "Irène Joliot-Curie"
    static let email = "irene.joliot@example.org"
    static let phone = "+33612345678"
}

/// A key for `BACKUP_ENCRYPTION_KEY`.
let backupKey = Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()

extension CatalogueWorld {
    /// The demo world with customers' bookings (one cancelled), so bookings, their events and the
    /// notifications' outbox all hold rows, and `BackupCustomer` among them.
    static func withCustomers() throws -> CatalogueWorld {
        let world = try CatalogueWorld.demo()
        try world.create("Coupe femme", "2026-11-26", "10:00", name: BackupCustomer.name, email: BackupCustomer.email,
                         ["--phone", BackupCustomer.phone])
        try world.create("Coloration", "2026-11-27", "14:00", name: "Marie Curie", email: "marie@example.com")
        let cancelled = try world.createCode("Coupe homme", "2026-11-28", "09:00", name: "Pierre Curie", email: "pierre@example.com")
        try world.succeed("bookings", "cancel", cancelled, "--reason", "malade", "--yes")
        return world
    }

    /// A path in this world's directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The names in this world's directory, hidden ones (a temporary backup) included.
    func directoryListing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }
}

/// Every table of the public schema with an md5 of its rows in a fixed order: two databases hold
/// the same rows exactly when their digests are equal.
func tableDigests(_ connection: PostgresConnection) throws -> [String: String] {
    let tables: [String] = try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").map { try $0.decode("tablename") }
    var digests: [String: String] = [:]
    for table in tables {
        digests[table] = try connection.query("""
            SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), 'empty') AS digest FROM \(unsafeSQL: "\"\(table)\"") t
            """)[0].decode("digest")
    }
    return digests
}

/// `pg_dump --schema-only` of a database (PostgreSQL's own reader of the schema), without its
/// comment lines and the random key of its `\restrict` lines: two databases have the same schema
/// exactly when these are equal.
func schemaDump(_ database: TestDatabase) throws -> String {
    let outcome = try Subprocess.run([try pgProgram("pg_dump"), "--schema-only", "--no-owner", "--no-privileges"],
                                     environment: database.environment)
    #expect(outcome.succeeded, "pg_dump: \(outcome.stderr)")
    let meaningful = outcome.stdout.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }
    return meaningful.joined(separator: "\n")
}

/// PostgreSQL's own program, found as artisanctl finds it.
func pgProgram(_ name: String) throws -> String {
    try PostgresPrograms(environment: ProcessInfo.processInfo.environment).path(of: name)
}

/// True when the database holds no table of ours: nothing was restored into it.
func holdsNoTable(_ database: TestDatabase) throws -> Bool {
    let connection = try database.connect()
    defer { connection.close() }
    let count: Int = try connection.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")[0].decode("n")
    return count == 0
}
