/// The one place that keeps secrets and personal data out of logs, in both formats and for the
/// server's lines too. A text loses: the values of secret-looking environment variables, URL
/// passwords, `password=`/`token=`-style settings, bearer tokens and keys of known shapes, e-mail
/// addresses, phone numbers (international and French forms), and the personal values typed on
/// the command line (whole words). A field loses its whole value when its key names personal
/// data or a secret (`customerName`, `email`, `phone`, `to`, `token`…): names cannot be
/// recognised by their shape, so they are kept out by field, and messages never interpolate them.
struct Redactor: Sendable {
    static let mask = "***"

    private let secrets: [String]
    private let personalValues: [String]

    init(environment: [String: String], personalValues: [String] = []) {
        secrets = Set(environment.filter { Self.isSecretName($0.key) && $0.value.count >= 4 }.map(\.value))
            .sorted { $0.count > $1.count }
        self.personalValues = Set(personalValues.filter { $0.count >= 2 }).sorted { $0.count > $1.count }
    }

    /// An environment variable whose value is a secret: SECRET, TOKEN, PASSWORD… in its name, a
    /// word ending in KEY, PASS or PWD (`SMTP_PASS`, `APIKEY`), or the word SID or AUTH
    /// (`GOOGLE_OAUTH_BASE` is not one, nor `PGPASSFILE`).
    static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        let words = upper.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATE"].contains { upper.contains($0) }
            || words.contains { word in ["KEY", "PASS", "PWD"].contains { word.hasSuffix($0) } || word == "SID" || word == "AUTH" }
    }

    /// A field key whose whole value is masked: personal data or a secret, whatever its shape.
    static func isMaskedKey(_ key: String) -> Bool {
        let normalized = String(key.lowercased().filter { $0.isLetter || $0.isNumber })
        let personal: Set = ["name", "fullname", "firstname", "lastname", "displayname", "customer", "customername", "email",
                             "customeremail", "mail", "phone", "customerphone", "phonenumber", "mobile", "recipient", "recipients",
                             "to", "from", "cc", "bcc", "replyto", "username", "body", "payload"]
        let secret = ["password", "passwd", "secret", "token", "apikey", "authorization", "cookie", "signature", "credential"]
        return personal.contains(normalized) || secret.contains { normalized.contains($0) } || ["key", "sid", "pin"].contains(normalized)
    }

    /// `text` with every secret and every piece of personal data it shows replaced by `***`.
    func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        result = Self.maskingPasswords(result)
        result = Self.maskingTokens(result)
        result = Self.maskingEmails(result)
        result = Self.maskingPhones(result)
        for value in personalValues where result.contains(value) {
            result = Self.replacingWholeWords(value, in: result)
        }
        return result
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

    nonisolated(unsafe) private static let authorizationPattern = #/(?i)\b(bearer|basic)(\s+)([\w.~+\/=-]{8,})/#
    nonisolated(unsafe) private static let keyPattern = #/\b(?:sk|rk)_(?:live|test)_\w+|\bwhsec_\w+|\bSG\.[\w.\-]+|\b\w+_secret_\w+/#

    // MARK: - Personal data by shape

    nonisolated(unsafe) private static let emailPattern = #/[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)*\.\p{L}{2,}/#

    /// Every address-like token: `marie@example.com`, `zoé.dupré@exemple.fr`.
    static func maskingEmails(_ text: String) -> String {
        guard text.contains("@") else { return text }
        return text.replacing(emailPattern) { _ in mask }
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

    private static func replacingWholeWords(_ value: String, in text: String) -> String {
        var result = ""
        var cursor = text.startIndex
        for range in text.ranges(of: value) where range.lowerBound >= cursor {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : nil
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : nil
            guard !isWordPart(before), !isWordPart(after) else { continue }
            result += text[cursor..<range.lowerBound] + mask
            cursor = range.upperBound
        }
        return result + text[cursor...]
    }
}
