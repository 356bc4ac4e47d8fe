import ArtisanCore

/// How a provider's token endpoint renews an access token. Throws `CalendarError`: `.revoked`
/// when the endpoint refuses the refresh token (any 4xx), `.temporary` when it cannot be reached,
/// is overloaded or answers something unreadable (see `ProviderAnswer.tokenFailure`).
protocol TokenRefresher: Sendable {
    func refresh(_ refreshToken: String, now: Timestamp) throws -> CalendarCredentials
}

/// The OAuth 2.0 bearer behaviour shared by the Google and Microsoft providers: every request
/// carries the access token; one that has expired (or expires within a minute) is refreshed
/// first; a 401 refreshes once and repeats the request; a 401 after that, or with no refresh
/// token to use, means the grant is gone (`.revoked`). Renewed credentials are kept in
/// `renewed` for the caller to store. Transport failures are `.temporary`; no message carries a
/// token.
final class OAuthSession {
    let service: RemoteService
    private(set) var credentials: CalendarCredentials
    private(set) var renewed: CalendarCredentials?
    private let transport: any HTTPTransport
    private let refresher: any TokenRefresher
    private let now: Timestamp
    private let timeout: Int

    static let expiryMargin: Int64 = 60

    init(service: RemoteService, credentials: CalendarCredentials, transport: any HTTPTransport, refresher: any TokenRefresher,
         now: Timestamp, timeout: Int) {
        self.service = service
        self.credentials = credentials
        self.transport = transport
        self.refresher = refresher
        self.now = now
        self.timeout = timeout
    }

    /// Sends with the access token; `what` names the request in messages ("the event listing").
    func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, what: String) throws -> HTTPResponse {
        var refreshed = false
        if let expiresAt = credentials.expiresAt, expiresAt <= now.adding(seconds: Self.expiryMargin), credentials.refreshToken != nil {
            try refresh()
            refreshed = true
        }
        var response = try transmit(method, url, headers: headers, body: body, what: what)
        guard response.status == 401 else { return response }
        guard credentials.refreshToken != nil else {
            throw CalendarError(.revoked, "\(service.name) refused the access token and no refresh token is stored: \(service.reconnect)")
        }
        if !refreshed {
            try refresh()
            response = try transmit(method, url, headers: headers, body: body, what: what)
            guard response.status == 401 else { return response }
        }
        throw CalendarError(.revoked, "\(service.name) refused a freshly refreshed access token (HTTP 401) for \(what): \(service.reconnect)")
    }

    private func transmit(_ method: String, _ url: String, headers: [(String, String)], body: [UInt8]?, what: String) throws -> HTTPResponse {
        let all = headers + [("Authorization", "Bearer " + credentials.accessToken)]
        do {
            return try transport.send(HTTPRequest(method: method, url: url, headers: all, body: body, timeout: timeout))
        } catch let error as HTTPError {
            let reason = error.kind == .timeout ? "no answer within \(timeout) s" : error.description
            throw CalendarError(.temporary, "\(service.name): \(what) failed: \(reason)")
        }
    }

    private func refresh() throws {
        guard let refreshToken = credentials.refreshToken, !refreshToken.isEmpty else {
            throw CalendarError(.revoked, "\(service.name): the access token expired and no refresh token is stored: \(service.reconnect)")
        }
        var fresh = try refresher.refresh(refreshToken, now: now)
        if fresh.refreshToken == nil { fresh.refreshToken = refreshToken }
        credentials = fresh
        renewed = fresh
    }
}
