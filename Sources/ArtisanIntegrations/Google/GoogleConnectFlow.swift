import ArtisanCore
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A calendar of the Google account, as `calendarList` shows it.
public struct GoogleCalendar: Sendable, Equatable {
    public let id: String
    public let summary: String
    public let primary: Bool

    public init(id: String, summary: String, primary: Bool) {
        self.id = id
        self.summary = summary
        self.primary = primary
    }
}

/// A PKCE pair (RFC 7636): the verifier stays here, the S256 challenge goes in the consent URL.
public struct GooglePKCE: Sendable, Equatable {
    public let verifier: String
    public let challenge: String

    /// The pair for a known verifier (43 to 128 characters of `A–Z a–z 0–9 - . _ ~`).
    public init(verifier: String) {
        self.verifier = verifier
        challenge = GoogleWire.base64URL(SHA256.hash(data: Data(verifier.utf8)))
    }

    /// A fresh pair: 32 random bytes, base64url, as the verifier (43 characters).
    public static func generate() -> GooglePKCE {
        GooglePKCE(verifier: GoogleConnectFlow.randomToken(bytes: 32))
    }
}

/// The building blocks of `artisanctl calendars connect google`, OAuth 2.0 for installed apps:
///
/// 1. `GooglePKCE.generate()`, `GoogleConnectFlow.randomState()`, and a `GoogleLoopbackListener`
///    on 127.0.0.1 whose `redirectURI` goes into `authorizationURL(…)`, printed (or opened);
/// 2. `listener.waitForCode(state:timeout:)` (or, with `--no-browser`, `code(fromPasted:state:)`);
/// 3. `exchange(code:verifier:redirectURI:)` for the credentials; or, non-interactive,
///    `credentials(fromRefreshToken:)`;
/// 4. `calendars(credentials:)`, then `GoogleConnectFlow.account(in:)` and `select(_:in:)`.
public struct GoogleConnectFlow: Sendable {
    public static let scope = "https://www.googleapis.com/auth/calendar"

    private let transport: any HTTPTransport
    private let clientID: String
    private let apiBase: String
    private let accountsBase: String
    private let now: Timestamp
    private let requestTimeout: Int
    private let oauth: GoogleOAuthClient

    public init(transport: any HTTPTransport, clientID: String, clientSecret: String,
                apiBase: String = GoogleEndpoints.production.api, oauthBase: String = GoogleEndpoints.production.oauth,
                accountsBase: String = GoogleEndpoints.production.accounts, now: Timestamp, requestTimeout: Int = 20) {
        self.transport = transport
        self.clientID = clientID
        self.apiBase = GoogleWire.trimmed(apiBase)
        self.accountsBase = GoogleWire.trimmed(accountsBase)
        self.now = now
        self.requestTimeout = requestTimeout
        oauth = GoogleOAuthClient(transport: transport, clientID: clientID, clientSecret: clientSecret, oauthBase: GoogleWire.trimmed(oauthBase),
                                  requestTimeout: requestTimeout)
    }

    public init(transport: any HTTPTransport, clientID: String, clientSecret: String, endpoints: GoogleEndpoints, now: Timestamp,
                requestTimeout: Int = 20) {
        self.init(transport: transport, clientID: clientID, clientSecret: clientSecret, apiBase: endpoints.api, oauthBase: endpoints.oauth,
                  accountsBase: endpoints.accounts, now: now, requestTimeout: requestTimeout)
    }

    /// An unguessable `state` value, to match the redirect to this run.
    public static func randomState() -> String { randomToken(bytes: 16) }

