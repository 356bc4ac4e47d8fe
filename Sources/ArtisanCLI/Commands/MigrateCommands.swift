import ArtisanCore
import ArtisanStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `migrate latest | rollback | status | make`.
enum MigrateCommands {
    static let command = Command(
        "migrate", abstract: "Apply, revert and inspect the schema migrations",
        discussion: """
            The migrations are compiled into artisanctl: no file is needed at run time. Each one is applied \
            in its own transaction, under a PostgreSQL advisory lock, so concurrent runs are safe. A checksum \
            of each applied migration is recorded; 'migrate status' reports one whose text has changed since.
            """,
        subcommands: [latest, rollback, status, make]
    )

    struct MigrationRecord: Encodable {
        let version: String
        let name: String
        let state: String
        let appliedAt: String?
    }

    static let columns: [Column<MigrationRecord>] = [
        Column("version", "VERSION") { $0.version },
        Column("name", "NAME") { $0.name },
        Column("state", "STATE") { $0.state },
        Column("appliedAt", "APPLIED AT") { $0.appliedAt ?? "" },
    ]

    static func record(_ migration: Migration, state: String) -> MigrationRecord {
        MigrationRecord(version: migration.version, name: migration.name, state: state, appliedAt: nil)
    }

    static let latest = Command(
        "latest", abstract: "Apply every pending migration",
        examples: ["migrate latest"],
        run: { _, context in
            let connection = try context.connect()
            defer { connection.close() }
            let applied = try Migrator(connection: connection, logger: context.logger).latest()
            try report(applied, state: "applied", none: "Already up to date: no pending migration.", context: context)
        }
    )

    static let rollback = Command(
        "rollback", abstract: "Revert the last migration, the last N, or all of them",
        discussion: "Reverting drops tables and their data, so it asks for confirmation (or --yes).",
        flags: [
            Flag("steps", short: "n", value: "N", help: "Revert the last N migrations (default 1)"),
            Flag("all", help: "Revert every applied migration, leaving no table of artisanctl's"),
        ],
        examples: ["migrate rollback --yes", "migrate rollback --all --yes"],
        run: { invocation, context in
            if invocation.isSet("all"), invocation.isSet("steps") {
                throw ArtisanError.usage("--steps and --all cannot be used together")
            }
            let steps = invocation.isSet("all") ? nil : try invocation.integer("steps", in: 1...10_000) ?? 1
            let connection = try context.connect()
            defer { connection.close() }
            let migrator = Migrator(connection: connection, logger: context.logger)
            let applied = try migrator.status().filter { $0.state != .pending }.count
            if applied == 0 {
                try report([], state: "reverted", none: "Nothing to roll back: no migration is applied.", context: context)
                return
            }
            let count = min(steps ?? applied, applied)
            try context.confirm("roll back \(count) migration\(count == 1 ? "" : "s") and drop the data they hold")
            let reverted = try migrator.rollback(steps: steps)
            try report(reverted, state: "reverted", none: "Nothing to roll back.", context: context)
        }
    )

    static let status = Command(
        "status", abstract: "List the migrations: applied, pending, changed since applied, or unknown",
        examples: ["migrate status", "migrate status --output json"],
        run: { _, context in
            let connection = try context.connect()
            defer { connection.close() }
            let statuses = try Migrator(connection: connection, logger: context.logger).status()
            let records = statuses.map {
                MigrationRecord(version: $0.version, name: $0.name, state: $0.state.rawValue, appliedAt: $0.appliedAt?.iso8601())
            }
            try OutputWriter(context: context).list(records, columns: columns)
            let changed = statuses.filter { $0.state == .changed }
            if !changed.isEmpty {
                context.logger.warning("applied migrations have changed since: \(changed.map(\.version).joined(separator: ", "))")
            }
        }
    )

    static let make = Command(
        "make", abstract: "Write a new timestamped pair of migration files into the source tree",
        discussion: """
            Writes VERSION_NAME.up.sql and VERSION_NAME.down.sql (VERSION is the current UTC time, \
            YYYYMMDDHHMMSS) into Sources/ArtisanStore/Migrations of the repository in the current directory, \
            or into --dir. The next build compiles them in.
            """,
        arguments: [Argument("name", help: "Snake-case description, e.g. add_time_off")],
        flags: [Flag("dir", value: "DIR", help: "Migrations directory (default ./Sources/ArtisanStore/Migrations)", completion: .file)],
        examples: ["migrate make add_time_off"],
        run: { invocation, context in
            let name = invocation.argument("name") ?? ""
            guard let first = name.first, first.isASCII, first.isLowercase,
                  name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }), name.count <= 100 else {
                throw ArtisanError.invalid(field: "NAME", "must be snake_case: lower-case letters, digits and _, starting with a letter")
            }
            let directory = invocation.value("dir") ?? context.workingDirectory + "/Sources/ArtisanStore/Migrations"
            var info = stat()
            guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw ArtisanError.notFound("no migrations directory at \(directory)",
                                            hint: "run from the repository root, or pass --dir DIR")
            }
            var version = versionString(context.clock.now())
            while access("\(directory)/\(version)_\(name).up.sql", F_OK) == 0 || existingVersion(version, in: directory) {
                let next = versionString(Timestamp(secondsSinceEpoch: secondsOf(version) + 1))
                // Instants stop at 9999-12-31T23:59:59: there, no later version exists.
                guard next != version else { throw ArtisanError.invalid(field: "NAME", "no version is free after \(version)") }
                version = next
            }
            let stem = "\(directory)/\(version)_\(name)"
            try write("-- \(name): describe the change here.\n", to: stem + ".up.sql")
            try write("-- Undo \(name): leave the schema exactly as it was before the .up.sql.\n", to: stem + ".down.sql")
            context.stdout.line(stem + ".up.sql")
            context.stdout.line(stem + ".down.sql")
        }
    )

    // MARK: - Helpers

    private static func report(_ migrations: [Migration], state: String, none: String, context: Context) throws {
        if context.options.output == .table {
            guard !context.options.quiet else { return }
            if migrations.isEmpty {
                context.stdout.line(none)
                return
            }
            let verb = state.prefix(1).uppercased() + state.dropFirst()
            context.stdout.line("\(verb) \(migrations.count) migration\(migrations.count == 1 ? "" : "s"):")
            for migration in migrations { context.stdout.line("  \(migration.version)  \(migration.name)") }
        } else {
            try OutputWriter(context: context).list(migrations.map { record($0, state: state) }, columns: columns)
        }
    }

    static func versionString(_ instant: Timestamp) -> String {
        let iso = instant.iso8601()
        return String(iso.filter(\.isNumber).prefix(14))
    }

    private static func secondsOf(_ version: String) -> Int64 {
        let digits = Array(version.utf8)
        let date = LocalDate(year: ASCIIDigits.value(digits[0..<4])!, month: ASCIIDigits.value(digits[4..<6])!, day: ASCIIDigits.value(digits[6..<8])!)!
        let seconds = ASCIIDigits.value(digits[8..<10])! * 3600 + ASCIIDigits.value(digits[10..<12])! * 60 + ASCIIDigits.value(digits[12..<14])!
        return Int64(date.daysSinceEpoch) * 86_400 + Int64(seconds)
    }

    private static func existingVersion(_ version: String, in directory: String) -> Bool {
        guard let handle = opendir(directory) else { return false }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name.hasPrefix(version + "_") { return true }
        }
        return false
    }

    private static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wx") else { throw ArtisanSystemError.errno("cannot create \(path)", errno) }
        defer { fclose(file) }
        fputs(text, file)
    }
}
