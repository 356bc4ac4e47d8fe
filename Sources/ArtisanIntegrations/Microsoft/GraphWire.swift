import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The Microsoft Graph and Microsoft identity platform wire formats, shared by the calendar provider
// and the device-code flow. Everything here is internal and prefixed `Graph` (one module holds
// every provider).

/// `{"dateTime":"2016-12-09T20:30:00.0000000","timeZone":"UTC"}`.
struct GraphDateTimeZone: Codable, Sendable {
    var dateTime: String
    var timeZone: String?
}

/// One row of a calendarView (delta) page: an event, or only an id and `@removed`.
struct GraphEventItem: Decodable, Sendable {
    struct Removed: Decodable, Sendable { let reason: String? }

    let id: String
    let subject: String?
    let start: GraphDateTimeZone?
    let end: GraphDateTimeZone?
    let isAllDay: Bool?
    let isCancelled: Bool?
    let showAs: String?
    let removed: Removed?

    enum CodingKeys: String, CodingKey {
        case id, subject, start, end, isAllDay, isCancelled, showAs
        case removed = "@removed"
    }
}

/// A collection page: `value`, then either `@odata.nextLink` (more pages) or, for delta rounds,
/// `@odata.deltaLink` (the round is complete).
struct GraphPage<Item: Decodable & Sendable>: Decodable, Sendable {
    let value: [Item]
    let nextLink: String?
    let deltaLink: String?

    enum CodingKeys: String, CodingKey {
        case value
        case nextLink = "@odata.nextLink"
        case deltaLink = "@odata.deltaLink"
    }
}

/// The event body sent on create (with `transactionId`) and on update (without).
struct GraphEventBody: Encodable, Sendable {
    struct ItemBody: Encodable, Sendable {
        let contentType: String
        let content: String
    }

    let subject: String
    let body: ItemBody
    let start: GraphDateTimeZone
    let end: GraphDateTimeZone
    let showAs: String
    let transactionId: String?
}

struct GraphCreatedEvent: Decodable, Sendable { let id: String }

struct GraphCalendarItem: Decodable, Sendable {
    let id: String
    let name: String?
    let isDefaultCalendar: Bool?
}

struct GraphUser: Decodable, Sendable {
    let mail: String?
    let userPrincipalName: String?
}

/// `{"error":{"code","message","innerError"}}`.
struct GraphErrorBody: Decodable, Sendable {
    struct Inner: Decodable, Sendable {
        let code: String?
        let message: String?
    }

    let error: Inner?

    static func code(of response: HTTPResponse) -> String? {
        (try? JSONDecoder().decode(GraphErrorBody.self, from: Data(response.body)))?.error?.code
    }
}

/// The identity platform's token endpoint answer: tokens on success, `error` otherwise.
struct GraphTokenAnswer: Decodable, Sendable {
    let accessToken: String?
    let refreshToken: String?
    let expiresIn: Int?
    let error: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", expiresIn = "expires_in", error
    }

    /// `expires_in` is a number, but some proxies and old endpoints send a string.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try container.decodeIfPresent(String.self, forKey: .accessToken)
        refreshToken = try container.decodeIfPresent(String.self, forKey: .refreshToken)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        if let number = try? container.decodeIfPresent(Int.self, forKey: .expiresIn) {
            expiresIn = number
        } else if let text = try? container.decodeIfPresent(String.self, forKey: .expiresIn) {
            expiresIn = Int(text)
        } else {
            expiresIn = nil
        }
    }
}

/// The device authorization answer (RFC 8628 names; Microsoft's `verification_uri`).
struct GraphDeviceCodeAnswer: Decodable, Sendable {
    let deviceCode: String
    let userCode: String
    let verificationURI: String
    let expiresIn: Int
    let interval: Int?
    let message: String?

    enum CodingKeys: String, CodingKey {
        case deviceCode = "device_code", userCode = "user_code", verificationURI = "verification_uri"
        case expiresIn = "expires_in", interval, message
    }
}

enum GraphWire {
    static let loginPath = "/common/oauth2/v2.0"

    static func decode<Value: Decodable>(_ type: Value.Type, from response: HTTPResponse) -> Value? {
        try? JSONDecoder().decode(type, from: Data(response.body))
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        // Encoding plain strings and structs cannot fail.
        (try? Array(JSONEncoder().encode(value))) ?? []
    }

    /// `application/x-www-form-urlencoded`, in the given order.
    static func form(_ fields: [(String, String)]) -> [UInt8] {
        Array(URLEncoding.form(fields).utf8)
    }

    /// One path segment (an event or calendar id: base64 with `=`, `/`, `+`…), percent-encoded.
    static func pathSegment(_ text: String) -> String { URLEncoding.percentEncoded(text) }

    /// The path of a URL, without scheme, host or query: what error messages may show (query
    /// strings carry delta and skip tokens).
    static func redactedPath(_ url: String) -> String {
        let path = url.prefix { $0 != "?" && $0 != "#" }
        guard let colon = path.firstIndex(of: ":"), path[colon...].hasPrefix("://") else { return String(path) }
        let authority = path[path.index(colon, offsetBy: 3)...]
        return authority.firstIndex(of: "/").map { String(authority[$0...]) } ?? "/"
    }

    /// `2026-01-15T10:00:00` (UTC wall time, whole seconds, no offset): Graph's `dateTime` with
    /// `timeZone: "UTC"`.
    static func utcWallTime(_ instant: Timestamp) -> String {
        String(Timestamp(secondsSinceEpoch: instant.secondsSinceEpoch).iso8601().dropLast())
    }

    /// `2026-01-15T10:00:00Z`: query parameters such as `startDateTime`.
    static func utcQueryTime(_ instant: Timestamp) -> String {
        Timestamp(secondsSinceEpoch: instant.secondsSinceEpoch).iso8601()
    }

    /// Reads Graph's `{"dateTime","timeZone"}`: `2016-12-09T20:30:00.0000000` (7-digit fraction,
    /// no offset) in `timeZone`. UTC (what `Prefer: outlook.timezone="UTC"` asks for) and the
    /// artisan's own IANA zone are understood; a `dateTime` with an explicit offset is taken as is.
    static func instant(_ value: GraphDateTimeZone, zone: ZoneRules) -> Timestamp? {
        let text = value.dateTime
        if let explicit = Timestamp(iso8601: text) { return explicit }
        let zoneName = value.timeZone ?? "UTC"
        if ["utc", "etc/utc", "gmt", "etc/gmt", "z", "coordinated universal time"].contains(zoneName.lowercased()) {
            return Timestamp(iso8601: text + "Z")
        }
        guard zoneName == zone.name, let wall = Timestamp(iso8601: text + "Z") else { return nil }
        // A wall time in the artisan's zone: its date and time of day, read through the zone rules.
        let seconds = wall.secondsSinceEpoch
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let minute = zone.firstInstant(on: LocalDate(daysSinceEpoch: days), minuteOfDay: secondOfDay / 60)
        return minute.adding(seconds: Int64(secondOfDay % 60))
    }

    /// The calendar date of a Graph `dateTime` (all-day events: midnight to midnight).
    static func date(_ value: GraphDateTimeZone) -> LocalDate? {
        LocalDate(value.dateTime.prefix(10))
    }
}