    static func randomToken(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return GoogleWire.base64URL((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The consent page: `{accountsBase}/o/oauth2/v2/auth?…` with offline access (a refresh token)
    /// and `prompt=consent` (so that Google sends one again on a reconnection).
    public func authorizationURL(redirectURI: String, state: String, pkce: GooglePKCE) -> String {
        accountsBase + "/o/oauth2/v2/auth?" + URLEncoding.form([
            ("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", "code"), ("scope", Self.scope),
            ("state", state), ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
            ("access_type", "offline"), ("prompt", "consent"),
        ])
    }

    /// The code in what the user pasted with `--no-browser`: the whole redirected URL (its `state`
    /// checked when given) or the bare code.
    public static func code(fromPasted pasted: String, state: String?) throws -> String {
        let text = GoogleWire.trimmedWhitespace(pasted)
        guard let question = text.firstIndex(of: "?") else {
            guard !text.isEmpty, !text.contains(" ") else {
                throw ArtisanError(.invalid, code: "OAUTH_CODE_MISSING", "no authorization code was given")
            }
            return text
        }
        let parameters = URLEncoding.queryParameters(text[text.index(after: question)...].prefix { $0 != "#" })
        return try GoogleLoopbackListener.code(from: parameters, state: state)
    }

    /// Exchanges the code of the redirect for credentials (PKCE: the verifier of the challenge sent).
    public func exchange(code: String, verifier: String, redirectURI: String) throws -> CalendarCredentials {
        try oauth.exchange(code: code, verifier: verifier, redirectURI: redirectURI, now: now)
    }

    /// For `--refresh-token-stdin`: refreshes once, which both validates the token and gives an access token.
    public func credentials(fromRefreshToken refreshToken: String) throws -> CalendarCredentials {
        let trimmed = GoogleWire.trimmedWhitespace(refreshToken)
        guard !trimmed.isEmpty else { throw ArtisanError(.invalid, code: "REFRESH_TOKEN_MISSING", "no refresh token was given on standard input") }
        return try oauth.refresh(trimmed, now: now)
    }

    /// The account's calendars, every page of `users/me/calendarList`.
    public func calendars(credentials: CalendarCredentials) throws -> [GoogleCalendar] {
        var calendars: [GoogleCalendar] = []
        var pageToken: String?
        var seen: Set<String> = []
        repeat {
            var query = [("maxResults", "250")]
            if let pageToken { query.append(("pageToken", pageToken)) }
            let url = apiBase + "/calendar/v3/users/me/calendarList?" + URLEncoding.form(query)
            let response: HTTPResponse
            do {
                response = try transport.send(HTTPRequest(url: url, headers: [("Authorization", "Bearer " + credentials.accessToken), ("Accept", "application/json")],
                                                          timeout: requestTimeout))
            } catch let error as HTTPError {
                throw CalendarError(.temporary, "Google Calendar: the calendar list failed: \(error.description)")
            }
            switch response.status {
            case 200..<300: break
            case 401, 403: throw CalendarError(.revoked, "Google Calendar refused to list the calendars (HTTP \(response.status)): connect again")
            default: throw CalendarError(.temporary, "Google Calendar: the calendar list failed with HTTP \(response.status)")
            }
            let page = try GoogleWire.decode(GoogleWire.CalendarList.self, response, what: "the calendar list")
            calendars += (page.items ?? []).map {
                GoogleCalendar(id: $0.id, summary: $0.summaryOverride ?? $0.summary ?? $0.id, primary: $0.primary ?? false)
            }
            pageToken = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
            if let pageToken, !seen.insert(pageToken).inserted {
                throw CalendarError(.temporary, "Google Calendar repeated a page token of the calendar list")
            }
        } while pageToken != nil
        return calendars
    }

    /// The account: the primary calendar's id, which is the account's e-mail address.
    public static func account(in calendars: [GoogleCalendar]) -> String? {
        calendars.first(where: \.primary)?.id
    }

    /// `--calendar NAME|ID`: the calendar with that id, else the one with that name (case-insensitive,
    /// when only one has it); without a choice, the primary calendar.
    public static func select(_ choice: String?, in calendars: [GoogleCalendar]) throws -> GoogleCalendar {
        guard let choice, !choice.isEmpty else {
            guard let primary = calendars.first(where: \.primary) else {
                throw ArtisanError.notFound(code: "CALENDAR_NOT_FOUND", "the Google account has no primary calendar", hint: "choose one with --calendar NAME|ID")
            }
            return primary
        }
        if let exact = calendars.first(where: { $0.id == choice }) { return exact }
        let named = calendars.filter { $0.summary.lowercased() == choice.lowercased() }
        if named.count == 1 { return named[0] }
        let known = calendars.map { "\($0.summary) (\($0.id))" }.joined(separator: ", ")
        if named.count > 1 {
            throw ArtisanError(.invalid, code: "CALENDAR_AMBIGUOUS", "several Google calendars are named \"\(choice)\"", hint: "give its id instead: \(known)")
        }
        throw ArtisanError.notFound(code: "CALENDAR_NOT_FOUND", "no Google calendar is named or has the id \"\(choice)\"", hint: "the account has: \(known)")
    }
}
