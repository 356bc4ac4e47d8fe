#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The body encodings of RFC 2045, as lines without their CRLF, none longer than 76 octets.
enum MIMEEncoding {
    /// Quoted-printable text (RFC 2045 §6.7). A line feed of the text is a hard line break (CRLF on
    /// the wire, the canonical form of a MIME text); every other control character, a carriage
    /// return included, is escaped, so the decoded text is the given one with LF read as CRLF.
    /// A line's first `.` and the `F` of a line starting `From ` are escaped too: neither an SMTP
    /// server nor an mbox file can then mistake a line for its own.
    static func quotedPrintable(_ text: String) -> [String] {
        var lines: [String] = []
        for line in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let bytes = Array(line)
            var current = ""
            for (index, byte) in bytes.enumerated() {
                let atLineEnd = index == bytes.count - 1
                let literal: Bool = switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"): !atLineEnd
                case UInt8(ascii: "="): false
                case UInt8(ascii: "."): !current.isEmpty
                case UInt8(ascii: "F"): !current.isEmpty || !bytes[index...].starts(with: Array("From ".utf8))
                case 33...126: true
                default: false
                }
                let token = literal ? String(UnicodeScalar(byte)) : escaped(byte)
                if current.utf8.count + token.utf8.count > 75 {
                    lines.append(current + "=")
                    current = ""
                    // The new output line starts with this byte: its escaping may have to change.
                    let startsBadly = byte == UInt8(ascii: ".") || (byte == UInt8(ascii: "F") && bytes[index...].starts(with: Array("From ".utf8)))
                    current = startsBadly ? escaped(byte) : token
                } else {
                    current += token
                }
            }
            lines.append(current)
        }
        return lines
    }

    private static func escaped(_ byte: UInt8) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        return "=" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
    }

    /// Base64 in lines of 76 characters.
    static func base64(_ bytes: [UInt8]) -> [String] {
        let text = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text.index(start, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[start..<end]))
            start = end
        }
        return lines
    }
}
