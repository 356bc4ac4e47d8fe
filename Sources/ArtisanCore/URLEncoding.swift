/// Percent-encoding (RFC 3986) for URLs, queries and `application/x-www-form-urlencoded` bodies:
/// the one implementation the providers' clients and the embedded cluster's URL use.
public enum URLEncoding {
    /// Unreserved characters (and `extra`) stay, every other byte becomes `%XX`, so `+` in an
    /// offset or a token never turns into a space.
    public static func percentEncoded(_ text: String, keeping extra: Set<UInt8> = []) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where extra.contains(byte):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return result
    }

    /// `name=value&…`, percent-encoded: a query string or a form body.
    public static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { percentEncoded($0.0) + "=" + percentEncoded($0.1) }.joined(separator: "&")
    }

    /// Decodes `%XX` and, as forms and queries do, `+` as a space; invalid escapes stay as they are.
    public static func percentDecoded(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
               let high = ASCIIDigits.hexValue(input[index + 1]), let low = ASCIIDigits.hexValue(input[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The parameters of a query string, first occurrence of each name.
    public static func queryParameters(_ query: some StringProtocol) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecoded(parts[0])
            if parameters[name] == nil { parameters[name] = parts.count > 1 ? percentDecoded(parts[1]) : "" }
        }
        return parameters
    }
}
