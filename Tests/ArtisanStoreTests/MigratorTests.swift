import ArtisanCore
import ArtisanStore
import Logging
import Testing
import TestSupport

@Suite("Migrations against a real PostgreSQL")
struct MigratorTests {
    let database: TestDatabase
    let connection: PostgresConnection
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    init() throws {
        database = try TestDatabase.empty()
        connection = try database.connect()
    }

    var migrator: Migrator { Migrator(connection: connection, logger: logger) }

    func tables() throws -> Set<String> {
        Set(try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").map { try $0.decode("tablename") })
    }

    @Test("the embedded migrations are the spec's schema, in version order, each with both halves")
    func embeddedMigrations() {
        let versions = Migration.embedded.map(\.version)
        #expect(versions == versions.sorted())
        #expect(Migration.embedded.count >= 8)
        #expect(Migration.embedded.allSatisfy { !$0.up.isEmpty && !$0.down.isEmpty && $0.checksum.count == 64 })
    }

    @Test("latest applies everything once; a second run applies nothing")
    func latestIsIdempotent() throws {
        let first = try migrator.latest()
        #expect(first.count == Migration.embedded.count)
        #expect(try migrator.latest().isEmpty)
        #expect(try migrator.status().allSatisfy { $0.state == .applied && $0.appliedAt != nil })
        #expect(try tables() == [
            "artisans", "services", "opening_rules", "break_rules", "bookings", "external_busy_blocks",
            "calendar_connections", "booking_events", "time_off", "stripe_events", "payment_sync_state", "notifications", "idempotency_keys",
            "schema_migrations",
        ])
    }

    @Test("status on an empty database lists every migration as pending without creating anything")
    func statusOnEmptyDatabase() throws {
        let statuses = try migrator.status()
        #expect(statuses.count == Migration.embedded.count)
        #expect(statuses.allSatisfy { $0.state == .pending && $0.appliedAt == nil })
        #expect(try tables().isEmpty)
    }

    @Test("rollback reverts the last N, newest first")
    func rollbackSteps() throws {
        try migrator.latest()
        // Back to before the migration that created time_off.
        let steps = Migration.embedded.count - (try #require(Migration.embedded.firstIndex { $0.name == "catalogue_settings_and_time_off" }))
        let reverted = try migrator.rollback(steps: steps)
        #expect(reverted.map(\.version) == Migration.embedded.suffix(steps).reversed().map(\.version))
        let states = try migrator.status().map(\.state)
        #expect(states.filter { $0 == .pending }.count == steps)
        #expect(!(try tables().contains("time_off")))
        #expect(try migrator.latest().count == steps)
    }

    @Test("rollback of all leaves no table, function or extension of ours; latest rebuilds everything")
    func rollbackAll() throws {
        try migrator.latest()
        let reverted = try migrator.rollback(steps: nil)
        #expect(reverted.count == Migration.embedded.count)
        #expect(try tables().isEmpty)
        #expect(try connection.query("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'").isEmpty)
        #expect(try connection.query("SELECT 1 FROM pg_proc WHERE proname = 'bookings_set_occupied'").isEmpty)
        #expect(try migrator.latest().count == Migration.embedded.count)
        #expect(try tables().count == 14)
    }

    @Test("a migration whose text changed after it was applied is reported as changed")
    func changedMigrationReported() throws {
        try migrator.latest()
        var edited = Migration.embedded
        let original = edited[1]
        edited[1] = Migration(version: original.version, name: original.name, up: original.up + "\n-- edited", down: original.down)
        let statuses = try Migrator(connection: connection, migrations: edited, logger: logger).status()
        #expect(statuses[1].state == .changed)
        #expect(statuses.filter { $0.state == .changed }.count == 1)
    }

    @Test("a migration applied by a newer build is reported as unknown and cannot be rolled back here")
    func unknownMigration() throws {
        try migrator.latest()
        try connection.execute("""
            INSERT INTO schema_migrations (version, name, checksum) VALUES ('29990101000000', 'from_the_future', \(String(repeating: "0", count: 64)))
            """)
        #expect(try migrator.status().last?.state == .unknown)
        let error = #expect(throws: ArtisanError.self) { try migrator.rollback(steps: 1) }
        #expect(error?.message.contains("29990101000000") == true)
        #expect(try migrator.status().filter { $0.state == .applied }.count == Migration.embedded.count)
    }

    @Test("a failing migration leaves nothing of itself behind and is not recorded")
    func failingMigrationIsAtomic() throws {
        let broken = Migration(version: "29990101000000", name: "broken", up: "CREATE TABLE half_done (id int); SELECT 1/0;", down: "DROP TABLE half_done;")
        let migrations = Migration.embedded + [broken]
        #expect(throws: DatabaseError.self) { try Migrator(connection: connection, migrations: migrations, logger: logger).latest() }
        #expect(!(try tables().contains("half_done")))
        let statuses = try Migrator(connection: connection, migrations: migrations, logger: logger).status()
        #expect(statuses.last?.state == .pending)
        #expect(statuses.dropLast().allSatisfy { $0.state == .applied })
    }
}
