import ArtisanCore

/// The errors every notification channel throws, with the kinds the `NotificationChannel` port
/// documents (the outbox retries all but `.invalid`):
///
/// | failure | kind | code |
/// |---|---|---|
/// | the provider refuses the message or the recipient (4xx but 401/403/429, SMTP 5xx) | `.invalid` | NOTIFICATION_REFUSED |
/// | the credentials are refused (401, 403, SMTP 535) | `.permission` | NOTIFICATION_AUTH_FAILED |
/// | rate limited or failing (429, 5xx after retries, SMTP 4xx) | `.temporary` | NOTIFICATION_PROVIDER_UNAVAILABLE |
/// | no answer (refused connection, timeout, dropped reply) | `.unavailable` | NOTIFICATION_PROVIDER_UNAVAILABLE |
///
/// No message holds a credential; a provider's own words are passed on only for refusals, on one
/// line of at most 200 characters, with every word that holds a secret blanked.
struct NotifyAnswer: Sendable {
    static let refusedCode = "NOTIFICATION_REFUSED"
    static let authCode = "NOTIFICATION_AUTH_FAILED"
    static let unavailableCode = "NOTIFICATION_PROVIDER_UNAVAILABLE"

    /// "SendGrid", "Twilio", "the SMTP server".
    let service: String
    /// The setting to check when the credentials are refused.
    let credentialHint: String
    /// Values that may never appear in a message (keys, tokens, passwords).
    let secrets: [String]
    /// Prefixes of the provider's secrets in general (`SG.`), blanked even when they are not ours.
    var secretMarkers: [String] = []

    func refused(_ what: String, detail: String, reason: String?) -> ArtisanError {
        ArtisanError(.invalid, code: Self.refusedCode, "\(service) refused \(what) (\(detail))" + (reason.map(redacted).map { ": " + $0 } ?? ""))
    }

    func denied(_ what: String, detail: String) -> ArtisanError {
        ArtisanError(.permission, code: Self.authCode, "\(service) refused the credentials for \(what) (\(detail))", hint: "check \(credentialHint)")
    }

    func temporary(_ what: String, detail: String) -> ArtisanError {
        ArtisanError(.temporary, code: Self.unavailableCode, "\(service): \(what) failed (\(detail)); try again later")
    }

    func unreachable(_ what: String, reason: String) -> ArtisanError {
        ArtisanError(.unavailable, code: Self.unavailableCode, "\(service): \(what) failed: \(redacted(reason))", hint: "try again later")
    }

    /// The HTTP failure of a provider with no answer to speak of.
    func unreachable(_ error: HTTPError, what: String, timeout: Int) -> ArtisanError {
        unreachable(what, reason: error.kind == .timeout ? "no answer within \(timeout) s" : error.description)
    }

    /// One line, at most 200 characters, every word holding a secret blanked.
    func redacted(_ message: String) -> String {
        var oneLine = String(String.UnicodeScalarView(message.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        let secrets = secrets.filter { !$0.isEmpty }
        for secret in secrets { oneLine = oneLine.replacing(secret, with: "[redacted]") }
        let markers = secretMarkers + secrets
        let words = oneLine.split(separator: " ").map { word in markers.contains { word.contains($0) } ? "[redacted]" : String(word) }
        let text = words.joined(separator: " ")
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
