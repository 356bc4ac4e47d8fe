
/// One schema change: SQL to apply and SQL to undo it, compiled into the binary.
public struct Migration: Sendable, Equatable {
    /// `YYYYMMDDHHMMSS`, the order of application.
    public let version: String
    public let name: String
    public let up: String
    public let down: String

    public init(version: String, name: String, up: String, down: String) {
        self.version = version
        self.name = name
        self.up = up
        self.down = down
    }

    /// SHA-256 of both halves: an applied migration whose text changed no longer matches.
    public var checksum: String {
        HexDigest.sha256((up + "\n-- down --\n" + down).utf8)
    }

    /// The migrations of this build, in version order.
    public static let embedded: [Migration] = EmbeddedMigrations.all
}
