import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `db backup` then `db restore` through the binary, against real PostgreSQL: the restored database
/// holds the same rows in every table and the same schema, checked by digests of every table and by
/// pg_dump itself (against a copy made by pg_dump and pg_restore alone); a plain backup is readable
/// by pg_restore; a restore is all or nothing.
@Suite("db backup and db restore: a backup that restores")
struct DatabaseBackupTests {
    @Test("a backup restored into an empty database gives the same rows in every table, the same schema, every migration applied")
    func roundTrip() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = world.path("nightly.backup")
        let backup = try world.succeed("db", "backup", file)
        let newest = Migration.embedded.map(\.version).max()!
        #expect(backup.stdout.contains("schema version \(newest), \(Migration.embedded.count) migrations) to \(file)"), "\(backup.stdout)")
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try world.directoryListing() == ["nightly.backup"])

        let target = try TestDatabase.empty()
        let restored = try world.succeed(["db", "restore", file], environment: ["PGDATABASE": target.name])
        #expect(restored.stdout.contains("into database \(target.name); every migration is applied"), "\(restored.stdout)")

        let source = try tableDigests(world.connection)
        let connection = try target.connect()
        defer { connection.close() }
        #expect(try tableDigests(connection) == source)
        #expect(source.count >= 14 && source["schema_migrations"] != nil && source["bookings"] != nil && source["notifications"] != nil)
        #expect(try world.count("bookings") == 3 && world.count("notifications") > 0 && world.count("booking_events") >= 4)
        // PostgreSQL writes some CHECKs back differently once reloaded: the schema is compared with
        // that of the same database copied by pg_dump and pg_restore alone.
        let reference = try TestDatabase.empty()
        let copied = try Subprocess.run(["/bin/sh", "-c", "\"$1\" -Fc | \"$2\" --no-owner --no-privileges -d \"$3\"", "sh",
                                         try pgProgram("pg_dump"), try pgProgram("pg_restore"), reference.name], environment: world.database.environment)
        #expect(copied.succeeded, "\(copied.stderr)")
        let (restoredSchema, referenceSchema) = (try schemaDump(target), try schemaDump(reference))
        #expect(restoredSchema == referenceSchema, "\(Set(lines(restoredSchema)).symmetricDifference(lines(referenceSchema)))")
        let status = try jsonArray(world.succeed(["migrate", "status", "--output", "json"], environment: ["PGDATABASE": target.name]).stdout)
        #expect(status.count == Migration.embedded.count && status.allSatisfy { $0["state"] as? String == "applied" })
    }

    @Test("a plain backup is two header lines, then pg_dump's custom format: pg_restore lists it and prints the customer's rows")
    func plainIsPgDumpFormat() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = world.path("plain.backup")
        try world.succeed("db", "backup", file)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let lines = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)
        #expect(String(decoding: lines[0], as: UTF8.self) == "ARTISANCTL-BACKUP 1")
        let header = try jsonObject(String(decoding: lines[1], as: UTF8.self))
        #expect(header["schemaVersion"] as? String == Migration.embedded.map(\.version).max())
        #expect((header["migrations"] as? [[String: Any]])?.map { $0["checksum"] as? String } == Migration.embedded.map(\.checksum))
        #expect(lines[2].starts(with: Array("PGDMP".utf8)))

        let list = try Subprocess.run(["/bin/sh", "-c", "tail -n +3 \"$1\" | \"$2\" --list", "sh", file, try pgProgram("pg_restore")])
        #expect(list.succeeded, "\(list.stderr)")
        for entry in ["TABLE DATA public bookings", "TABLE DATA public schema_migrations", "TABLE DATA public notifications", "EXTENSION - btree_gist"] {
            #expect(list.stdout.contains(entry), "pg_restore --list lacks \(entry)")
        }
        let script = try Subprocess.run(["/bin/sh", "-c", "tail -n +3 \"$1\" | \"$2\" -f -", "sh", file, try pgProgram("pg_restore")])
        #expect(script.stdout.contains(BackupCustomer.email) && script.stdout.contains(BackupCustomer.name))
    }

    @Test("restoring over a database that holds data asks first (64 without --yes, nothing changed), then replaces it whole")
    func nonEmptyNeedsYes() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = world.path("before.backup")
        try world.succeed("db", "backup", file)
        let before = try tableDigests(world.connection)
        try world.connection.execute("DELETE FROM notifications")
        try world.connection.execute("UPDATE bookings SET customer_name = 'Changé' WHERE customer_email = \(BackupCustomer.email)")
        let changed = try tableDigests(world.connection)

        let refused = try world.run("db", "restore", file)
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("artisanctl: error: refusing to replace everything database \(world.database.name) holds"))
        #expect(refused.stdout.isEmpty)
        #expect(try tableDigests(world.connection) == changed)

        let replaced = try world.succeed("db", "restore", file, "--yes")
        #expect(replaced.stdout.contains("replacing what it held"))
        #expect(try tableDigests(world.connection) == before)
    }

    @Test("a restore that fails halfway leaves the database as it was: pg_restore runs in one transaction")
    func allOrNothing() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = world.path("all.backup")
        try world.succeed("db", "backup", file)
        // A view of the artisan's own on bookings: dropping bookings to restore it fails, after other tables were dropped.
        try world.connection.execute("CREATE VIEW upcoming AS SELECT public_code FROM bookings")
        try world.connection.execute("DELETE FROM booking_events")
        let before = try tableDigests(world.connection)

        let failed = try world.run("db", "restore", file, "--yes")
        #expect(failed.status == 65, "\(failed.stderr)")
        #expect(failed.stderr.hasPrefix("artisanctl: error: pg_restore failed: "), "\(failed.stderr)")
        #expect(lines(failed.stderr).count <= 2)
        #expect(try tableDigests(world.connection) == before)
        #expect(try world.count("upcoming") == 3)
    }
}
