/// Keeps secrets out of logs: the values of secret-looking environment variables, URL passwords
/// and `password=` settings are replaced by `***` in every line that is logged.
struct Redactor: Sendable {
    private let secrets: [String]

    init(environment: [String: String]) {
        let markers = ["SECRET", "TOKEN", "PASSWORD", "KEY", "AUTH", "SID"]
        secrets = environment
            .filter { entry in markers.contains { entry.key.uppercased().contains($0) } && entry.value.count >= 4 }
            .map(\.value)
            .sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        var result = Self.maskingPasswords(text)
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        return result
    }

    /// `postgresql://user:secret@host` → `postgresql://user:***@host`; `password=secret` → `password=***`.
    static func maskingPasswords(_ text: String) -> String {
        var result = text
        if let scheme = result.firstRange(of: "://"), let at = result[scheme.upperBound...].firstIndex(of: "@"),
           let colon = result[scheme.upperBound..<at].firstIndex(of: ":") {
            result.replaceSubrange(result.index(after: colon)..<at, with: "***")
        }
        for keyword in ["password=", "password='"] {
            var searchStart = result.startIndex
            while let range = result[searchStart...].firstRange(of: keyword) {
                let quoted = keyword.hasSuffix("'")
                let end = result[range.upperBound...].firstIndex { quoted ? $0 == "'" : ($0 == " " || $0 == "&") } ?? result.endIndex
                result.replaceSubrange(range.upperBound..<end, with: "***")
                searchStart = result.index(range.upperBound, offsetBy: 3, limitedBy: result.endIndex) ?? result.endIndex
            }
        }
        return result
    }
}
