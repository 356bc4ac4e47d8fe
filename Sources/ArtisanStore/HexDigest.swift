import Crypto

/// SHA-256 as 64 lowercase hexadecimal digits: migration checksums, feed token and request digests.
public enum HexDigest {
    public static func sha256<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        SHA256.hash(data: Array(bytes)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
