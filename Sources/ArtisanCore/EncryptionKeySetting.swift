#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A 256-bit key given as a setting: 32 random bytes in base64. One reading for every key the tool
/// takes (`CALENDAR_ENCRYPTION_KEY`, `BACKUP_ENCRYPTION_KEY`), so they are made, checked and
/// refused alike: missing or malformed is a permission error (exit 77) naming the variable.
public struct EncryptionKeySetting: Sendable {
    public let variable: String
    /// What cannot be done without it, after "<variable> is not set: ".
    public let consequence: String

    public static let calendar = EncryptionKeySetting(variable: "CALENDAR_ENCRYPTION_KEY",
                                                      consequence: "calendar credentials cannot be stored or read")
    public static let backup = EncryptionKeySetting(variable: "BACKUP_ENCRYPTION_KEY",
                                                    consequence: "encrypted backups cannot be written or read")

    public init(variable: String, consequence: String) {
        self.variable = variable
        self.consequence = consequence
    }

    public var hint: String { "make one with: head -c 32 /dev/urandom | base64, and set it as \(variable) (environment or .env)" }

    /// The key's 32 bytes.
    public func bytes(in environment: [String: String]) throws -> [UInt8] {
        guard let encoded = environment[variable], !encoded.isEmpty else {
            throw ArtisanError(.permission, code: "ENCRYPTION_KEY_MISSING", "\(variable) is not set: \(consequence)", hint: hint)
        }
        guard let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
            throw ArtisanError(.permission, code: "ENCRYPTION_KEY_INVALID", "\(variable) must be 32 bytes in base64", hint: hint)
        }
        return Array(bytes)
    }
}
