import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The schema a backup carries, checked on both sides of `db restore`: a backup newer than this
/// build, or whose migration text differs, is refused before anything is touched; an older one is
/// restored and reported with its pending migrations; a database newer than the backup is refused.
@Suite("db restore checks the backup's schema against this build and the database")
struct BackupSchemaCheckTests {
    static let newest = Migration.embedded.map(\.version).max()!

    @Test("a backup whose schema is newer than this artisanctl knows is refused (65, both versions named), nothing restored")
    func newerSchemaRefused() throws {
        let world = try CatalogueWorld.withCustomers()
        try world.connection.execute("""
            INSERT INTO schema_migrations (version, name, checksum) VALUES ('99991231235959', 'from_the_future', \(String(repeating: "f", count: 64)))
            """)
        let file = world.path("future.backup")
        try world.succeed("db", "backup", file)
        let target = try TestDatabase.empty()
        let result = try world.run(["db", "restore", file, "--yes"], environment: ["PGDATABASE": target.name])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("artisanctl: error: the backup's schema version 99991231235959 is newer than this artisanctl's \(Self.newest)"),
                "\(result.stderr)")
        #expect(try holdsNoTable(target))
    }

    @Test("a backup whose migration differs in text from this build's is refused (65), nothing restored")
    func changedMigrationRefused() throws {
        let world = try CatalogueWorld.withCustomers()
        try world.connection.execute("UPDATE schema_migrations SET checksum = \(String(repeating: "0", count: 64)) WHERE version = '20261124200200'")
        let file = world.path("changed.backup")
        try world.succeed("db", "backup", file)
        let target = try TestDatabase.empty()
        let result = try world.run(["db", "restore", file], environment: ["PGDATABASE": target.name])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("artisanctl: error: the backup's migration 20261124200200 (create_services) differs"), "\(result.stderr)")
        #expect(try holdsNoTable(target))
    }

    @Test("a header edited to claim another schema is caught by the check after the restore, as migrate status sees it")
    func headerCheckedAgainstRestoredRows() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = world.path("edited.backup")
        try world.succeed("db", "backup", file)
        // The header claims one migration fewer than the dump holds: migrate status then sees the last one as pending.
        try world.succeed("migrate", "rollback", "--yes")
        let older = world.path("older.backup")
        try world.succeed("db", "backup", older)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: older))
        let olderHeaderEnd = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }[1] + 1
        let current = try Data(contentsOf: URL(fileURLWithPath: file))
        let currentHeaderEnd = current.indices.filter { current[$0] == UInt8(ascii: "\n") }[1] + 1
        bytes = current.prefix(currentHeaderEnd) + bytes.suffix(from: olderHeaderEnd)
        try bytes.write(to: URL(fileURLWithPath: file))

        let target = try TestDatabase.empty()
        let result = try world.run(["db", "restore", file], environment: ["PGDATABASE": target.name])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("artisanctl: error: restored \(file), but its schema is not this artisanctl's: migrations 1 pending (\(Self.newest))"),
                "\(result.stderr)")
    }

    @Test("a backup from an older schema is restored, then reported with its pending migrations (65) until migrate latest")
    func olderSchemaRestoredThenPending() throws {
        let world = try CatalogueWorld.withCustomers()
        try world.succeed("migrate", "rollback", "--yes")
        let file = world.path("older.backup")
        try world.succeed("db", "backup", file)
        let target = try TestDatabase.empty()
        let environment = ["PGDATABASE": target.name]
        let result = try world.run(["db", "restore", file], environment: environment)
        #expect(result.status == 65)
        #expect(result.stderr == "artisanctl: error: restored \(file), but its schema is not this artisanctl's: migrations 1 pending (\(Self.newest))\n"
                + "hint: apply them with 'artisanctl migrate latest'\n")
        let connection = try target.connect()
        defer { connection.close() }
        #expect(try tableDigests(connection) == tableDigests(world.connection))
        try world.succeed(["migrate", "latest"], environment: environment)
        let status = try jsonArray(world.succeed(["migrate", "status", "--output", "json"], environment: environment).stdout)
        #expect(status.allSatisfy { $0["state"] as? String == "applied" })
    }

    @Test("over a database holding migrations the backup lacks, restore is refused (65): their tables would stay behind")
    func newerDatabaseRefused() throws {
        let world = try CatalogueWorld.withCustomers()
        try world.succeed("migrate", "rollback", "--yes")
        let file = world.path("older.backup")
        try world.succeed("db", "backup", file)
        let target = try TestDatabase.migrated()
        let connection = try target.connect()
        defer { connection.close() }
        let before = try tableDigests(connection)
        let result = try world.run(["db", "restore", file, "--yes"], environment: ["PGDATABASE": target.name])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("artisanctl: error: database \(target.name) has migration \(Self.newest) that the backup "), "\(result.stderr)")
        #expect(result.stderr.contains("hint: restore into an empty database, or roll them back first with 'artisanctl migrate rollback --steps 1'"))
        #expect(try tableDigests(connection) == before)
    }
}
