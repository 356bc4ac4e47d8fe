import ArtisanCore

/// A provider as messages name it ("Google Calendar"), and what reconnecting to it takes.
struct RemoteService: Sendable {
    let name: String
    let reconnect: String
}

/// What an answer that is not a success means, the same for every provider, so one remote failure
/// gives one exit status and one connection state whatever the calendar:
///
/// | answer | kind | sync outcome |
/// |---|---|---|
/// | 401 after a refresh, any 4xx of the token endpoint, 403 | `.revoked` | needs_reauth, exit 77 |
/// | 404 (the calendar or event is gone) | `.notFound` | needs_reauth, exit 77 (a missing event being moved is re-created instead) |
/// | 403 rate limit, 429 and 5xx after retries, anything else | `.temporary` | error, exit 75 |
enum ProviderAnswer {
    static func failure(_ status: Int, service: RemoteService, what: String, code: String? = nil, rateLimited: Bool = false) -> CalendarError {
        let detail = "HTTP \(status)" + (code.map { " \(safe($0))" } ?? "")
        switch status {
        case 403 where rateLimited:
            return CalendarError(.temporary, "\(service.name): \(what) was rate limited (\(detail)); try again later")
        case 403:
            return CalendarError(.revoked, "\(service.name): \(what) was forbidden (\(detail)): \(service.reconnect)")
        case 404, 410:
            return CalendarError(.notFound, "\(service.name): \(what) found no such calendar or event (\(detail)): \(service.reconnect)")
        case 429, 500...599:
            return CalendarError(.temporary, "\(service.name): \(what) failed (\(detail)), still so after retries; try again later")
        default:
            return CalendarError(.temporary, "\(service.name): \(what) got an unexpected answer (\(detail))")
        }
    }

    /// The token endpoint's refusal: any 4xx means the grant (or the client) is no longer good.
    static func tokenFailure(_ status: Int, service: RemoteService, what: String, code: String?) -> CalendarError {
        let detail = code.map(safe) ?? "HTTP \(status)"
        if (400...499).contains(status) && status != 429 {
            return CalendarError(.revoked, "\(service.name) refused \(what) (\(detail)): \(service.reconnect)")
        }
        return CalendarError(.temporary, "\(service.name): \(what) failed (HTTP \(status)); try again later")
    }

    /// Error codes are short ASCII words; anything else is not echoed (it could carry a token).
    static func safe(_ code: String) -> String {
        let word = code.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        return code.count <= 40 && word ? code : "error"
    }
}
