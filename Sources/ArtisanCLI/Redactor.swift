import ArtisanCore

/// The one place that keeps secrets and personal data out of logs, in both formats and for the
/// server's lines too. A text loses: the values of secret-looking environment variables, URL
/// passwords, `password=`/`token=`-style settings, bearer tokens and keys of known shapes, e-mail
/// addresses, phone numbers (international and French forms), and the personal values typed on
/// the command line (whole words, whatever their case). A field loses its whole value when its
/// key names personal data or a secret (`customerName`, `email`, `phone`, `to`, `token`…):
/// names cannot be recognised by their shape, so they are kept out by field, and messages never
/// interpolate them.
struct Redactor: Sendable {
    static let mask = "***"

    private let secrets: [String]
    /// The personal values typed on the command line, longest first, found whatever their case.
    private let personalValues: [TermMatcher]

    init(environment: [String: String], personalValues: [String] = []) {
        secrets = Set(environment.filter { Self.isSecretName($0.key) && $0.value.count >= 4 }.map(\.value))
            .sorted { $0.count > $1.count }
        self.personalValues = Set(personalValues.filter { $0.count >= 2 }).sorted { $0.count > $1.count }
            .map { TermMatcher(term: $0, kind: .name) }
    }

    /// An environment variable whose value is a secret: SECRET, TOKEN, PASSWORD… in its name, a
    /// word ending in KEY, PASS or PWD (`SMTP_PASS`, `APIKEY`), or the word SID or AUTH
    /// (`GOOGLE_OAUTH_BASE` is not one, nor `PGPASSFILE`).
    static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        let words = upper.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let bytes = Array(upper.utf8)
        return secretParts.contains { holds(bytes, $0) }
            || words.contains { word in ["KEY", "PASS", "PWD"].contains { word.hasSuffix($0) } || word == "SID" || word == "AUTH" }
    }

    private static let secretParts = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATE"]
        .map { Array($0.utf8) }

    /// Whether `text` holds `part`, byte by byte. Every variable of the environment is looked at as
    /// each command starts: Foundation's String search and the generic one took a millisecond.
    private static func holds(_ text: [UInt8], _ part: [UInt8]) -> Bool {
        guard part.count <= text.count else { return false }
        return (0...(text.count - part.count)).contains { start in text[start..<start + part.count] == part[...] }
    }

    /// A field key whose whole value is masked: personal data or a secret, whatever its shape.
    static func isMaskedKey(_ key: String) -> Bool {
        // Lower case without separators (`customer_email` is `customeremail`), byte by byte: every
        // field of every line goes through here.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            switch byte {
            case 0x41...0x5A: bytes.append(byte + 0x20)
            case 0x30...0x39, 0x61...0x7A, 0x80...: bytes.append(byte)
            default: continue
            }
        }
        let normalized = String(decoding: bytes, as: UTF8.self)
        return maskedKeys.contains(normalized) || secretKeyWords.contains { occurs($0, in: normalized) }
    }

    private static let maskedKeys: Set = [
        "name", "fullname", "firstname", "lastname", "displayname", "customer", "customername", "email", "customeremail", "mail", "phone",
        "customerphone", "phonenumber", "mobile", "recipient", "recipients", "to", "cc", "bcc", "replyto", "username", "body", "payload",
        "key", "sid", "pin",
    ]
    private static let secretKeyWords = ["password", "passwd", "secret", "token", "apikey", "authorization", "cookie", "signature", "credential"]

    /// `text` with every secret and every piece of personal data it shows replaced by `***`.
    func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where Self.occurs(secret, in: result) {
            result = result.replacing(secret, with: Self.mask)
        }
        // Each pattern only where its telltale is: most values (ids, routes, methods) have none.
        let signs = Telltales(result)
        if signs.scheme || signs.equals { result = Self.maskingPasswords(result) }
        if signs.underscore || signs.sendGridKey || signs.spacedB && Self.mentionsAuthorization(result) { result = Self.maskingTokens(result) }
        if signs.at { result = Self.maskingEmails(result) }
        if signs.phoneRun { result = Self.maskingPhones(result) }
        for value in personalValues {
            let characters = Array(result)
            guard value.firstMatch(in: characters, from: 0) != nil else { continue }
            result = String(value.replacing(in: characters, with: Array(Self.mask)))
        }
        return result
    }

    /// What a text holds that a pattern needs, found in one pass over its bytes.
    private struct Telltales {
        var scheme = false, equals = false, underscore = false, sendGridKey = false, at = false, phoneRun = false
        /// A space and a `b` or `B`: "Bearer …" or "Basic …" may be there.
        var spacedB = false

        init(_ text: String) {
            var space = false, letterB = false, digits = 0, previous: UInt8 = 0
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "="): equals = true
                case UInt8(ascii: "_"): underscore = true
                case UInt8(ascii: "@"): at = true
                case UInt8(ascii: " "): space = true
                case UInt8(ascii: "b"), UInt8(ascii: "B"): letterB = true
                case UInt8(ascii: "/") where previous == UInt8(ascii: ":"): scheme = true
                case UInt8(ascii: ".") where previous == UInt8(ascii: "G"): sendGridKey = true
                default: break
                }
                // Eight digits in one run, single spaces, dots or dashes between them: what every phone pattern needs.
                if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    digits += 1
                    if digits >= 8 { phoneRun = true }
                } else if !(byte == 0x20 || byte == 0x2E || byte == 0x2D) || !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(previous) {
                    digits = 0
                }
                previous = byte
            }
            spacedB = space && letterB
        }
    }

    /// Whether `needle` occurs in `text`, byte by byte: the standard library's `contains` on two
    /// strings is many times slower, and every value of every line is checked against each secret.
    static func occurs(_ needle: String, in text: String) -> Bool {
        var needle = needle, text = text
        return needle.withUTF8 { pattern in
            text.withUTF8 { bytes in
                guard let first = pattern.first else { return true }
                guard pattern.count <= bytes.count else { return false }
                var index = 0
                while index <= bytes.count - pattern.count {
                    if bytes[index] == first {
                        var offset = 1
                        while offset < pattern.count && bytes[index + offset] == pattern[offset] { offset += 1 }
                        if offset == pattern.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// A field's value: masked whole when its key says so, else redacted as text.
    func redact(_ value: String, key: String) -> String {
        Self.isMaskedKey(key) ? Self.mask : redact(value)
    }

    // MARK: - Secrets by shape

    /// `scheme://user:secret@host` → `scheme://user:***@host`, for every URL of the text; and the
    /// value of `password=`, `token=`, `client_secret=`… settings (libpq's `password='…'` too).
    static func maskingPasswords(_ text: String) -> String {
        var result = ""
        var cursor = text.startIndex
        while let scheme = text[cursor...].firstRange(of: "://") {
            let authorityEnd = text[scheme.upperBound...].firstIndex { "/?# \t\n\"'<>".contains($0) } ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = text[scheme.upperBound..<at].firstIndex(of: ":") {
                result += text[cursor...colon] + mask
                cursor = at
            }
            result += text[cursor..<authorityEnd]
            cursor = authorityEnd
        }
        return maskingSettings(result + text[cursor...])
    }

    // Regex caches its compiled program behind an atomic initialisation: sharing one is safe.
    nonisolated(unsafe) private static let settingPattern = #/(?i)\b([a-z_]*(?:password|passwd|pwd|secret|token|api_?key|signature)[a-z_]*)(\s*=\s*)('[^']*'|"[^"]*"|[^\s&;,'"]+)/#

    private static func maskingSettings(_ text: String) -> String {
        text.replacing(settingPattern) { match in
            let value = match.output.3
            let quote = value.first == "'" || value.first == "\"" ? String(value.first!) : ""
            return match.output.1 + match.output.2 + quote + mask + quote
        }
    }

    /// `Bearer <token>`, `Basic <credentials>`, and keys whose shape names them: Stripe's `sk_`,
    /// `rk_`, `whsec_` and client secrets, SendGrid's `SG.`.
    static func maskingTokens(_ text: String) -> String {
        // A token has a digit or a sign in it: "Basic authentication" is prose, not a credential.
        var result = text.replacing(authorizationPattern) { match in
            match.output.3.allSatisfy(\.isLetter) ? match.output.0 : match.output.1 + match.output.2 + mask
        }
        result = result.replacing(keyPattern) { _ in mask }
        return result
    }

    private static func mentionsAuthorization(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.contains("bearer") || lower.contains("basic")
    }

    nonisolated(unsafe) private static let authorizationPattern = #/(?i)\b(bearer|basic)(\s+)([\w.~+\/=-]{8,})/#
    nonisolated(unsafe) private static let keyPattern = #/\b(?:sk|rk)_(?:live|test)_\w+|\bwhsec_\w+|\bSG\.[\w.\-]+|\b\w+_secret_\w+/#

    // MARK: - Personal data by shape

    nonisolated(unsafe) private static let emailPattern = #/[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)*\.\p{L}{2,}/#

    /// Every address-like token: `marie@example.com`, `zoé.dupré@exemple.fr`.
    static func maskingEmails(_ text: String) -> String {
        text.replacing(emailPattern) { _ in mask }
    }

    /// International numbers (`+33 6 12 34 56 78`, `+14155550100`, `0033612345678`) and French
    /// national ones (`06 12 34 56 78`, `06.12.34.56.78`, `0612345678`), standing alone: a run
    /// of digits inside a longer number or word is left.
    static func maskingPhones(_ text: String) -> String {
        var result = text
        for pattern in phonePatterns {
            result = replacingStandalone(pattern, in: result)
        }
        return result
    }

    nonisolated(unsafe) private static let phonePatterns = [
        #/\+[1-9](?:[ .\-]?\d){7,14}/#, #/00[1-9](?:[ .\-]?\d){7,13}/#, #/0[1-9](?:[ .\-]?\d{2}){4}/#,
    ]

    /// Replaces the matches that stand alone: not inside a word or a longer number, and not a
    /// piece of a dotted or dashed token (`00123456-7890-…` is a UUID, not a phone).
    private static func replacingStandalone(_ pattern: Regex<Substring>, in text: String) -> String {
        var result = ""
        var cursor = text.startIndex
        for match in text.matches(of: pattern) where match.range.lowerBound >= cursor {
            let start = match.range.lowerBound, end = match.range.upperBound
            let before = start > text.startIndex ? text[text.index(before: start)] : nil
            let beforeThat = before != nil && text.index(before: start) > text.startIndex
                ? text[text.index(before: text.index(before: start))] : nil
            let after = end < text.endIndex ? text[end] : nil
            let afterThat = after != nil && text.index(after: end) < text.endIndex ? text[text.index(after: end)] : nil
            let joined: (Character?, Character?) -> Bool = { separator, next in
                separator.map { "-._".contains($0) } == true && isWordPart(next)
            }
            guard !isWordPart(before), !isWordPart(after), before != "+", !joined(before, beforeThat), !joined(after, afterThat) else {
                continue
            }
            result += text[cursor..<start] + mask
            cursor = end
        }
        return result + text[cursor...]
    }

    private static func isWordPart(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber || character == "_"
    }
}
