import ArtisanCore

/// `db restore`: a backup's dump into a database with pg_restore in one transaction, so the
/// database ends with all of it or none of it, then checked as `migrate status` checks.
public struct DatabaseRestore {
    let tools: ClientPrograms
    private var connection: PostgresConnection { tools.connection }

    public init(_ tools: ClientPrograms) { self.tools = tools }

    /// What the database holds before the restore.
    public struct Target: Sendable {
        public let database: String
        /// No table, view, sequence, function, type or extension (but plpgsql) outside PostgreSQL's own schemas.
        public let isEmpty: Bool
        public let applied: [AppliedMigration]
    }

    public func inspect() throws -> Target {
        let row = try connection.query("""
            SELECT current_database() AS database,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')
              + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')
              + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND t.typrelid = 0 AND t.typelem = 0)
              + (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql') AS objects
            """)[0]
        let objects: Int = try row.decode("objects")
        return Target(database: try row.decode("database"), isEmpty: objects == 0,
                      applied: objects == 0 ? [] : try Migrator(connection: connection, logger: tools.logger).applied())
    }

    /// Over a database that holds migrations the backup lacks, pg_restore's --clean, which drops only
    /// what the backup holds, would leave their tables behind: refused.
    public func refusal(_ header: BackupHeader, over target: Target) -> ArtisanError? {
        let inBackup = Set(header.migrations.map(\.version))
        let extra = target.applied.filter { !inBackup.contains($0.version) }
        guard !extra.isEmpty else { return nil }
        return ArtisanError(
            .invalid, code: "RESTORE_TARGET_NEWER",
            "database \(target.database) has migration\(extra.count == 1 ? "" : "s") \(extra.map(\.version).joined(separator: ", ")) "
                + "that the backup (schema version \(header.schemaVersion)) lacks: restoring over it would leave their tables behind",
            hint: "restore into an empty database, or roll them back first with 'artisanctl migrate rollback --steps \(extra.count)'")
    }

    /// Restores the dump `payload` gives (read from `path`); `replacing` drops first what the backup
    /// holds (the same transaction). Returns the migrations' states afterwards, as `migrate status`
    /// shows them; RESTORED_SCHEMA_NOT_CURRENT when they are not all applied.
    public func restore(_ payload: BackupPayload, replacing: Bool, from path: String) throws -> [MigrationStatus] {
        // Roles and grants are the target's own: its user owns what is restored.
        var arguments = ["--format=custom", "--no-password", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
        if replacing { arguments += ["--clean", "--if-exists"] }
        try tools.run("pg_restore", arguments, input: payload.next)
        // Fresh tables have no statistics until autovacuum comes by: the planner gets them now.
        try connection.execute("ANALYZE")
        let statuses = try Migrator(connection: connection, logger: tools.logger).status()
        try Self.requireCurrentSchema(statuses, restored: path)
        return statuses
    }

    /// After a restore, the schema must be this build's, every migration applied, as `migrate status` checks.
    private static func requireCurrentSchema(_ statuses: [MigrationStatus], restored path: String) throws {
        let unsettled = statuses.filter { $0.state != .applied }
        guard !unsettled.isEmpty else { return }
        let states = Dictionary(grouping: unsettled, by: \.state)
        let summary = [MigrationStatus.State.pending, .changed, .unknown].compactMap { state in
            states[state].map { "\($0.count) \(state.rawValue) (\($0.map(\.version).joined(separator: ", ")))" }
        }.joined(separator: ", ")
        let onlyPending = unsettled.allSatisfy { $0.state == .pending }
        throw ArtisanError(.invalid, code: "RESTORED_SCHEMA_NOT_CURRENT",
                           "restored \(path), but its schema is not this artisanctl's: migrations \(summary)",
                           hint: onlyPending ? "apply them with 'artisanctl migrate latest'" : "see 'artisanctl migrate status'")
    }
}
