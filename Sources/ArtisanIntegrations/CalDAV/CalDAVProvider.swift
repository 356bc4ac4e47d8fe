import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An Apple (iCloud) or any CalDAV calendar (RFC 4791), with Basic authentication by an
/// app-specific password. Busy time comes from a `calendar-query` REPORT with `expand` (recurring
/// events as instances); the collection's ctag (or sync-token) makes a run with no change cheap.
/// Bookings are PUT at a deterministic href, so a rerun never duplicates them.
public final class CalDAVProvider: CalendarProvider {
    public let id = CalendarProviderID.apple
    public let renewedCredentials: CalendarCredentials? = nil

    let client: DAVClient
    let calendarURL: String
    let zone: ZoneRules
    let zoneNamed: (String) -> ZoneRules?
    /// The instant of this run: the DTSTAMP of every event it writes.
    let now: Timestamp

    public init(transport: any HTTPTransport, username: String, password: String, calendarURL: String, zone: ZoneRules,
                zoneNamed: @escaping (String) -> ZoneRules?, now: Timestamp, requestTimeout: Int = 20) {
        client = DAVClient(transport: transport, username: username, password: password, timeout: requestTimeout)
        self.calendarURL = calendarURL.hasSuffix("/") ? calendarURL : calendarURL + "/"
        self.zone = zone
        self.zoneNamed = zoneNamed
        self.now = now
    }

    public func fetchBusy(window: Interval, syncToken: String?) throws -> BusyFetch {
        let state = try collectionState()
        if let syncToken, let state, syncToken == state {
            return BusyFetch(mode: .incremental, events: [], nextSyncToken: state)
        }
        let start = ICalendar.utcDateTime(window.start), end = ICalendar.utcDateTime(window.end)
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
              <d:prop><d:getetag/><c:calendar-data><c:expand start="\(start)" end="\(end)"/></c:calendar-data></d:prop>
              <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
                <c:time-range start="\(start)" end="\(end)"/>
              </c:comp-filter></c:comp-filter></c:filter>
            </c:calendar-query>
            """
        let answer = try client.multistatus("REPORT", calendarURL, depth: "1", body: body)
        var events: [ExternalEvent] = []
        for response in answer.all("response") {
            guard let href = response.child("href")?.text, let data = response.first("calendar-data")?.text else { continue }
            let parsed: [ICalendar.ParsedEvent]
            do {
                parsed = try ICalendar.events(in: data, localZone: zone, zone: zoneNamed)
            } catch {
                // Read in another zone, the event would block the wrong hours: better no import at all.
                throw CalendarError(.temporary, "\(href): \(error)")
            }
            for event in parsed
            where event.isBusy && !event.uid.hasSuffix("@artisanconnect") && event.end > window.start && event.start < window.end {
                events.append(ExternalEvent(id: href + (event.recurrenceID.map { "#" + $0 } ?? ""), summary: event.summary, start: event.start, end: event.end))
            }
        }
        return BusyFetch(mode: .full, events: events, nextSyncToken: state)
    }

    /// The collection's ctag, else its sync-token: it changes whenever an event does.
    func collectionState() throws -> String? {
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/><d:sync-token/></d:prop></d:propfind>
            """
        let answer = try client.multistatus("PROPFIND", calendarURL, depth: "0", body: body)
        let value = answer.first("getctag")?.text ?? answer.first("sync-token")?.text
        return value?.isEmpty == false ? value : nil
    }

    public func putEvent(_ event: BookingEvent, existingID: String?) throws -> String {
        // Event ids are absolute URLs, so events on another host (iCloud) are found again.
        let href = existingID ?? calendarURL + "booking-\(event.bookingID).ics"
        let body = ICalendar.calendar([event], zone: zone, stamp: now, name: "ArtisanConnect")
        let response = try client.send("PUT", href, headers: [("Content-Type", "text/calendar; charset=utf-8")], body: body)
        guard (200...299).contains(response.status) else { throw client.failure(response, "PUT \(href)") }
        return href
    }

