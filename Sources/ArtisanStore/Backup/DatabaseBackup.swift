import ArtisanCore

/// `db backup`: the whole database in pg_dump's custom format, dumped in the very snapshot in which
/// the applied migrations of the file's header were read, so the header always tells the schema
/// the dump holds, even with a migration running meanwhile.
public struct DatabaseBackup {
    let tools: ClientPrograms

    public init(_ tools: ClientPrograms) { self.tools = tools }

    /// Writes the header and the dump through `writer` (which the caller then commits) and returns the header.
    public func write(to writer: BackupFileWriter, createdAt: Timestamp) throws -> BackupHeader {
        let connection = tools.connection
        return try connection.withTransaction {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let snapshot: String = try connection.query("SELECT pg_export_snapshot() AS snapshot")[0].decode("snapshot")
            let migrations = try Migrator(connection: connection, logger: tools.logger).applied()
            guard !migrations.isEmpty else {
                throw ArtisanError(.invalid, code: "NOTHING_TO_BACK_UP", "the database holds no artisanctl schema (no migration applied)",
                                   hint: "check --database, DATABASE_URL or the PG* variables")
            }
            let header = try writer.begin(BackupHeader(createdAt: createdAt, migrations: migrations,
                                                       postgresVersion: Self.version(connection.serverVersion)))
            try tools.run("pg_dump", ["--format=custom", "--no-password", "--snapshot=\(snapshot)"], output: writer.write)
            return header
        }
    }

    /// `150018` as `15.18`.
    static func version(_ number: Int) -> String { "\(number / 10_000).\(number % 10_000)" }
}
