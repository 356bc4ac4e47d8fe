import Foundation

/// UUIDs to and from text at the cost of their bytes: Foundation's parser goes through `sscanf`,
/// and `UUID()` opens /dev/urandom on each call, system calls that a server reading and minting
/// ids on every request pays for.
extension UUID {
    /// The 8-4-4-4-12 hexadecimal form, in either case; nil for anything else.
    public init?(text: String) {
        var text = text
        guard let value = text.withUTF8(Self.parse) else { return nil }
        self.init(uuid: value)
    }

    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard utf8.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { bytes -> Bool in
            var digits = 0
            for position in 0..<36 {
                let character = utf8[position]
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                guard let nibble = ASCIIDigits.hexValue(character) else { return false }
                bytes[digits / 2] |= digits.isMultiple(of: 2) ? nibble << 4 : nibble
                digits += 1
            }
            return true
        }
        return parsed ? value : nil
    }

    /// A random (version 4) UUID from the system's generator, which opens no file.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { bytes in
            bytes.storeBytes(of: generator.next() as UInt64, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: generator.next() as UInt64, toByteOffset: 8, as: UInt64.self)
            bytes[6] = bytes[6] & 0x0F | 0x40
            bytes[8] = bytes[8] & 0x3F | 0x80
        }
        return UUID(uuid: value)
    }

    /// The lowercase 8-4-4-4-12 form, as PostgreSQL prints it.
    public var lowercasedText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var end = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[end] = UInt8(ascii: "-")
                        end += 1
                    }
                    text[end] = Self.hexDigit(byte >> 4)
                    text[end + 1] = Self.hexDigit(byte & 0x0F)
                    end += 2
                }
                return end
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
