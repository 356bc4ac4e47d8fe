import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One Google calendar over Calendar API v3: busy time read with `events.list` (recurrences expanded,
/// every page followed, incremental with a sync token), bookings written as events with ids derived
/// from the booking, so that a rerun after a crash finds the event it already made.
///
/// Authorization, refreshing and the meaning of failures are the shared OAuth behaviour
/// (`OAuthSession`, `ProviderAnswer`): renewed credentials are left in `renewedCredentials` for
/// the caller to store. No description carries a token.
public final class GoogleCalendarProvider: CalendarProvider {
    public let id: CalendarProviderID = .google
    public var renewedCredentials: CalendarCredentials? { session.renewed }

    static let service = RemoteService(name: "Google Calendar", reconnect: "reconnect with `artisanctl calendars connect google`")

    private let session: OAuthSession
    private let calendarID: String
    private let apiBase: String
    private let zone: ZoneRules
    private let pageSize: Int

    /// - Parameters:
    ///   - zone: the artisan's time zone: an all-day event blocks whole local days in it.
    ///   - now: the instant of this run, to tell whether the access token has expired.
    ///   - requestTimeout: seconds for each HTTP exchange.
    ///   - pageSize: `maxResults` of each `events.list` page (Google allows 1 to 2500).
    public init(transport: any HTTPTransport, credentials: CalendarCredentials, clientID: String, clientSecret: String, calendarID: String,
                apiBase: String = GoogleEndpoints.production.api, oauthBase: String = GoogleEndpoints.production.oauth,
                zone: ZoneRules, now: Timestamp, requestTimeout: Int = 20, pageSize: Int = 250) {
        self.calendarID = calendarID
        self.apiBase = GoogleWire.trimmed(apiBase)
        self.zone = zone
        self.pageSize = min(max(pageSize, 1), 2500)
        let oauth = GoogleOAuthClient(transport: transport, clientID: clientID, clientSecret: clientSecret, oauthBase: GoogleWire.trimmed(oauthBase),
                                      requestTimeout: requestTimeout)
        session = OAuthSession(service: Self.service, credentials: credentials, transport: transport, refresher: oauth, now: now, timeout: requestTimeout)
    }

    /// The event id Google will hold for a booking: base32hex (`a`–`v`, `0`–`9`), 5 to 1024
    /// characters. A UUID gives `bk` + its 32 lowercase hex digits; any other id, `bu` + the hex of
    /// its UTF-8 bytes. The same booking always gives the same id.
    public static func eventID(forBookingID bookingID: String) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        let compact = bookingID.lowercased().filter { $0 != "-" }
        if compact.count == 32, compact.utf8.allSatisfy({ hexDigits.contains($0) }) { return "bk" + compact }
        var encoded = "bu"
        for byte in bookingID.utf8 {
            encoded.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte >> 4)]))
            encoded.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte & 0x0F)]))
        }
        return String(encoded.prefix(1024))
    }

    // MARK: - Import

    public func fetchBusy(window: Interval, syncToken: String?) throws -> BusyFetch {
        if let syncToken {
            do {
                return try list(window: window, syncToken: syncToken)
            } catch is SyncTokenRefused {
                // 410 fullSyncRequired: the token is dropped and everything read again.
            }
        }
        do {
            return try list(window: window, syncToken: nil)
        } catch is SyncTokenRefused {
            throw CalendarError(.temporary, "Google Calendar answered 410 to a full listing")
        }
    }

    private struct SyncTokenRefused: Error {}

    private func list(window: Interval, syncToken: String?) throws -> BusyFetch {
        let mode: BusyFetch.Mode = syncToken == nil ? .full : .incremental
        var base: [(String, String)] = [("singleEvents", "true"), ("maxResults", String(pageSize))]
        if let syncToken {
            // Google refuses timeMin/timeMax/orderBy together with a sync token.
            base.append(("syncToken", syncToken))
        } else {
            base += [("timeMin", window.start.iso8601()), ("timeMax", window.end.iso8601())]
        }
        var events: [ExternalEvent] = []
        var removed: [String] = []
        var pageToken: String?
        var cursor = PageCursor(service: Self.service, what: "the event listing")
        while true {
            let query = base + (pageToken.map { [("pageToken", $0)] } ?? [])
            let response = try send("GET", eventsURL() + "?" + URLEncoding.form(query), what: "the event listing")
            if response.status == 410 { throw SyncTokenRefused() }
            try check(response, what: "the event listing")
            let page = try GoogleWire.decode(GoogleWire.EventList.self, response, what: "the event listing")
            for item in page.items ?? [] {
                if item.status == "cancelled" || item.transparency == "transparent" {
                    if mode == .incremental { removed.append(item.id) }
                    continue
                }
                events.append(try busy(item))
            }
            if let next = page.nextPageToken, !next.isEmpty {
                try cursor.advance(to: next)
                pageToken = next
                continue
            }
            return BusyFetch(mode: mode, events: events, removedIDs: removed, nextSyncToken: page.nextSyncToken)
        }
    }

    /// A busy event's span: `dateTime`s as given; all-day `date`s from local midnight of the start
    /// date to local midnight of the (exclusive) end date in the artisan's zone.
    private func busy(_ event: GoogleWire.Event) throws -> ExternalEvent {
        guard let start = event.start, let end = event.end else {
            throw CalendarError(.temporary, "Google Calendar: malformed answer to the event listing (an event without start or end)")
        }
        if let startText = start.dateTime, let endText = end.dateTime {
            guard let startInstant = Timestamp(iso8601: startText), let endInstant = Timestamp(iso8601: endText) else {
                throw CalendarError(.temporary, "Google Calendar: malformed answer to the event listing (an unreadable dateTime)")
            }
            return ExternalEvent(id: event.id, summary: event.summary, start: startInstant, end: endInstant)
        }
        guard let startText = start.date ?? start.dateTime.map({ String($0.prefix(10)) }), let startDate = LocalDate(startText) else {
            throw CalendarError(.temporary, "Google Calendar: malformed answer to the event listing (an unreadable date)")
        }
        var endDate = (end.date ?? end.dateTime.map { String($0.prefix(10)) }).flatMap { LocalDate($0) } ?? startDate.adding(days: 1)
        if endDate <= startDate { endDate = startDate.adding(days: 1) }
        return ExternalEvent(id: event.id, summary: event.summary, start: zone.firstInstant(on: startDate, minuteOfDay: 0),
                             end: zone.firstInstant(on: endDate, minuteOfDay: 0))
    }

    // MARK: - Export

    public func putEvent(_ event: BookingEvent, existingID: String?) throws -> String {
        if let existingID {
            return try patch(event, id: existingID)
        }
        let ours = Self.eventID(forBookingID: event.bookingID)
        var body = write(event)
        body.id = ours
        let response = try send("POST", eventsURL() + "?sendUpdates=none", body: GoogleWire.encode(body), what: "the event creation")
        if response.status == 409 {
            // Made by an earlier run that did not live to store the id: update that one instead.
            return try patch(event, id: ours)
        }
        try check(response, what: "the event creation")
        return (try? JSONDecoder().decode(GoogleWire.EventID.self, from: Data(response.body)))?.id ?? ours
    }

    private func patch(_ event: BookingEvent, id eventID: String) throws -> String {
        var body = write(event)
        // A deleted event keeps its id at Google; confirming it brings it back.
        body.status = "confirmed"
        let response = try send("PATCH", eventURL(eventID) + "?sendUpdates=none", body: GoogleWire.encode(body), what: "the event update")
        if response.status == 404 || response.status == 410 {
            throw CalendarError(.notFound, "Google Calendar: the booking's event no longer exists")
        }
        try check(response, what: "the event update")
        return eventID
    }

    public func deleteEvent(id eventID: String) throws {
        let response = try send("DELETE", eventURL(eventID) + "?sendUpdates=none", what: "the event deletion")
        if response.status == 404 || response.status == 410 { return }
        try check(response, what: "the event deletion")
    }

    private func write(_ event: BookingEvent) -> GoogleWire.EventWrite {
        // The offset of the event's own zone when it is the artisan's (it always is), else UTC: the
        // instant is the same either way, and `timeZone` tells Google how to show it.
        let offset = { (instant: Timestamp) in event.timezone == self.zone.name ? self.zone.offset(at: instant) : 0 }
        return GoogleWire.EventWrite(
            id: nil, status: nil, summary: event.summary, description: event.description,
            start: GoogleWire.EventTime(dateTime: event.start.iso8601(offsetSeconds: offset(event.start)), timeZone: event.timezone),
            end: GoogleWire.EventTime(dateTime: event.end.iso8601(offsetSeconds: offset(event.end)), timeZone: event.timezone),
            transparency: "opaque", extendedProperties: GoogleWire.ExtendedProperties(private: ["artisanBookingId": event.bookingID]))
    }

    // MARK: - Requests

    private func eventsURL() -> String {
        apiBase + "/calendar/v3/calendars/" + URLEncoding.percentEncoded(calendarID) + "/events"
    }

    private func eventURL(_ eventID: String) -> String {
        eventsURL() + "/" + URLEncoding.percentEncoded(eventID)
    }

    private func send(_ method: String, _ url: String, body: [UInt8]? = nil, what: String) throws -> HTTPResponse {
        var headers = [("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json; charset=utf-8")) }
        return try session.send(method, url, headers: headers, body: body, what: what)
    }

    /// Maps a non-2xx answer to the error the sync acts on (the shared meaning of each status).
    private func check(_ response: HTTPResponse, what: String) throws {
        guard !(200..<300).contains(response.status) else { return }
        let reasons = GoogleWire.ErrorBody.parse(response.body)?.reasons ?? []
        throw ProviderAnswer.failure(response.status, service: Self.service, what: what, code: reasons.first,
                                     rateLimited: reasons.contains("rateLimitExceeded") || reasons.contains("userRateLimitExceeded"))
    }
}
