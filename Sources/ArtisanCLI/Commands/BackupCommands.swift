import ArtisanCore
import ArtisanStore

/// `db backup FILE [--encrypt]` and `db restore FILE`: pg_dump and pg_restore, with the schema in the file.
extension DatabaseCommands {
    static let backup = Command(
        "backup", abstract: "Write the whole database to FILE (pg_dump's custom format), encrypted with --encrypt",
        discussion: """
            Backs up the configured database (--database, DATABASE_URL, PG* variables or the embedded cluster) with \
            pg_dump, in the same snapshot as the list of applied migrations that the file's header carries. The file \
            is written beside FILE under a temporary name and renamed only once complete, so a failure never leaves \
            half a backup; it is created with mode 0600. An existing FILE is replaced only after confirmation (--yes).
            With --encrypt, the dump is sealed with AES-256-GCM in 1 MiB parts, under a key derived from \
            BACKUP_ENCRYPTION_KEY (32 random bytes, base64: head -c 32 /dev/urandom | base64) and a salt of the file's \
            own: keep the key apart from the backups. The password of the database never appears on a command line: \
            pg_dump gets it through its environment.
            A plain backup is two text lines and then pg_dump's own format: tail -n +3 FILE | pg_restore --list.
            """,
        arguments: [Argument("file", help: "The backup to write")],
        flags: [Flag("encrypt", help: "Encrypt with BACKUP_ENCRYPTION_KEY (AES-256-GCM), for a backup that leaves the machine")],
        examples: ["db backup artisanconnect.backup", "db backup --encrypt /var/backups/artisanctl/$(date +%F).backup"],
        run: { invocation, context in
            let path = try backupFile(invocation)
            let key = invocation.isSet("encrypt") ? try EncryptionKeySetting.backup.bytes(in: context.environment) : nil
            let exists = try BackupPath.existingFile(path)
            if exists { try context.confirm("replace the existing file \(path)") }
            let writer = try BackupFileWriter(path: path, replacing: exists, key: key)
            defer { writer.abandon() }
            let connection = try context.connect()
            defer { connection.close() }
            let tools = ClientPrograms(connection: connection, environment: context.environment, logger: context.logger)
            let header = try DatabaseBackup(tools).write(to: writer, createdAt: context.clock.now())
            try writer.commit()
            struct Record: Encodable { let file: String; let bytes: Int; let encrypted: Bool; let schemaVersion: String; let migrations: Int; let createdAt: String }
            let record = Record(file: path, bytes: writer.size, encrypted: key != nil, schemaVersion: header.schemaVersion,
                                migrations: header.migrations.count, createdAt: header.createdAt)
            guard context.options.output == .table else { return try OutputWriter(context: context).writeJSON(record) }
            guard !context.options.quiet else { return }
            context.stdout.line("Backed up the database (schema version \(record.schemaVersion), \(record.migrations) migrations) to \(path): "
                                + "\(record.bytes) bytes\(record.encrypted ? ", encrypted with BACKUP_ENCRYPTION_KEY" : "").")
        }
    )

    static let restore = Command(
        "restore", abstract: "Restore a backup into the database, then check its schema as 'migrate status' does",
        discussion: """
            Reads FILE's header first and refuses, before touching the database, a file that is not a backup, a backup \
            whose schema is newer than this artisanctl knows, and an encrypted backup that BACKUP_ENCRYPTION_KEY does not \
            open or whose parts do not all authenticate (altered, cut short). A database that is not empty is replaced \
            only after confirmation (--yes): pg_restore --clean --if-exists then drops what the backup holds before \
            recreating it; a database holding migrations the backup lacks is refused (their tables would stay). \
            pg_restore runs in a single transaction: the database ends with all of the backup or is left as it was.
            Afterwards every migration of this artisanctl must be applied, as 'migrate status' reports it; a backup \
            from an older schema is restored, then reported with its pending migrations (exit 65): apply them with \
            'artisanctl migrate latest'.
            """,
        arguments: [Argument("file", help: "The backup to restore")],
        examples: ["db restore artisanconnect.backup", "db restore /var/backups/artisanctl/2026-11-24.backup --database postgresql:///drill --yes"],
        run: { invocation, context in
            let path = try backupFile(invocation)
            let reader = try BackupFileReader(path: path)
            // The header's cheap refusal first: verifying an encrypted backup reads all of it.
            if let refusal = reader.header.refusal(known: Migration.embedded) { throw refusal }
            let key = reader.isEncrypted ? try EncryptionKeySetting.backup.bytes(in: context.environment) : nil
            if reader.isEncrypted { try reader.verify(key: key) }
            let connection = try context.connect()
            defer { connection.close() }
            let restore = DatabaseRestore(ClientPrograms(connection: connection, environment: context.environment, logger: context.logger))
            let target = try restore.inspect()
            if !target.isEmpty {
                if let refusal = restore.refusal(reader.header, over: target) { throw refusal }
                try context.confirm("replace everything database \(target.database) holds with the backup \(path)")
            }
            let statuses = try restore.restore(try reader.payload(key: key), replacing: !target.isEmpty, from: path)
            struct Record: Encodable { let file: String; let database: String; let replaced: Bool; let schemaVersion: String; let migrations: Int; let createdAt: String }
            let record = Record(file: path, database: target.database, replaced: !target.isEmpty, schemaVersion: reader.header.schemaVersion,
                                migrations: reader.header.migrations.count, createdAt: reader.header.createdAt)
            guard context.options.output == .table else { return try OutputWriter(context: context).writeJSON(record) }
            guard !context.options.quiet else { return }
            context.stdout.line("Restored \(path) (made \(record.createdAt), schema version \(record.schemaVersion)) into database "
                                + "\(record.database)\(record.replaced ? ", replacing what it held" : ""); every migration is applied.")
        }
    )

    // MARK: - Helpers

    private static func backupFile(_ invocation: Invocation) throws -> String {
        let path = invocation.argument("file") ?? ""
        guard !path.isEmpty else { throw ArtisanError.invalid(field: "FILE", "must name a file") }
        guard path != "-" else { throw ArtisanError.invalid(field: "FILE", "must name a file: '-' (standard input or output) is not supported") }
        return path
    }
}
