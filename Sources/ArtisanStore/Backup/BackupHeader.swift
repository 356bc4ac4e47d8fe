import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a backup file says about itself: its first line is `ARTISANCTL-BACKUP 1` (what it is, and
/// the version of the format), its second this header as one line of JSON: when it was made, the
/// schema it holds (every applied migration with its checksum) and, when it is encrypted, how.
/// pg_dump's custom format follows, as it is or sealed (see `BackupCipher`).
public struct BackupHeader: Codable, Sendable, Equatable {
    static let magic = "ARTISANCTL-BACKUP 1"

    public struct Encryption: Codable, Sendable, Equatable {
        /// `AES-256-GCM`.
        public let cipher: String
        /// `HKDF-SHA256`: the file's own key is derived from `BACKUP_ENCRYPTION_KEY` and the salt.
        public let keyDerivation: String
        /// 32 random bytes of this file, base64.
        public let salt: String
        /// Derived from the key and the salt apart from the file's key: tells a wrong key from an altered file.
        public let keyCheck: String
        /// The plaintext bytes of every sealed part but the last.
        public let chunkBytes: Int
    }

    /// ISO 8601, from the application's clock.
    public let createdAt: String
    /// The newest applied migration.
    public let schemaVersion: String
    public let migrations: [AppliedMigration]
    /// The server the dump was taken from, e.g. `15.18`.
    public let postgresVersion: String
    /// `pg_dump custom`: what follows the header, once opened.
    public let dump: String
    public internal(set) var encryption: Encryption?

    public init(createdAt: Timestamp, migrations: [AppliedMigration], postgresVersion: String) {
        self.createdAt = createdAt.iso8601()
        schemaVersion = migrations.last?.version ?? ""
        self.migrations = migrations
        self.postgresVersion = postgresVersion
        dump = "pg_dump custom"
        encryption = nil
    }

    /// The file's first two lines, as written; encrypted parts are bound to them.
    func lines() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((Self.magic + "\n").utf8) + Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    /// The header line of a file whose first line was the magic one; nil when it is not ours.
    static func decode(_ line: [UInt8]) -> BackupHeader? {
        guard let header = try? JSONDecoder().decode(BackupHeader.self, from: Data(line)),
              header.dump == "pg_dump custom", !header.migrations.isEmpty,
              header.schemaVersion == header.migrations.last?.version else { return nil }
        if let encryption = header.encryption {
            guard encryption.cipher == "AES-256-GCM", encryption.keyDerivation == "HKDF-SHA256",
                  Data(base64Encoded: encryption.salt)?.count == 32, Data(base64Encoded: encryption.keyCheck)?.count == 32,
                  (1...BackupCipher.maximumChunkBytes).contains(encryption.chunkBytes) else { return nil }
        }
        return header
    }

    /// Why this build of artisanctl must not restore the backup: it holds a migration this build does
    /// not know (a newer schema), or one whose text differs from this build's.
    public func refusal(known: [Migration]) -> ArtisanError? {
        let newest = known.map(\.version).max() ?? "none"
        let byVersion = Dictionary(known.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        let unknown = migrations.filter { byVersion[$0.version] == nil }
        if !unknown.isEmpty {
            return ArtisanError(
                .invalid, code: "BACKUP_SCHEMA_NEWER",
                "the backup's schema version \(schemaVersion) is newer than this artisanctl's \(newest): "
                    + "it holds migration\(unknown.count == 1 ? "" : "s") \(unknown.map(\.version).joined(separator: ", ")) unknown to it",
                hint: "restore it with the artisanctl that made it, or a newer one")
        }
        if let changed = migrations.first(where: { byVersion[$0.version]?.checksum != $0.checksum }) {
            return ArtisanError(
                .invalid, code: "BACKUP_SCHEMA_CHANGED",
                "the backup's migration \(changed.version) (\(changed.name)) differs from this artisanctl's",
                hint: "restore it with the artisanctl that made it")
        }
        return nil
    }
}
