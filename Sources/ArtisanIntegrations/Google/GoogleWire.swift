import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the Google clients send their requests. Each base is overridable so tests point them at a
/// local fake: `GOOGLE_API_BASE`, `GOOGLE_OAUTH_BASE`, `GOOGLE_ACCOUNTS_BASE`.
public struct GoogleEndpoints: Sendable, Equatable {
    public var api: String
    public var oauth: String
    public var accounts: String

    public static let production = GoogleEndpoints(api: "https://www.googleapis.com", oauth: "https://oauth2.googleapis.com",
                                                   accounts: "https://accounts.google.com")

    public init(api: String, oauth: String, accounts: String) {
        self.api = GoogleWire.trimmed(api)
        self.oauth = GoogleWire.trimmed(oauth)
        self.accounts = GoogleWire.trimmed(accounts)
    }

    /// The production endpoints, each replaced by its variable when set and not empty.
    public init(environment: [String: String]) {
        func value(_ name: String, _ fallback: String) -> String {
            guard let set = environment[name], !set.isEmpty else { return fallback }
            return set
        }
        self.init(api: value("GOOGLE_API_BASE", Self.production.api), oauth: value("GOOGLE_OAUTH_BASE", Self.production.oauth),
                  accounts: value("GOOGLE_ACCOUNTS_BASE", Self.production.accounts))
    }
}

/// The JSON shapes of Calendar API v3 and OAuth 2.0 that the clients read and write, and the
/// encodings they need (RFC 3986 percent-encoding, form bodies, base64url).
enum GoogleWire {
    struct EventList: Decodable {
        let items: [Event]?
        let nextPageToken: String?
        let nextSyncToken: String?
    }

    struct Event: Decodable {
        let id: String
        let status: String?
        let summary: String?
        let transparency: String?
        let start: EventTime?
        let end: EventTime?
    }

    struct EventTime: Codable {
        var dateTime: String?
        var date: String?
        var timeZone: String?
    }

    /// What insert and patch send. Absent optionals are left out of the JSON.
    struct EventWrite: Encodable {
        var id: String?
        var status: String?
        var summary: String
        var description: String
        var start: EventTime
        var end: EventTime
        var transparency: String
        var extendedProperties: ExtendedProperties
    }

    struct ExtendedProperties: Encodable {
        var `private`: [String: String]
    }

    struct EventID: Decodable {
        let id: String
    }

    struct CalendarList: Decodable {
        let items: [CalendarListEntry]?
        let nextPageToken: String?
    }

    struct CalendarListEntry: Decodable {
        let id: String
        let summary: String?
        let summaryOverride: String?
        let primary: Bool?
    }

    struct TokenResponse: Decodable {
        let access_token: String
        let expires_in: Int?
        let refresh_token: String?
    }

    /// Either an API error `{"error":{"code","message","errors":[{"reason"}]}}` or an OAuth error
    /// `{"error":"invalid_grant","error_description":…}`: only the machine-readable parts are kept,
    /// so nothing the server echoes back can reach a message.
    struct ErrorBody: Decodable {
        let reasons: [String]
        let oauthError: String?

        private enum Keys: String, CodingKey { case error }
        private struct APIError: Decodable {
            let errors: [Reason]?
            let status: String?
        }
        private struct Reason: Decodable { let reason: String? }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let code = try? container.decode(String.self, forKey: .error) {
                oauthError = code
                reasons = []
            } else {
                let error = try container.decode(APIError.self, forKey: .error)
                oauthError = nil
                reasons = (error.errors ?? []).compactMap(\.reason) + (error.status.map { [$0] } ?? [])
            }
        }

        static func parse(_ body: [UInt8]) -> ErrorBody? {
            try? JSONDecoder().decode(ErrorBody.self, from: Data(body))
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw CalendarError(.temporary, "Google Calendar: malformed answer to \(what) (HTTP \(response.status), \(response.body.count) bytes)")
        }
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        // Encoding our own plain structs cannot fail.
        (try? Array(JSONEncoder().encode(value))) ?? []
    }


    /// Base64url without padding (RFC 4648 §5), as PKCE wants.
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        text = String(text.compactMap { character -> Character? in
            switch character {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: character
            }
        })
        return text
    }

    static func trimmedWhitespace(_ text: String) -> String {
        Validate.trimmed(text)
    }

    static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
