import ArtisanCore
import ArtisanIntegrations
import ArtisanStore

/// Builds the provider client of a stored connection: credentials decrypted, base URLs from the
/// environment (overridable for tests), every request through the retrying libcurl transport.
struct ProviderFactory {
    let context: Context
    let box: SecretBox
    let zone: ZoneRules
    let loader: ZoneRulesLoader

    static func transport() -> any HTTPTransport { RetryingTransport(CurlTransport()) }

    func provider(for record: CalendarConnectionRecord) throws -> any CalendarProvider {
        switch record.provider {
        case .apple:
            guard let url = record.serverURL, let account = record.account else {
                throw ArtisanError.configuration("the apple connection has no calendar URL: reconnect it")
            }
            return CalDAVProvider(transport: Self.transport(), username: account, password: try box.open(record.accessTokenEncrypted),
                                  calendarURL: url, zone: zone, zoneNamed: { try? loader.rules(for: $0) })
        case .google, .outlook:
            throw ArtisanError.configuration("\(record.provider.rawValue) sync is not available in this build")
        }
    }

    /// A provider's failure at connect time, as the CLI reports it.
    static func describe(_ error: CalendarError, provider: CalendarProviderID) -> ArtisanError {
        switch error.kind {
        case .revoked: ArtisanError(.permission, code: "CALENDAR_AUTH_FAILED", error.description)
        case .notFound: ArtisanError.notFound(code: "CALENDAR_NOT_FOUND", error.description)
        case .temporary: ArtisanError(.unavailable, code: "CALENDAR_UNAVAILABLE", error.description, hint: "try again later")
        }
    }
}