    public func deleteEvent(id: String) throws {
        let href = id.split(separator: "#").first.map(String.init) ?? id
        let response = try client.send("DELETE", href, headers: [], body: nil)
        guard (200...299).contains(response.status) || response.status == 404 || response.status == 410 else {
            throw client.failure(response, "DELETE \(href)")
        }
    }

    // MARK: - Discovery

    public struct Calendar: Sendable, Equatable {
        public let url: String
        public let name: String
    }

    /// current-user-principal → calendar-home-set → the calendars in it (absolute URLs, hosts followed).
    public static func discover(transport: any HTTPTransport, baseURL: String, username: String, password: String) throws -> [Calendar] {
        let client = DAVClient(transport: transport, username: username, password: password, timeout: 20)
        let principalAnswer = try client.multistatus("PROPFIND", baseURL, depth: "0", body: """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>
            """)
        guard let principal = principalAnswer.first("current-user-principal")?.child("href")?.text else {
            throw CalendarError(.temporary, "the CalDAV server did not name a principal for \(username)")
        }
        let principalURL = client.resolve(principal, against: baseURL)
        let homeAnswer = try client.multistatus("PROPFIND", principalURL, depth: "0", body: """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/></d:prop></d:propfind>
            """)
        guard let home = homeAnswer.first("calendar-home-set")?.child("href")?.text else {
            throw CalendarError(.temporary, "the CalDAV server did not name a calendar home")
        }
        let homeURL = client.resolve(home, against: principalURL)
        let listing = try client.multistatus("PROPFIND", homeURL, depth: "1", body: """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:displayname/></d:prop></d:propfind>
            """)
        return listing.all("response").compactMap { response in
            guard let href = response.child("href")?.text, response.first("resourcetype")?.child("calendar") != nil else { return nil }
            let url = client.resolve(href, against: homeURL)
            let name = response.first("displayname")?.text
            return Calendar(url: url, name: name?.isEmpty == false ? name! : url.split(separator: "/").last.map(String.init) ?? url)
        }
    }
}

/// WebDAV requests with Basic authentication, and the answers' failures as CalendarError.
struct DAVClient: Sendable {
    let transport: any HTTPTransport
    let authorization: String
    let timeout: Int

    init(transport: any HTTPTransport, username: String, password: String, timeout: Int) {
        self.transport = transport
        authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        self.timeout = timeout
    }

    func send(_ method: String, _ url: String, headers: [(String, String)], body: String?) throws -> HTTPResponse {
        do {
            return try transport.send(HTTPRequest(method: method, url: url, headers: [("Authorization", authorization)] + headers,
                                                  body: body.map { Array($0.utf8) }, timeout: timeout))
        } catch let error as HTTPError {
            throw CalendarError(.temporary, error.description)
        }
    }

    func multistatus(_ method: String, _ url: String, depth: String, body: String) throws -> XMLElement {
        let response = try send(method, url, headers: [("Depth", depth), ("Content-Type", "application/xml; charset=utf-8")], body: body)
        guard response.status == 207 else { throw failure(response, "\(method) \(url)") }
        guard let document = XMLElement.parse(response.text), document.name == "multistatus" else {
            throw CalendarError(.temporary, "\(method) \(url): the answer is not a WebDAV multistatus")
        }
        return document
    }

    /// A password refused (401) means reconnecting, as an OAuth grant refused does; every other
    /// status means what it means for every provider (`ProviderAnswer`).
    func failure(_ response: HTTPResponse, _ what: String) -> CalendarError {
        guard response.status == 401 else { return ProviderAnswer.failure(response.status, service: Self.service, what: what) }
        return CalendarError(.revoked, "\(what): the CalDAV server refused the credentials (HTTP 401): \(Self.service.reconnect)")
    }

    static let service = RemoteService(name: "CalDAV", reconnect: "reconnect with `artisanctl calendars connect apple`")

    /// An href (absolute URL or absolute path) made absolute against the URL it came from.
    func resolve(_ href: String, against base: String) -> String {
        if href.hasPrefix("http://") || href.hasPrefix("https://") { return href }
        return Self.origin(of: base) + (href.hasPrefix("/") ? href : "/" + href)
    }

    static func origin(of url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" }
        return String(url[..<scheme.upperBound]) + host
    }
}
