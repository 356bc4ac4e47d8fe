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
/// - A delta round's window is fixed by its first request: the sync asks for a full round again
///   once its horizon passes the reach of the last one (`CalendarSyncService`).
/// - Export: `POST /me/events` (or `/me/calendars/{id}/events`) with `transactionId` = the booking
///   id, so a retried POST does not create a second event; `PATCH` and `DELETE /me/events/{id}`.
/// - Auth and failures: the shared OAuth behaviour (`OAuthSession`, `ProviderAnswer`), refreshing
///   at `{loginBase}/common/oauth2/v2.0/token`; the rotated refresh token is kept in
///   `renewedCredentials`. Error descriptions show methods, paths and error codes only, never a token.
public final class GraphCalendarProvider: CalendarProvider {
    public let id: CalendarProviderID = .outlook
    /// Set when this run refreshed the access token: store it (it carries the new refresh token).
    public var renewedCredentials: CalendarCredentials? { session.renewed }

    /// The scope asked for when refreshing.
    public static let refreshScope = "offline_access Calendars.ReadWrite"
    /// What a revoked grant tells the user to run.
    public static let reconnectHint = "reconnect with `artisanctl calendars connect outlook`"
    static let service = RemoteService(name: "Microsoft Graph", reconnect: reconnectHint)

    private let session: OAuthSession
    private let calendarID: String?
    private let graphBase: String
    private let zone: ZoneRules
    private let pageSize: Int

    /// - Parameters:
    ///   - calendarID: nil for the default calendar.
    ///   - graphBase: `GRAPH_API_BASE` (without `/v1.0`); `loginBase`: `MS_LOGIN_BASE`.
    ///   - zone: the artisan's zone, for all-day events.
    ///   - requestTimeout: seconds, for every request.
    ///   - pageSize: `odata.maxpagesize`.
    public init(transport: any HTTPTransport, credentials: CalendarCredentials, clientID: String, calendarID: String? = nil,
                graphBase: String = "https://graph.microsoft.com", loginBase: String = "https://login.microsoftonline.com",
                zone: ZoneRules, now: Timestamp, requestTimeout: Int = 20, pageSize: Int = 100) {
        self.calendarID = calendarID
        self.graphBase = Self.trimmed(graphBase)
        self.zone = zone
        self.pageSize = max(1, pageSize)
        let refresher = GraphRefresher(endpoint: GraphTokenEndpoint(exchange: GraphExchange(transport: transport, timeout: requestTimeout),
                                                                    loginBase: Self.trimmed(loginBase)), clientID: clientID)
        session = OAuthSession(service: Self.service, credentials: credentials, transport: transport, refresher: refresher, now: now,
                               timeout: requestTimeout)
    }

    // MARK: - Import

    public func fetchBusy(window: Interval, syncToken: String?) throws -> BusyFetch {
        if let syncToken, syncToken.hasPrefix(graphBase + "/") {
            do {
                return try deltaRound(from: syncToken, mode: .incremental)
            } catch is ResyncRequired {
                // The token expired or was refused: a full round below.
            }
        }
        // Whole seconds (the query carries no fraction), the end rounded up.
        let end = Timestamp(secondsSinceEpoch: window.end.secondsSinceEpoch + (window.end.microseconds % 1_000_000 == 0 ? 0 : 1))
        let url = graphBase + calendarRoot + "/calendarView/delta?startDateTime=" + GraphWire.utcQueryTime(window.start)
            + "&endDateTime=" + GraphWire.utcQueryTime(end)
        do {
            return try deltaRound(from: url, mode: .full)
        } catch is ResyncRequired {
            throw CalendarError(.temporary, "Microsoft Graph refused a new delta round of \(GraphWire.redactedPath(url)) (resync required)")
        }
    }

    private struct ResyncRequired: Error {}

    private enum State {
        case busy(ExternalEvent)
        case removed
    }

    private func deltaRound(from first: String, mode: BusyFetch.Mode) throws -> BusyFetch {
        var url = first
        var order: [String] = []
        var states: [String: State] = [:]
        var cursor = PageCursor(service: Self.service, what: "a delta round of \(GraphWire.redactedPath(first))")
        // Two Prefer headers, as in Microsoft's examples (one combined header is equivalent, RFC 7240).
        let prefer = [("Prefer", "outlook.timezone=\"UTC\""), ("Prefer", "odata.maxpagesize=\(pageSize)"), ("Accept", "application/json")]
        while true {
            let response = try send("GET", url, headers: prefer)
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
                try cursor.advance(to: next)
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
                             nextSyncToken: deltaLink)
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
            let response = try send("PATCH", url, headers: json, body: GraphWire.encode(body))
            if response.status == 404 {
                throw CalendarError(.notFound, "Microsoft Graph PATCH /v1.0/me/events/…: the event no longer exists")
            }
            guard (200...299).contains(response.status) else { throw failure("PATCH", url, response) }
            return GraphWire.decode(GraphCreatedEvent.self, from: response)?.id ?? existingID
        }
        let url = graphBase + calendarRoot + "/events"
        let response = try send("POST", url, headers: json, body: GraphWire.encode(body))
        guard (200...299).contains(response.status) else { throw failure("POST", url, response) }
        guard let created = GraphWire.decode(GraphCreatedEvent.self, from: response), !created.id.isEmpty else {
            throw CalendarError(.temporary, "Microsoft Graph POST \(GraphWire.redactedPath(url)): the answer carries no event id")
        }
        return created.id
    }

    public func deleteEvent(id: String) throws {
        let url = graphBase + "/v1.0/me/events/" + GraphWire.pathSegment(id)
        let response = try send("DELETE", url)
        if (200...299).contains(response.status) || response.status == 404 || response.status == 410 { return }
        throw failure("DELETE", url, response)
    }

    // MARK: - Requests

    private var calendarRoot: String {
        calendarID.map { "/v1.0/me/calendars/" + GraphWire.pathSegment($0) } ?? "/v1.0/me"
    }

    private func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> HTTPResponse {
        try session.send(method, url, headers: headers, body: body, what: "\(method) \(GraphWire.redactedPath(url))")
    }

    /// An answer that is neither success nor handled by the caller: the shared meaning of its status.
    private func failure(_ method: String, _ url: String, _ response: HTTPResponse) -> CalendarError {
        ProviderAnswer.failure(response.status, service: Self.service, what: "\(method) \(GraphWire.redactedPath(url))",
                               code: GraphErrorBody.code(of: response))
    }

    private static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}

/// The refresh-token grant at Microsoft's identity platform (a public client: no secret).
struct GraphRefresher: TokenRefresher {
    let endpoint: GraphTokenEndpoint
    let clientID: String

    func refresh(_ refreshToken: String, now: Timestamp) throws -> CalendarCredentials {
        let outcome: GraphTokenEndpoint.Refreshed
        do {
            outcome = try endpoint.refresh(refreshToken, clientID: clientID, scope: GraphCalendarProvider.refreshScope, now: now)
        } catch {
            throw CalendarError(.temporary, "Microsoft sign-in \(error.description)")
        }
        switch outcome {
        case .granted(let credentials):
            return credentials
        case .refused(let code, let status):
            throw ProviderAnswer.tokenFailure(status, service: RemoteService(name: "Microsoft sign-in", reconnect: GraphCalendarProvider.reconnectHint),
                                              what: "to refresh the access token", code: code)
        }
    }
}
