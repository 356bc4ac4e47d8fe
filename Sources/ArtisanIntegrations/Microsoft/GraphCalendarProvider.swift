import ArtisanCore

/// An Outlook calendar through Microsoft Graph v1.0.
///
/// - Import: a calendarView delta round (`/me/calendarView/delta`, or
///   `/me/calendars/{id}/calendarView/delta`) with `Prefer: outlook.timezone="UTC"` and
///   `Prefer: odata.maxpagesize=N`, every `@odata.nextLink` followed verbatim; the round's final
///   `@odata.deltaLink` is the sync token. With a token the same link gives only the changes
///   (`@removed` rows, cancelled and free events go to `removedIDs`); 410 (`syncStateNotFound`,
///   `resyncRequired`) starts a full round again. Recurrences come expanded; all-day events block
///   whole local days in the artisan's zone.
/// - A delta round's window is fixed by its first request, while the sync's window (now → horizon)
///   moves forward. A full round therefore asks for `windowSlackDays` more than the window, and the
///   sync token records how far its round reaches: the deltaLink followed by `#artisan-until=<UTC>`
///   (a fragment, never sent). Once the window's end passes it, the next fetch is a full one. Events
///   of a full round may thus lie beyond `window.end`: keep them, later changes to them come
///   incrementally.
/// - Export: `POST /me/events` (or `/me/calendars/{id}/events`) with `transactionId` = the booking
///   id, so a retried POST does not create a second event; `PATCH` and `DELETE /me/events/{id}`.
/// - Auth: `Authorization: Bearer`; an access token expired (or expiring within a minute) or refused
///   with 401 is refreshed once at `{loginBase}/common/oauth2/v2.0/token`; the rotated refresh token
///   is kept in `renewedCredentials`. `invalid_grant` → `.revoked`; 429/5xx after the transport's
///   retries, timeouts, unreadable answers → `.temporary`. Error descriptions show methods, paths
///   and error codes only, never a token.
public final class GraphCalendarProvider: CalendarProvider {
    public let id: CalendarProviderID = .outlook
    /// Set when this run refreshed the access token: store it (it carries the new refresh token).
    public private(set) var renewedCredentials: CalendarCredentials?

    /// The scope asked for when refreshing.
    public static let refreshScope = "offline_access Calendars.ReadWrite"
    /// What a revoked grant tells the user to run.
    public static let reconnectHint = "reconnect with: artisanctl calendars connect outlook"

    private var credentials: CalendarCredentials
    private let clientID: String
    private let calendarID: String?
    private let graphBase: String
    private let loginBase: String
    private let zone: ZoneRules
    private let now: Timestamp
    private let pageSize: Int
    private let windowSlackDays: Int
    private let exchange: GraphExchange

    /// - Parameters:
    ///   - calendarID: nil for the default calendar.
    ///   - graphBase: `GRAPH_API_BASE` (without `/v1.0`); `loginBase`: `MS_LOGIN_BASE`.
    ///   - zone: the artisan's zone, for all-day events.
    ///   - requestTimeout: seconds, for every request.
    ///   - pageSize: `odata.maxpagesize`.
    ///   - windowSlackDays: how far beyond the window a full delta round reaches (see above).
    public init(transport: any HTTPTransport, credentials: CalendarCredentials, clientID: String, calendarID: String? = nil,
                graphBase: String = "https://graph.microsoft.com", loginBase: String = "https://login.microsoftonline.com",
                zone: ZoneRules, now: Timestamp, requestTimeout: Int = 20, pageSize: Int = 100, windowSlackDays: Int = 7) {
        self.credentials = credentials
        self.clientID = clientID
        self.calendarID = calendarID
        self.graphBase = Self.trimmed(graphBase)
        self.loginBase = Self.trimmed(loginBase)
        self.zone = zone
        self.now = now
        self.pageSize = max(1, pageSize)
        self.windowSlackDays = max(0, windowSlackDays)
        exchange = GraphExchange(transport: transport, timeout: requestTimeout)
    }

    // MARK: - Import

    public func fetchBusy(window: Interval, syncToken: String?) throws -> BusyFetch {
        if let syncToken, let token = GraphDeltaToken(syncToken), token.link.hasPrefix(graphBase + "/"), window.end <= token.until {
            do {
                return try deltaRound(from: token.link, mode: .incremental, until: token.until)
            } catch is ResyncRequired {
                // The token expired or was refused: a full round below.
            }
        }
        // Whole seconds (the token and the query carry no fraction), rounded up.
        let end = window.end.secondsSinceEpoch + (window.end.microseconds % 1_000_000 == 0 ? 0 : 1)
        let until = Timestamp(secondsSinceEpoch: end + Int64(windowSlackDays) * 86_400)
        let url = graphBase + calendarRoot + "/calendarView/delta?startDateTime=" + GraphWire.utcQueryTime(window.start)
            + "&endDateTime=" + GraphWire.utcQueryTime(until)
        do {
            return try deltaRound(from: url, mode: .full, until: until)
        } catch is ResyncRequired {
            throw CalendarError(.temporary, "Microsoft Graph refused a new delta round of \(GraphWire.redactedPath(url)) (resync required)")
        }
    }

