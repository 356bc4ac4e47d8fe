import ArtisanCore
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encrypts calendar tokens and passwords before they reach the database: AES-256-GCM (swift-crypto)
/// with the 32-byte key of `CALENDAR_ENCRYPTION_KEY` (base64). Stored as `v1:` + base64(nonce ‖
/// ciphertext ‖ tag); a wrong key or an altered value fails authentication instead of decrypting.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    public init(environment: [String: String]) throws {
        key = SymmetricKey(data: try EncryptionKeySetting.calendar.bytes(in: environment))
    }

    public func seal(_ secret: String) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key)
        guard let combined = box.combined else { throw ArtisanError(.unexpected, code: "ENCRYPTION_FAILED", "AES-GCM gave no combined box") }
        return "v1:" + combined.base64EncodedString()
    }

    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix("v1:"), let combined = Data(base64Encoded: String(stored.dropFirst(3))) else {
            throw ArtisanError(.permission, code: "CREDENTIALS_UNREADABLE", "a stored calendar credential is not in the expected format")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
        } catch {
            throw ArtisanError(.permission, code: "CREDENTIALS_UNREADABLE", "a stored calendar credential cannot be decrypted with this CALENDAR_ENCRYPTION_KEY",
                               hint: "use the key it was stored with, or reconnect the calendar")
        }
    }
}
