import ArtisanCore
import ArtisanIntegrations
import ArtisanStore

/// Builds the provider client of a stored connection: credentials decrypted, base URLs from the
/// environment (overridable for tests), every request through the retrying libcurl transport,
/// each attempt logged at debug level.
struct ProviderFactory: CalendarProviderSource {
    let context: Context
    let box: SecretBox

    static func transport(_ context: Context) -> any HTTPTransport {
        RetryingTransport(LoggedTransport(inner: CurlTransport(), logger: context.logger))
    }

    func provider(for record: CalendarConnectionRecord, zone: ZoneRules, now: Timestamp) throws -> any CalendarProvider {
        switch record.provider {
        case .apple:
            guard let url = record.serverURL, let account = record.account else {
                throw ArtisanError.configuration("the apple connection has no calendar URL: reconnect it")
            }
            let loader = ZoneRulesLoader(timeZones: context.timeZones)
            return CalDAVProvider(transport: Self.transport(context), username: account, password: try box.open(record.accessTokenEncrypted),
                                  calendarURL: url, zone: zone, zoneNamed: { try? loader.rules(for: $0) }, now: now,
                                  requestTimeout: context.httpTimeout)
        case .google:
            guard let clientID = context.environment["GOOGLE_CLIENT_ID"], let secret = context.environment["GOOGLE_CLIENT_SECRET"] else {
                throw ArtisanError.configuration("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set to sync the Google calendar")
            }
            let endpoints = GoogleEndpoints(environment: context.environment)
            return GoogleCalendarProvider(transport: Self.transport(context), credentials: try credentials(record), clientID: clientID, clientSecret: secret,
                                          calendarID: record.calendarID ?? "primary", apiBase: endpoints.api, oauthBase: endpoints.oauth,
                                          zone: zone, now: now, requestTimeout: context.httpTimeout)
        case .outlook:
            guard let clientID = context.environment["MS_CLIENT_ID"] else {
                throw ArtisanError.configuration("MS_CLIENT_ID must be set to sync the Outlook calendar")
            }
            return GraphCalendarProvider(transport: Self.transport(context), credentials: try credentials(record), clientID: clientID,
                                         calendarID: record.calendarID,
                                         graphBase: context.environment["GRAPH_API_BASE"] ?? "https://graph.microsoft.com",
                                         loginBase: context.environment["MS_LOGIN_BASE"] ?? "https://login.microsoftonline.com",
                                         zone: zone, now: now, requestTimeout: context.httpTimeout)
        }
    }

    func seal(_ credentials: CalendarCredentials) throws -> SealedCredentials {
        SealedCredentials(accessToken: try box.seal(credentials.accessToken), refreshToken: try credentials.refreshToken.map(box.seal),
                          expiresAt: credentials.expiresAt)
    }

    func credentials(_ record: CalendarConnectionRecord) throws -> CalendarCredentials {
        CalendarCredentials(accessToken: try box.open(record.accessTokenEncrypted),
                            refreshToken: try record.refreshTokenEncrypted.map(box.open), expiresAt: record.tokenExpiresAt)
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
