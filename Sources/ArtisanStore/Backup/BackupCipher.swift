import ArtisanCore
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The sealing of an encrypted backup, AES-256-GCM over the dump in parts (the STREAM construction
/// of age and Tink), so a dump of any size is sealed and opened in constant memory:
/// - the file's key is HKDF-SHA256 of `BACKUP_ENCRYPTION_KEY` with the file's 32 random bytes of
///   salt, so no two files share a key and a counter is a safe nonce;
/// - part N is sealed with the nonce N (11 bytes, big-endian) followed by 1 for the last part and 0
///   for the others, and with the header's two lines as authenticated data: parts cannot be
///   reordered, dropped, cut after, moved to another file, nor the header edited;
/// - a key check, derived apart from the file's key, tells a wrong key from an altered file.
struct BackupCipher {
    static let chunkBytes = 1 << 20
    static let maximumChunkBytes = 16 << 20
    static let tagBytes = 16

    private let key: SymmetricKey
    private let associatedData: [UInt8]

    /// The file's key from the setting's key and the file's salt; the check value the header carries.
    static func derive(from master: [UInt8], salt: [UInt8]) -> (key: SymmetricKey, check: [UInt8]) {
        let input = SymmetricKey(data: master)
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: input, salt: salt, info: Array("artisanctl backup v1 payload".utf8),
                                         outputByteCount: 32)
        let check = HKDF<SHA256>.deriveKey(inputKeyMaterial: input, salt: salt, info: Array("artisanctl backup v1 key check".utf8),
                                           outputByteCount: 32)
        return (key, check.withUnsafeBytes { Array($0) })
    }

    /// A new file's encryption record (for its header) and key: a fresh salt from the system's CSPRNG.
    static func new(master: [UInt8]) -> (encryption: BackupHeader.Encryption, key: SymmetricKey) {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let derived = derive(from: master, salt: salt)
        let encryption = BackupHeader.Encryption(
            cipher: "AES-256-GCM", keyDerivation: "HKDF-SHA256", salt: Data(salt).base64EncodedString(),
            keyCheck: Data(derived.check).base64EncodedString(), chunkBytes: chunkBytes)
        return (encryption, derived.key)
    }

    /// The cipher of a file whose header (its two lines, `headerLines`) says how it was sealed; nil
    /// when `master` is not the key the file was made with (or the header's salt or check was altered).
    init?(master: [UInt8], encryption: BackupHeader.Encryption, headerLines: [UInt8]) {
        guard let salt = Data(base64Encoded: encryption.salt), let expected = Data(base64Encoded: encryption.keyCheck) else { return nil }
        let derived = Self.derive(from: master, salt: Array(salt))
        // Compared in constant time: the check value is public, what it is derived from is not.
        guard expected.count == derived.check.count,
              zip(derived.check, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        key = derived.key
        associatedData = headerLines
    }

    /// The cipher of a file being written, whose header lines are final.
    init(key: SymmetricKey, headerLines: [UInt8]) {
        self.key = key
        associatedData = headerLines
    }

    /// Part `index`'s ciphertext followed by its tag.
    func seal(_ plaintext: some DataProtocol, index: UInt64, isLast: Bool) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, nonce: try Self.nonce(index, isLast: isLast), authenticating: associatedData)
        return Array(box.ciphertext) + Array(box.tag)
    }

    /// Part `index`'s plaintext; nil when it does not authenticate (altered, misplaced, or not last when it says so).
    func open(_ sealed: [UInt8], index: UInt64, isLast: Bool) -> [UInt8]? {
        guard sealed.count >= Self.tagBytes,
              let box = try? AES.GCM.SealedBox(nonce: try Self.nonce(index, isLast: isLast), ciphertext: sealed.dropLast(Self.tagBytes),
                                                tag: sealed.suffix(Self.tagBytes)),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: associatedData) else { return nil }
        return Array(plaintext)
    }

    static func nonce(_ index: UInt64, isLast: Bool) throws -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for position in 0..<8 { bytes[10 - position] = UInt8(truncatingIfNeeded: index >> (8 * position)) }
        bytes[11] = isLast ? 1 : 0
        return try AES.GCM.Nonce(data: bytes)
    }
}
