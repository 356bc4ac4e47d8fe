import ArtisanCore
import Logging

/// Where one migration stands against a database.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied
        case pending
        /// Applied, but the text compiled into this binary differs from what was applied.
        case changed
        /// Applied in the database, unknown to this binary (a newer build applied it).
        case unknown
    }

    public let version: String
    public let name: String
    public let state: State
    public let appliedAt: Timestamp?
}

/// A migration as a database records it (a backup carries the list).
public struct AppliedMigration: Codable, Sendable, Equatable {
    public let version: String
    public let name: String
    /// SHA-256 of its text when it was applied (`Migration.checksum`).
    public let checksum: String

    public init(version: String, name: String, checksum: String) {
        self.version = version
        self.name = name
        self.checksum = checksum
    }
}

/// Applies and reverts the embedded migrations. Each migration runs in its own transaction; the
/// whole run holds a PostgreSQL advisory lock, so concurrent runs wait and then find nothing to do.
public struct Migrator {
    /// Arbitrary, fixed: the advisory lock key of `artisanctl migrate`.
    static let lockKey: Int64 = 0x4152_5449_5341_4E01

    let connection: PostgresConnection
    let migrations: [Migration]
    let logger: Logger

    public init(connection: PostgresConnection, migrations: [Migration] = Migration.embedded, logger: Logger) {
        self.connection = connection
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    public func status() throws -> [MigrationStatus] {
        let applied = try appliedRows()
        var statuses = migrations.map { migration in
            guard let row = applied[migration.version] else {
                return MigrationStatus(version: migration.version, name: migration.name, state: .pending, appliedAt: nil)
            }
            let state: MigrationStatus.State = row.checksum == migration.checksum ? .applied : .changed
            return MigrationStatus(version: migration.version, name: migration.name, state: state, appliedAt: row.appliedAt)
        }
        let known = Set(migrations.map(\.version))
        for row in applied.values where !known.contains(row.version) {
            statuses.append(MigrationStatus(version: row.version, name: row.name, state: .unknown, appliedAt: row.appliedAt))
        }
        return statuses.sorted { $0.version < $1.version }
    }

    /// The migrations applied to the database, oldest first; none when it has no `schema_migrations`.
    public func applied() throws -> [AppliedMigration] {
        try appliedRows().values.sorted { $0.version < $1.version }
            .map { AppliedMigration(version: $0.version, name: $0.name, checksum: $0.checksum) }
    }

    /// Applies every pending migration, oldest first; returns those it applied.
    @discardableResult
    public func latest() throws -> [Migration] {
        try withLock {
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                  version VARCHAR(14) PRIMARY KEY,
                  name VARCHAR(255) NOT NULL,
                  checksum CHAR(64) NOT NULL,
                  applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
                )
                """)
            let applied = try appliedRows()
            let pending = migrations.filter { applied[$0.version] == nil }
            for migration in pending {
                logger.info("applying migration", metadata: ["version": "\(migration.version)", "migration": "\(migration.name)"])
                try connection.withTransaction {
                    try connection.executeScript(migration.up)
                    try connection.execute("""
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """)
                }
            }
            return pending
        }
    }

    /// Reverts the last `steps` applied migrations (all of them with `nil`), newest first; returns
    /// those it reverted. With nothing left applied, `schema_migrations` itself is dropped.
    @discardableResult
    public func rollback(steps: Int?) throws -> [Migration] {
        try withLock {
            let applied = try appliedRows().keys.sorted(by: >)
            let targets = steps.map { Array(applied.prefix($0)) } ?? applied
            var reverted: [Migration] = []
            for version in targets {
                guard let migration = migrations.first(where: { $0.version == version }) else {
                    throw ArtisanError(
                        .invalid, code: "MIGRATION_UNKNOWN",
                        "migration \(version) is applied but not part of this build: it cannot be rolled back",
                        hint: "roll it back with the artisanctl build that applied it"
                    )
                }
                logger.info("reverting migration", metadata: ["version": "\(migration.version)", "migration": "\(migration.name)"])
                try connection.withTransaction {
                    try connection.executeScript(migration.down)
                    try connection.execute("DELETE FROM schema_migrations WHERE version = \(migration.version)")
                }
                reverted.append(migration)
            }
            if targets.count == applied.count {
                try connection.execute("DROP TABLE IF EXISTS schema_migrations")
            }
            return reverted
        }
    }

    private struct AppliedRow {
        let version: String
        let name: String
        let checksum: String
        let appliedAt: Timestamp
    }

    private func appliedRows() throws -> [String: AppliedRow] {
        let rows: [Row]
        do {
            rows = try connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations")
        } catch let error as DatabaseError where error.kind == .undefinedTable {
            return [:]
        }
        var applied: [String: AppliedRow] = [:]
        for row in rows {
            let version: String = try row.decode("version")
            applied[version] = AppliedRow(
                version: version,
                name: try row.decode("name"),
                checksum: try row.decode("checksum"),
                appliedAt: try row.decode("applied_at")
            )
        }
        return applied
    }

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))") }
        return try body()
    }
}
