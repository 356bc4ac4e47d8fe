import ArtisanCore

/// What a Stripe answer that is not a success means, as the `PaymentProvider` port documents it:
///
/// | answer | kind | code |
/// |---|---|---|
/// | 401, 403 | `.permission` | PAYMENT_AUTH_FAILED |
/// | 400, 402 | `.invalid` | PAYMENT_REFUSED, with Stripe's error code and message |
/// | 404 | `.notFound` | PAYMENT_NOT_FOUND |
/// | 409, 429, 5xx after retries, anything else, a malformed answer | `.temporary` | PAYMENT_PROVIDER_UNAVAILABLE |
/// | no answer (timeout, refused connection, dropped reply) | `.unavailable` | PAYMENT_PROVIDER_UNAVAILABLE |
///
/// No message carries the secret key, a client secret or a request body; Stripe's own message is
/// passed on only for refusals, on one line, with anything that looks like a key blanked.
struct StripeAnswer: Sendable {
    let secretKey: String

    static let unavailableCode = "PAYMENT_PROVIDER_UNAVAILABLE"

    func failure(_ response: HTTPResponse, what: String) -> ArtisanError {
        let detail = StripeWire.ErrorBody.parse(response.body)
        let status = "HTTP \(response.status)" + ((Self.word(detail?.code) ?? Self.word(detail?.type)).map { ", " + $0 } ?? "")
        switch response.status {
        case 401, 403:
            return ArtisanError(.permission, code: "PAYMENT_AUTH_FAILED", "Stripe refused the secret key for \(what) (HTTP \(response.status))",
                                hint: "check STRIPE_SECRET_KEY")
        case 400, 402:
            let reason = detail?.message.map(redacted).map { ": " + $0 } ?? ""
            return ArtisanError(.invalid, code: "PAYMENT_REFUSED", "Stripe refused \(what) (\(status))\(reason)")
        case 404:
            return ArtisanError(.notFound, code: "PAYMENT_NOT_FOUND", "Stripe found nothing for \(what) (\(status))")
        case 409, 429, 500...599:
            return ArtisanError(.temporary, code: Self.unavailableCode, "Stripe: \(what) failed (\(status)), still so after retries; try again later")
        default:
            return ArtisanError(.temporary, code: Self.unavailableCode, "Stripe: \(what) got an unexpected answer (\(status))")
        }
    }

    func unreachable(_ error: HTTPError, what: String, timeout: Int) -> ArtisanError {
        let reason = error.kind == .timeout ? "no answer within \(timeout) s" : error.description
        return ArtisanError(.unavailable, code: Self.unavailableCode, "Stripe: \(what) failed: \(reason)", hint: "try again later")
    }

    static func malformed(_ response: HTTPResponse, what: String) -> ArtisanError {
        ArtisanError(.temporary, code: unavailableCode, "Stripe: malformed answer to \(what) (HTTP \(response.status), \(response.body.count) bytes)")
    }

    /// The Stripe error code of a refusal, when it is a short ASCII word (anything else could carry a value).
    static func word(_ code: String?) -> String? {
        guard let code, !code.isEmpty, ProviderAnswer.safe(code) == code else { return nil }
        return code
    }

    /// Stripe's explanation on one line of at most 200 characters, every word that holds the key,
    /// another key (`sk_`, `rk_`, `whsec_`) or a client secret (`…_secret_…`) blanked.
    func redacted(_ message: String) -> String {
        let oneLine = String(String.UnicodeScalarView(message.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        let markers = ["sk_", "rk_", "whsec_", "_secret_"] + (secretKey.isEmpty ? [] : [secretKey])
        let words = oneLine.split(separator: " ").map { word in markers.contains { word.contains($0) } ? "[redacted]" : String(word) }
        let text = words.joined(separator: " ")
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
