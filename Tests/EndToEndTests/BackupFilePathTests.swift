import ArtisanStore
import Foundation
import Testing
import TestSupport

/// FILE as the user may give it: a directory, a missing or unwritable place, an existing file, a
/// file that is no backup. Each refused with one line and DESIGN's status, leaving neither a half
/// backup nor a temporary file, and never a restored row.
@Suite("db backup and db restore with hostile FILE paths")
struct BackupFilePathTests {
    /// A directory nobody may create files in: sysfs for root (whom file modes do not stop), else a 0500 directory.
    static func unwritableDirectory(in world: CatalogueWorld) throws -> String {
        if geteuid() == 0 { return "/sys" }
        let path = world.path("locked")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o500])
        return path
    }

    @Test("backup into a directory, a missing one, an unwritable one, an empty or '-' FILE: refused, nothing left behind")
    func backupRefusals() throws {
        let world = try CatalogueWorld.withCustomers()
        try FileManager.default.createDirectory(atPath: world.path("folder"), withIntermediateDirectories: false)
        let unwritable = try Self.unwritableDirectory(in: world)
        let before = try world.directoryListing()
        let cases: [(String, Int32, String)] = [
            (world.path("folder"), 65, "FILE: \(world.path("folder")) is a directory"),
            (world.path("folder") + "/", 65, "FILE: \(world.path("folder"))/ is a directory"),
            (world.path("missing/x.backup"), 66, "cannot write \(world.path("missing/x.backup")): No such file or directory"),
            (unwritable + "/x.backup", 77, "cannot write \(unwritable)/x.backup: Permission denied"),
            ("", 65, "FILE: must name a file"),
            ("-", 65, "FILE: must name a file: '-'"),
            ("/dev/null", 65, "FILE: /dev/null is not a regular file"),
            (world.path(String(repeating: "x", count: 300)), 65, "FILE: cannot write"),
        ]
        for (file, status, message) in cases {
            let result = try world.run(["db", "backup", "--", file])
            #expect(result.status == status, "\(file): \(result.stderr)")
            #expect(result.stderr.hasPrefix("artisanctl: error: \(message)"), "\(file): \(result.stderr)")
            #expect(lines(result.stderr).count <= 2 && result.stdout.isEmpty)
        }
        #expect(try world.directoryListing() == before)
    }

    @Test("an existing FILE is replaced only with --yes (64 without, the file untouched), and stays mode 0600")
    func existingFile() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = try world.file("kept.backup", "yesterday's backup")
        let refused = try world.run("db", "backup", file)
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("artisanctl: error: refusing to replace the existing file \(file) without confirmation"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "yesterday's backup")
        #expect(try world.directoryListing() == ["kept.backup"])

        try world.succeed("db", "backup", file, "--yes")
        #expect(try FileHandle(forReadingFrom: URL(fileURLWithPath: file)).read(upToCount: 19) == Data("ARTISANCTL-BACKUP 1".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try world.directoryListing() == ["kept.backup"])
    }

    @Test("a backup whose database cannot be dumped fails (69) and leaves no file, not even a temporary one")
    func failedDumpLeavesNothing() throws {
        let world = try CatalogueWorld()
        let noDatabase = try world.run(["db", "backup", world.path("x.backup")], environment: ["PGDATABASE": "does_not_exist"])
        #expect(noDatabase.status == 69, "\(noDatabase.stderr)")
        let empty = try TestDatabase.empty()
        let noSchema = try world.run(["db", "backup", world.path("x.backup")], environment: ["PGDATABASE": empty.name])
        #expect(noSchema.status == 65)
        #expect(noSchema.stderr.hasPrefix("artisanctl: error: the database holds no artisanctl schema"))
        #expect(try world.directoryListing().isEmpty)
    }

    @Test("restore of a missing file, a directory, a text file, an empty file, a bare pg_dump archive: refused, nothing restored")
    func restoreRefusals() throws {
        let world = try CatalogueWorld.withCustomers()
        let target = try TestDatabase.empty()
        let bare = world.path("bare.dump")
        let dumped = try Subprocess.run([try pgProgram("pg_dump"), "--format=custom", "--file=\(bare)"], environment: world.database.environment)
        #expect(dumped.succeeded, "\(dumped.stderr)")
        let cases: [(String, Int32, String)] = [
            (world.path("missing.backup"), 66, "cannot read \(world.path("missing.backup")): No such file or directory"),
            (world.directory.path, 65, "FILE: \(world.directory.path) is a directory, not a backup"),
            (try world.file("notes.txt", "ARTISANCTL-BACKUP 2\n{}\n"), 65, "FILE: \(world.path("notes.txt")) is not an artisanctl backup"),
            (try world.file("empty.backup", ""), 65, "FILE: \(world.path("empty.backup")) is not an artisanctl backup"),
            (bare, 65, "FILE: \(bare) is not an artisanctl backup"),
            ("/dev/zero", 65, "FILE: /dev/zero is not a regular file"),
            ("", 65, "FILE: must name a file"),
        ]
        for (file, status, message) in cases {
            let result = try world.run(["db", "restore", "--yes", "--", file], environment: ["PGDATABASE": target.name])
            #expect(result.status == status, "\(file): \(result.stderr)")
            #expect(result.stderr.hasPrefix("artisanctl: error: \(message)"), "\(file): \(result.stderr)")
            #expect(lines(result.stderr).count <= 2 && result.stdout.isEmpty)
        }
        #expect(try holdsNoTable(target))
    }

    @Test("the database's password reaches pg_dump and pg_restore through their environment, never their command line")
    func passwordNeverOnCommandLine() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let password = environment["PGPASSWORD"], !password.isEmpty else {
            Issue.record("the tests' PostgreSQL (pg_virtualenv) has a password: this test needs PGPASSWORD")
            return
        }
        let world = try CatalogueWorld.withCustomers()
        // Wrappers that record their arguments, then run the real program.
        let bin = world.path("bin"), log = world.path("arguments.log")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: false)
        for program in ["pg_dump", "pg_restore"] {
            let script = "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '\(log)'\nexec '\(try pgProgram(program))' \"$@\"\n"
            #expect(FileManager.default.createFile(atPath: "\(bin)/\(program)", contents: Data(script.utf8), attributes: [.posixPermissions: 0o755]))
        }
        let host = environment["PGHOST"] ?? "localhost", port = environment["PGPORT"] ?? "5432", user = environment["PGUSER"] ?? "postgres"
        let target = try TestDatabase.empty()
        func url(_ database: TestDatabase) -> String { "postgresql://\(user):\(password)@\(host):\(port)/\(database.name)" }
        // No PG* variable at all: the URL alone says where and with which password.
        var settings = Binary.isolatedEnvironment(["ARTISANCTL_PG_BINDIR": bin])
        settings["XDG_DATA_HOME"] = world.path("data")
        let file = world.path("secret.backup")
        let backup = try Binary.run(["db", "backup", file, "--database", url(world.database)], environment: settings)
        #expect(backup.status == 0, "\(backup.stderr)")
        let restore = try Binary.run(["db", "restore", file, "--database", url(target)], environment: settings)
        #expect(restore.status == 0, "\(restore.stderr)")

        let arguments = try String(contentsOfFile: log, encoding: .utf8)
        #expect(lines(arguments).count == 2)
        #expect(arguments.contains("dbname='\(world.database.name)'") && arguments.contains("dbname='\(target.name)'"), "\(arguments)")
        #expect(!arguments.contains(password) && !arguments.contains("password="), "\(arguments)")
        let connection = try target.connect()
        defer { connection.close() }
        #expect(try tableDigests(connection) == tableDigests(world.connection))
    }
}