    private struct ResyncRequired: Error {}

    private enum State {
        case busy(ExternalEvent)
        case removed
    }

    private func deltaRound(from first: String, mode: BusyFetch.Mode, until: Timestamp) throws -> BusyFetch {
        var url = first
        var order: [String] = []
        var states: [String: State] = [:]
        var seen: Set<String> = []
        // Two Prefer headers, as in Microsoft's examples (one combined header is equivalent, RFC 7240).
        let prefer = [("Prefer", "outlook.timezone=\"UTC\""), ("Prefer", "odata.maxpagesize=\(pageSize)"), ("Accept", "application/json")]
        while true {
            guard seen.insert(url).inserted else {
                throw CalendarError(.temporary, "Microsoft Graph sent the same page link twice in a delta round of \(GraphWire.redactedPath(first))")
            }
            let response = try authorized("GET", url, headers: prefer)
            if response.status == 410 { throw ResyncRequired() }
            if (400...499).contains(response.status), let code = GraphErrorBody.code(of: response)?.lowercased(),
               code.contains("syncstate") || code.contains("resyncrequired") {
                throw ResyncRequired()
            }
            guard response.status == 200 else { throw failure("GET", url, response) }
            guard let page = GraphWire.decode(GraphPage<GraphEventItem>.self, from: response) else {
                throw CalendarError(.temporary, "Microsoft Graph GET \(GraphWire.redactedPath(url)): the answer is not a readable delta page")
            }
            for item in page.value {
                if states[item.id] == nil { order.append(item.id) }
                states[item.id] = try state(of: item, url: url)
            }
            if let next = page.nextLink {
                guard next.hasPrefix(graphBase + "/") else {
                    throw CalendarError(.temporary, "Microsoft Graph sent a page link outside \(graphBase)")
                }
                url = next
                continue
            }
            guard let deltaLink = page.deltaLink, deltaLink.hasPrefix(graphBase + "/") else {
                throw CalendarError(.temporary, "Microsoft Graph ended a delta round of \(GraphWire.redactedPath(first)) without a usable deltaLink")
            }
            var events: [ExternalEvent] = []
            var removed: [String] = []
            for id in order {
                switch states[id] {
                case .busy(let event): events.append(event)
                case .removed: removed.append(id)
                case nil: break
                }
            }
            return BusyFetch(mode: mode, events: events, removedIDs: mode == .incremental ? removed : [],
                             nextSyncToken: GraphDeltaToken(link: deltaLink, until: until).text)
        }
    }

    /// A row's meaning: removed, cancelled, free or empty → not busy; otherwise its busy span.
    private func state(of item: GraphEventItem, url: String) throws -> State {
        if item.removed != nil || item.isCancelled == true || item.showAs?.lowercased() == "free" { return .removed }
        guard let start = item.start, let end = item.end else {
            throw CalendarError(.temporary, "Microsoft Graph GET \(GraphWire.redactedPath(url)): an event without start or end")
        }
        let span: (Timestamp, Timestamp)?
        if item.isAllDay == true {
            span = GraphWire.date(start).flatMap { first in
                GraphWire.date(end).map { last in
                    let through = last > first ? last : first.adding(days: 1)
                    return (zone.firstInstant(on: first, minuteOfDay: 0), zone.firstInstant(on: through, minuteOfDay: 0))
                }
            }
        } else {
            span = GraphWire.instant(start, zone: zone).flatMap { from in GraphWire.instant(end, zone: zone).map { (from, $0) } }
        }
        guard let (from, to) = span else {
            throw CalendarError(.temporary, "Microsoft Graph GET \(GraphWire.redactedPath(url)): an event time that cannot be read")
        }
        guard from < to else { return .removed }
        return .busy(ExternalEvent(id: item.id, summary: item.subject, start: from, end: to))
    }

    // MARK: - Export

    public func putEvent(_ event: BookingEvent, existingID: String?) throws -> String {
        let body = GraphEventBody(subject: event.summary, body: .init(contentType: "text", content: event.description),
                                  start: GraphDateTimeZone(dateTime: GraphWire.utcWallTime(event.start), timeZone: "UTC"),
                                  end: GraphDateTimeZone(dateTime: GraphWire.utcWallTime(event.end), timeZone: "UTC"),
                                  showAs: "busy", transactionId: existingID == nil ? event.bookingID : nil)
        let json = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let existingID {
            let url = graphBase + "/v1.0/me/events/" + GraphWire.pathSegment(existingID)
            let response = try authorized("PATCH", url, headers: json, body: GraphWire.encode(body))
            if response.status == 404 {
                throw CalendarError(.notFound, "Microsoft Graph PATCH /v1.0/me/events/…: the event no longer exists")
            }
            guard (200...299).contains(response.status) else { throw failure("PATCH", url, response) }
            return GraphWire.decode(GraphCreatedEvent.self, from: response)?.id ?? existingID
        }
        let url = graphBase + calendarRoot + "/events"
        let response = try authorized("POST", url, headers: json, body: GraphWire.encode(body))
        guard (200...299).contains(response.status) else { throw failure("POST", url, response) }
        guard let created = GraphWire.decode(GraphCreatedEvent.self, from: response), !created.id.isEmpty else {
            throw CalendarError(.temporary, "Microsoft Graph POST \(GraphWire.redactedPath(url)): the answer carries no event id")
        }
        return created.id
    }

