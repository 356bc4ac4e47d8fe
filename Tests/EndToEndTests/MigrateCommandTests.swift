import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `artisanctl migrate …` run as a real process: exit statuses, stdout and stderr kept apart.
@Suite("migrate, through the binary")
struct MigrateCommandTests {
    let database: TestDatabase

    init() throws { database = try TestDatabase.empty() }

    func artisanctl(_ arguments: String..., stdin: String? = nil) throws -> Binary.Result {
        try Binary.run(arguments, environment: database.environment, stdin: stdin)
    }

    @Test("latest applies the schema, prints what it did on stdout and nothing on stderr")
    func latest() throws {
        let result = try artisanctl("migrate", "latest")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Applied \(Migration.embedded.count) migrations"))
        #expect(result.stdout.contains("create_bookings"))
        #expect(result.stderr.isEmpty)
        let quiet = try artisanctl("migrate", "rollback", "--yes", "--quiet")
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
        #expect(try artisanctl("migrate", "latest", "-q").stdout.isEmpty)
        let again = try artisanctl("migrate", "latest")
        #expect(again.status == 0)
        #expect(again.stdout.contains("Already up to date"))
    }

    @Test("status lists pending then applied migrations, as a table, JSON and CSV")
    func status() throws {
        let pending = try artisanctl("migrate", "status")
        #expect(pending.status == 0)
        #expect(pending.stdout.split(separator: "\n").filter { $0.contains(" pending") }.count == Migration.embedded.count)
        try artisanctl("migrate", "latest")
        let json = try artisanctl("--json", "migrate", "status")
        let records = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(records?.count == Migration.embedded.count)
        #expect(records?.allSatisfy { $0["state"] as? String == "applied" && $0["appliedAt"] is String } == true)
        let csv = try artisanctl("migrate", "status", "--output=csv")
        #expect(csv.stdout.hasPrefix("version,name,state,appliedAt\n"))
        #expect(csv.stdout.split(separator: "\n").count == Migration.embedded.count + 1)
    }

    @Test("status reports a migration whose text changed since it was applied")
    func changedMigration() throws {
        try artisanctl("migrate", "latest")
        let connection = try database.connect()
        try connection.execute("UPDATE schema_migrations SET checksum = \(String(repeating: "0", count: 64)) WHERE version = '20261124200200'")
        let result = try artisanctl("migrate", "status")
        #expect(result.status == 0)
        let line = result.stdout.split(separator: "\n").first { $0.contains("20261124200200") }
        #expect(line?.contains("changed") == true)
        #expect(result.stderr.contains("changed"))
    }

    @Test("rollback needs --yes without a terminal and changes nothing when refused")
    func rollbackNeedsConfirmation() throws {
        try artisanctl("migrate", "latest")
        let refused = try artisanctl("migrate", "rollback")
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--yes"))
        #expect(refused.stdout.isEmpty)
        #expect(try artisanctl("migrate", "status").stdout.contains("pending") == false)
        let done = try artisanctl("migrate", "rollback", "--steps", "2", "--yes")
        #expect(done.status == 0)
        #expect(done.stdout.contains("Reverted 2 migrations"))
        #expect(try artisanctl("migrate", "status").stdout.split(separator: "\n").filter { $0.contains(" pending") }.count == 2)
    }

    @Test("rollback --all leaves no table of ours; latest rebuilds everything")
    func rollbackAll() throws {
        try artisanctl("migrate", "latest")
        let result = try artisanctl("migrate", "rollback", "--all", "-y")
        #expect(result.status == 0)
        let connection = try database.connect()
        #expect(try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").isEmpty)
        #expect(try artisanctl("migrate", "latest").status == 0)
        #expect(try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").count == 14)
    }

    @Test("--steps and --all together, or a bad --steps, are usage errors (64)")
    func rollbackUsage() throws {
        #expect(try artisanctl("migrate", "rollback", "--all", "--steps", "1", "--yes").status == 64)
        let bad = try artisanctl("migrate", "rollback", "--steps", "zero", "--yes")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--steps"))
    }

    @Test("four concurrent 'migrate latest' on an empty database all succeed and apply the schema once")
    func concurrentLatest() async throws {
        let environment = database.environment
        let results = try await withThrowingTaskGroup(of: Binary.Result.self) { group in
            for _ in 0..<4 {
                group.addTask { try Binary.run(["migrate", "latest"], environment: environment) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(results.filter { $0.stdout.contains("Applied \(Migration.embedded.count) migrations") }.count == 1)
        let connection = try database.connect()
        #expect(try connection.query("SELECT version FROM schema_migrations").count == Migration.embedded.count)
    }
}

@Suite("migrate make")
struct MigrateMakeTests {
    @Test("writes a timestamped up/down pair into --dir")
    func makeWritesPair() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = Binary.isolatedEnvironment(["ARTISANCTL_NOW": "2031-05-06T07:08:09Z"])
        let result = try Binary.run(["migrate", "make", "add_time_off", "--dir", directory.path], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["20310506070809_add_time_off.down.sql", "20310506070809_add_time_off.up.sql"])
        // A second one in the same second gets the next version, never the same.
        let second = try Binary.run(["migrate", "make", "add_more", "--dir", directory.path], environment: environment)
        #expect(second.status == 0)
        #expect(second.stdout.contains("20310506070810_add_more.up.sql"))
    }

    @Test("refuses a name that is not snake_case (65) and a missing directory (66)")
    func makeRefusals() throws {
        let environment = Binary.isolatedEnvironment()
        let badName = try Binary.run(["migrate", "make", "Drop Table;", "--dir", "/tmp"], environment: environment)
        #expect(badName.status == 65)
        #expect(badName.stderr.contains("NAME"))
        let noDir = try Binary.run(["migrate", "make", "fine_name", "--dir", "/nonexistent/dir"], environment: environment)
        #expect(noDir.status == 66)
    }
}