    public func deleteEvent(id: String) throws {
        let url = graphBase + "/v1.0/me/events/" + GraphWire.pathSegment(id)
        let response = try authorized("DELETE", url)
        if (200...299).contains(response.status) || response.status == 404 || response.status == 410 { return }
        throw failure("DELETE", url, response)
    }

    // MARK: - Requests

    private var calendarRoot: String {
        calendarID.map { "/v1.0/me/calendars/" + GraphWire.pathSegment($0) } ?? "/v1.0/me"
    }

    /// Sends with the access token, refreshing it first when it has expired (or expires within a
    /// minute), or once after a 401.
    private func authorized(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> HTTPResponse {
        var refreshed = false
        if let expiresAt = credentials.expiresAt, expiresAt <= now.adding(seconds: 60) {
            try refresh()
            refreshed = true
        }
        var response = try send(method, url, headers: headers + [("Authorization", "Bearer " + credentials.accessToken)], body: body)
        guard response.status == 401 else { return response }
        if !refreshed {
            try refresh()
            response = try send(method, url, headers: headers + [("Authorization", "Bearer " + credentials.accessToken)], body: body)
            guard response.status == 401 else { return response }
        }
        throw CalendarError(.revoked, "Microsoft Graph \(method) \(GraphWire.redactedPath(url)) refused a freshly refreshed access token (401): \(Self.reconnectHint)")
    }

    private func send(_ method: String, _ url: String, headers: [(String, String)], body: [UInt8]?) throws -> HTTPResponse {
        do {
            return try exchange.send(method, url, headers: headers, body: body)
        } catch {
            throw CalendarError(.temporary, "Microsoft Graph \(error.description)")
        }
    }

    private func refresh() throws {
        guard let refreshToken = credentials.refreshToken, !refreshToken.isEmpty else {
            throw CalendarError(.revoked, "the Microsoft access token expired and no refresh token is stored: \(Self.reconnectHint)")
        }
        let endpoint = GraphTokenEndpoint(exchange: exchange, loginBase: loginBase)
        let outcome: GraphTokenEndpoint.Outcome
        do {
            outcome = try endpoint.request([("client_id", clientID), ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                                            ("scope", Self.refreshScope)])
        } catch {
            throw CalendarError(.temporary, "Microsoft sign-in \(error.description)")
        }
        switch outcome {
        case .granted(let access, let rotated, let expiresIn):
            credentials = CalendarCredentials(accessToken: access, refreshToken: rotated ?? refreshToken, expiresAt: now.adding(seconds: Int64(expiresIn)))
            renewedCredentials = credentials
        case .refused(let code) where GraphTokenEndpoint.reauthorizationErrors.contains(code):
            throw CalendarError(.revoked, "Microsoft refused to refresh the access token (\(code)): the grant was revoked or has expired; \(Self.reconnectHint)")
        case .refused(let code):
            throw CalendarError(.temporary, "Microsoft refused to refresh the access token (\(code))")
        }
    }

    /// An answer that is neither success nor handled by the caller.
    private func failure(_ method: String, _ url: String, _ response: HTTPResponse) -> CalendarError {
        let code = GraphErrorBody.code(of: response).map { " \($0)" } ?? ""
        let what = "Microsoft Graph \(method) \(GraphWire.redactedPath(url)): HTTP \(response.status)\(code)"
        switch response.status {
        case 403: return CalendarError(.revoked, "\(what), access to the calendar was refused; \(Self.reconnectHint)")
        case 404 where method == "GET" || method == "POST": return CalendarError(.revoked, "\(what), the calendar no longer exists; \(Self.reconnectHint) --calendar NAME")
        default: return CalendarError(.temporary, what)
        }
    }

    private static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}

/// The sync token: a deltaLink and how far its round reaches, `<deltaLink>#artisan-until=<UTC>`.
struct GraphDeltaToken: Equatable {
    static let marker = "#artisan-until="

    let link: String
    let until: Timestamp

    init(link: String, until: Timestamp) {
        self.link = link
        self.until = until
    }

    init?(_ text: String) {
        // The last marker: the link before it is Graph's, verbatim.
        let characters = Array(text), marker = Array(Self.marker)
        guard characters.count > marker.count,
              let start = stride(from: characters.count - marker.count, through: 0, by: -1).first(where: { Array(characters[$0..<$0 + marker.count]) == marker }),
              let until = Timestamp(iso8601: String(characters[(start + marker.count)...])) else { return nil }
        link = String(characters[..<start])
        self.until = until
    }

    var text: String { link + Self.marker + GraphWire.utcQueryTime(until) }
}
