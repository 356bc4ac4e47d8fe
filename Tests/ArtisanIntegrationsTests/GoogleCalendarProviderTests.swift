import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing

/// The Google Calendar client against Tests/Fixtures/fake_google.py: import (paging, recurrences,
/// all-day, free and cancelled events, sync tokens), token refresh and every failure the sync must
/// survive, export (idempotent insert, move, delete), and the connect flow's pieces.
@Suite("Google Calendar provider")
struct GoogleCalendarProviderTests {
    typealias T = GoogleTestData

    // MARK: - Import

    @Test("seven events with maxResults 3: three pages followed, every event once, a sync token from the last page")
    func paging() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let events = (1...7).map { day in
            T.timed("ev\(day)0000", "2026-03-1\(day)T10:00:00+01:00", "2026-03-1\(day)T11:30:00+01:00", summary: "RDV \(day)")
        }
        try fake.control(["events": events])
        let fetch = try T.provider(fake, pageSize: 3).fetchBusy(window: T.window, syncToken: nil)
        #expect(fetch.mode == .full)
        #expect(fetch.events.map(\.id) == (1...7).map { "ev\($0)0000" })
        #expect(fetch.events[0] == ExternalEvent(id: "ev10000", summary: "RDV 1", start: T.instant("2026-03-11T09:00:00Z"), end: T.instant("2026-03-11T10:30:00Z")))
        #expect(fetch.nextSyncToken?.isEmpty == false)
        let requests = try fake.requests(path: "/events")
        #expect(requests.count == 3)
        #expect(requests[0].path == "/calendar/v3/calendars/primary/events")
        #expect(requests[0].parameter("singleEvents") == "true")
        #expect(requests[0].parameter("maxResults") == "3")
        #expect(requests[0].parameter("timeMin") == "2026-02-28T23:00:00Z")
        #expect(requests[0].parameter("timeMax") == "2026-04-30T22:00:00Z")
        #expect(requests[0].authorization == "Bearer " + GoogleFake.accessToken)
        #expect(requests[1].parameter("pageToken") != nil && requests[2].parameter("pageToken") != requests[1].parameter("pageToken"))
    }

    @Test("a weekly recurring event comes expanded, one block per instance, at 09:00 Paris on both sides of the DST change")
    func recurring() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [T.timed("weekly0001", "2026-03-16T09:00:00+01:00", "2026-03-16T10:00:00+01:00", summary: "Cours",
                                             extra: ["recurrence": ["RRULE:FREQ=WEEKLY;COUNT=10"]])]])
        let window = Interval(start: T.instant("2026-03-01T00:00:00+01:00"), end: T.instant("2026-04-07T00:00:00+02:00"))
        let fetch = try T.provider(fake).fetchBusy(window: window, syncToken: nil)
        #expect(fetch.events.map(\.start) == [T.instant("2026-03-16T08:00:00Z"), T.instant("2026-03-23T08:00:00Z"),
                                              T.instant("2026-03-30T07:00:00Z"), T.instant("2026-04-06T07:00:00Z")])
        #expect(fetch.events.allSatisfy { $0.end == $0.start.adding(minutes: 60) })
        #expect(Set(fetch.events.map(\.id)).count == 4)
        #expect(fetch.events.allSatisfy { $0.id.hasPrefix("weekly0001_") })
    }

    @Test("all-day events block whole local days in Europe/Paris, the end date exclusive, a 23-hour day on the DST change")
    func allDay() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [T.allDay("holiday01", "2026-03-20", "2026-03-22"), T.allDay("dstday01", "2026-03-29", "2026-03-30")]])
        let fetch = try T.provider(fake).fetchBusy(window: T.window, syncToken: nil)
        #expect(fetch.events == [
            ExternalEvent(id: "holiday01", summary: "Congés", start: T.instant("2026-03-19T23:00:00Z"), end: T.instant("2026-03-21T23:00:00Z")),
            ExternalEvent(id: "dstday01", summary: "Congés", start: T.instant("2026-03-28T23:00:00Z"), end: T.instant("2026-03-29T22:00:00Z")),
        ])
    }

    @Test("transparent (free) events are not busy; cancelled ones in a full listing are ignored too")
    func freeAndCancelled() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [
            T.timed("busy000001", "2026-03-12T10:00:00+01:00", "2026-03-12T11:00:00+01:00"),
            T.timed("free000001", "2026-03-12T14:00:00+01:00", "2026-03-12T15:00:00+01:00", extra: ["transparency": "transparent"]),
            T.timed("opaque0001", "2026-03-13T14:00:00+01:00", "2026-03-13T15:00:00+01:00", extra: ["transparency": "opaque"]),
        ]])
        let fetch = try T.provider(fake).fetchBusy(window: T.window, syncToken: nil)
        #expect(fetch.events.map(\.id) == ["busy000001", "opaque0001"])

        // Google can list cancelled exceptions of a recurring event even without showDeleted: a page
        // holding one (as Google writes it) must not turn it into busy time.
        let page = #"{"kind":"calendar#events","items":[{"id":"r1_20260317T090000Z","status":"cancelled","recurringEventId":"r1"},"#
            + #"{"id":"ok1","status":"confirmed","start":{"dateTime":"2026-03-17T12:00:00+01:00"},"end":{"dateTime":"2026-03-17T13:00:00+01:00"}},"#
            + #"{"id":"cx1","status":"cancelled","start":{"dateTime":"2026-03-18T12:00:00+01:00"},"end":{"dateTime":"2026-03-18T13:00:00+01:00"}}],"#
            + #""nextSyncToken":"s1"}"#
        try fake.control(["fail": [["path": "/events", "status": 200, "body": page]]])
        let injected = try T.provider(fake).fetchBusy(window: T.window, syncToken: nil)
        #expect(injected.events.map(\.id) == ["ok1"])
        #expect(injected.removedIDs.isEmpty)
        #expect(injected.nextSyncToken == "s1")
    }

    @Test("with the sync token only the changes come back: a new event (even outside the window), cancelled and deleted ones as removed")
    func incremental() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [
            T.timed("keep000001", "2026-03-12T10:00:00+01:00", "2026-03-12T11:00:00+01:00"),
            T.timed("gone000001", "2026-03-13T10:00:00+01:00", "2026-03-13T11:00:00+01:00"),
            T.timed("weekly0001", "2026-03-16T09:00:00+01:00", "2026-03-16T10:00:00+01:00", extra: ["recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"]]),
        ]])
        let provider = T.provider(fake)
        let first = try provider.fetchBusy(window: T.window, syncToken: nil)
        #expect(first.events.count == 5)
        let token = try #require(first.nextSyncToken)

        try fake.control([
            "events": [T.timed("new0000001", "2026-03-20T15:00:00+01:00", "2026-03-20T16:00:00+01:00"),
                       T.timed("later00001", "2026-09-01T10:00:00+02:00", "2026-09-01T11:00:00+02:00")],
            "cancel": ["gone000001", "weekly0001_20260323T080000Z"],
        ])
        try provider.deleteEvent(id: "keep000001")
        let second = try provider.fetchBusy(window: T.window, syncToken: token)
        #expect(second.mode == .incremental)
        #expect(second.events.map(\.id) == ["new0000001", "later00001"])
        #expect(Set(second.removedIDs) == ["gone000001", "weekly0001_20260323T080000Z", "keep000001"])
        #expect(second.nextSyncToken != nil && second.nextSyncToken != token)

        let listing = try fake.requests(path: "/events").filter { $0.method == "GET" }.last
        #expect(listing?.parameter("syncToken") == token)
        #expect(listing?.parameter("timeMin") == nil && listing?.parameter("timeMax") == nil)
        #expect(listing?.parameter("singleEvents") == "true")

        let third = try provider.fetchBusy(window: T.window, syncToken: second.nextSyncToken)
        #expect(third.mode == .incremental && third.events.isEmpty && third.removedIDs.isEmpty)
    }

    @Test("a refused sync token (410) is dropped: a full fetch follows, with a new token")
    func fullResync() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [T.timed("a000000001", "2026-03-12T10:00:00+01:00", "2026-03-12T11:00:00+01:00")]])
        let provider = T.provider(fake)
        let first = try provider.fetchBusy(window: T.window, syncToken: nil)
        try fake.control(["invalidateSyncTokens": true, "events": [T.timed("b000000001", "2026-03-13T10:00:00+01:00", "2026-03-13T11:00:00+01:00")]])
        let token = try #require(first.nextSyncToken)
        let fetch = try provider.fetchBusy(window: T.window, syncToken: token)
        #expect(fetch.mode == .full)
        #expect(fetch.events.map(\.id) == ["a000000001", "b000000001"])
        #expect(fetch.nextSyncToken != nil && fetch.nextSyncToken != first.nextSyncToken)
        let listings = try fake.requests(path: "/events")
        #expect(listings.count == 3)
        #expect(listings[1].parameter("syncToken") == token)
        #expect(listings[2].parameter("syncToken") == nil && listings[2].parameter("timeMin") != nil)
    }

    // MARK: - Tokens

    @Test("a 401 refreshes the access token once and repeats the request; the renewed credentials are kept for storing")
    func refreshAfter401() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [T.timed("a000000001", "2026-03-12T10:00:00+01:00", "2026-03-12T11:00:00+01:00")], "expireAccessToken": true])
        let provider = T.provider(fake)
        #expect(provider.renewedCredentials == nil)
        let fetch = try provider.fetchBusy(window: T.window, syncToken: nil)
        #expect(fetch.events.map(\.id) == ["a000000001"])
        let renewed = try #require(provider.renewedCredentials)
        #expect(renewed.accessToken != GoogleFake.accessToken && renewed.accessToken.hasPrefix("fake-access-"))
        #expect(renewed.refreshToken == GoogleFake.refreshToken)
        #expect(renewed.expiresAt == T.now.adding(seconds: 3599))

        let tokenRequests = try fake.requests(path: "/token")
        #expect(tokenRequests.count == 1)
        let form = tokenRequests[0].body
        #expect(form.contains("grant_type=refresh_token") && form.contains("refresh_token=fake-refresh-0"))
        #expect(form.contains("client_id=fake-client-id.apps.googleusercontent.com") && form.contains("client_secret=fake-client-secret"))
        let listings = try fake.requests(path: "/events")
        #expect(listings.map(\.authorization) == ["Bearer fake-access-0", "Bearer " + renewed.accessToken])
    }

    @Test("an access token already expired by the clock is refreshed before the first request")
    func refreshWhenExpired() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let expired = CalendarCredentials(accessToken: "stale-token", refreshToken: GoogleFake.refreshToken, expiresAt: T.now.adding(seconds: -10))
        let provider = T.provider(fake, credentials: expired)
        _ = try provider.fetchBusy(window: T.window, syncToken: nil)
        let renewed = try #require(provider.renewedCredentials)
        let log = try fake.requests()
        #expect(log.map(\.path) == ["/token", "/calendar/v3/calendars/primary/events"])
        #expect(log[1].authorization == "Bearer " + renewed.accessToken)
    }

    @Test("a revoked grant (refresh answered invalid_grant) is .revoked, and the message carries no token")
    func revoked() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["revoke": true])
        let error = #expect(throws: CalendarError.self) { try T.provider(fake).fetchBusy(window: T.window, syncToken: nil) }
        #expect(error?.kind == .revoked)
        #expect(error?.description.contains("invalid_grant") == true)
        #expect(error?.description.contains("connect google") == true)
        #expect(error.map { !$0.description.contains("fake-refresh") && !$0.description.contains("fake-access") && !$0.description.contains("fake-client-secret") } == true)
    }

    @Test("a 401 again with the freshly refreshed token is .revoked")
    func unauthorizedAfterRefresh() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/events", "status": 401, "times": 2]]])
        let provider = T.provider(fake)
        let error = #expect(throws: CalendarError.self) { try provider.fetchBusy(window: T.window, syncToken: nil) }
        #expect(error?.kind == .revoked)
        #expect(try fake.requests(path: "/token").count == 1)
        #expect(provider.renewedCredentials != nil)
    }

    // MARK: - Failures

    @Test("429 with Retry-After is waited out as asked, then the listing succeeds")
    func rateLimited() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [T.timed("a000000001", "2026-03-12T10:00:00+01:00", "2026-03-12T11:00:00+01:00")],
                          "fail": [["path": "/events", "status": 429, "retryAfter": 7, "times": 1]]])
        let waits = GoogleWaitRecorder()
        let fetch = try T.provider(fake, waits: waits).fetchBusy(window: T.window, syncToken: nil)
        #expect(fetch.events.map(\.id) == ["a000000001"])
        #expect(waits.values == [7])
        #expect(try fake.requests(path: "/events").count == 2)
    }

    @Test("a 500 on every try is .temporary after three tries")
    func serverError() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/events", "status": 500, "times": -1]]])
        let waits = GoogleWaitRecorder()
        let error = #expect(throws: CalendarError.self) { try T.provider(fake, waits: waits).fetchBusy(window: T.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
        #expect(error?.description.contains("500") == true)
        #expect(try fake.requests(path: "/events").count == 3)
        #expect(waits.values.count == 2)
    }

    @Test("a 403 rateLimitExceeded is .temporary; a 403 without it means the grant does not reach the calendar")
    func forbidden() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/events", "status": 403, "times": 1]]])
        let limited = #expect(throws: CalendarError.self) { try T.provider(fake).fetchBusy(window: T.window, syncToken: nil) }
        #expect(limited?.kind == .temporary)
        let body = #"{"error":{"code":403,"message":"Forbidden","errors":[{"domain":"global","reason":"forbidden"}]}}"#
        try fake.control(["fail": [["path": "/events", "status": 403, "body": body, "times": 1]]])
        let refused = #expect(throws: CalendarError.self) { try T.provider(fake).fetchBusy(window: T.window, syncToken: nil) }
        #expect(refused?.kind == .revoked)
    }

    @Test("a hung request is .temporary within the request timeout (three tries of one second)")
    func hung() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/events", "hang": 6, "times": -1]]])
        let error = #expect(throws: CalendarError.self) { try T.provider(fake, requestTimeout: 1).fetchBusy(window: T.window, syncToken: "sync-secret-1") }
        #expect(error?.kind == .temporary)
        #expect(error?.description.contains("no answer within 1 s") == true)
        #expect(error.map { !$0.description.contains("sync-secret-1") && !$0.description.contains(GoogleFake.accessToken) } == true)
        #expect(try fake.requests(path: "/events").count == 3)
    }

    @Test("malformed JSON is .temporary; an unreachable server too")
    func malformed() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["events": [T.timed("a000000001", "2026-03-12T10:00:00+01:00", "2026-03-12T11:00:00+01:00")],
                          "fail": [["path": "/events", "malformed": true, "times": 1]]])
        let error = #expect(throws: CalendarError.self) { try T.provider(fake).fetchBusy(window: T.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
        #expect(error?.description.contains("malformed") == true)
        // The next run reads it fine: nothing was left half done.
        #expect(try T.provider(fake).fetchBusy(window: T.window, syncToken: nil).events.count == 1)

        let nowhere = GoogleCalendarProvider(transport: CurlTransport(), credentials: T.validCredentials, clientID: "x", clientSecret: "y",
                                             calendarID: "primary", apiBase: "http://127.0.0.1:1", oauthBase: "http://127.0.0.1:1",
                                             zone: T.paris, now: T.now, requestTimeout: 2)
        let unreachable = #expect(throws: CalendarError.self) { try nowhere.fetchBusy(window: T.window, syncToken: nil) }
        #expect(unreachable?.kind == .temporary)
    }

    @Test("a failure on the second page fails the whole fetch: nothing partial is returned")
    func failureMidListing() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let events = (1...5).map { T.timed("ev\($0)0000", "2026-03-1\($0)T10:00:00+01:00", "2026-03-1\($0)T11:00:00+01:00") }
        // The first page is served, every later request fails.
        try fake.control(["events": events, "fail": [["path": "/events", "pass": true, "times": 1], ["path": "/events", "status": 503, "times": -1]]])
        let provider = T.provider(fake, pageSize: 2)
        let error = #expect(throws: CalendarError.self) { try provider.fetchBusy(window: T.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
        let listings = try fake.requests(path: "/events")
        #expect(listings.count == 4)
        #expect(listings[0].parameter("pageToken") == nil && listings[1].parameter("pageToken") != nil)
    }

    // MARK: - Export

    static let booking = BookingEvent(
        bookingID: "0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f", uid: "booking-0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f@artisanconnect",
        summary: "Pose de carrelage – Marie Curie (AC-7K2Q)", description: "Réservation AC-7K2Q\nClient : Marie Curie <marie@example.com>",
        start: Timestamp(iso8601: "2026-03-18T10:00:00+01:00")!, end: Timestamp(iso8601: "2026-03-18T12:00:00+01:00")!, timezone: "Europe/Paris")

    @Test("the event id comes from the booking id: base32hex, 5 to 1024 characters, the same every time")
    func eventIDs() {
        let id = GoogleCalendarProvider.eventID(forBookingID: Self.booking.bookingID)
        #expect(id == "bk0b9d1c8e3f2a4c559e0d7a1b2c3d4e5f")
        let other = GoogleCalendarProvider.eventID(forBookingID: "Booking #42")
        for candidate in [id, other] {
            #expect((5...1024).contains(candidate.count))
            #expect(candidate.allSatisfy { ("a"..."v").contains($0) || ("0"..."9").contains($0) })
        }
        #expect(other == GoogleCalendarProvider.eventID(forBookingID: "Booking #42") && other != id)
    }

    @Test("a new booking becomes an event with our id, its summary, description and local times with the zone")
    func create() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let id = try T.provider(fake).putEvent(Self.booking, existingID: nil)
        #expect(id == "bk0b9d1c8e3f2a4c559e0d7a1b2c3d4e5f")
        let stored = try #require(try fake.events()[id])
        #expect(stored["summary"] as? String == Self.booking.summary)
        #expect(stored["description"] as? String == Self.booking.description)
        #expect(stored["start"] as? [String: String] == ["dateTime": "2026-03-18T10:00:00+01:00", "timeZone": "Europe/Paris"])
        #expect(stored["end"] as? [String: String] == ["dateTime": "2026-03-18T12:00:00+01:00", "timeZone": "Europe/Paris"])
        let insert = try #require(try fake.requests(path: "/events").first)
        #expect(insert.method == "POST" && insert.parameter("sendUpdates") == "none")
    }

    @Test("putting the same booking again after a crash (no stored id) updates the event instead of adding one")
    func idempotentRerun() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let first = try T.provider(fake).putEvent(Self.booking, existingID: nil)
        let renamed = BookingEvent(bookingID: Self.booking.bookingID, uid: Self.booking.uid, summary: "Renamed", description: Self.booking.description,
                                   start: Self.booking.start, end: Self.booking.end, timezone: "Europe/Paris")
        let second = try T.provider(fake).putEvent(renamed, existingID: nil)
        #expect(first == second)
        let events = try fake.events()
        #expect(events.count == 1)
        #expect(events[first]?["summary"] as? String == "Renamed")
        #expect(try fake.requests(path: "/events").map(\.method) == ["POST", "POST", "PATCH"])
    }

    @Test("a rescheduled booking's event is moved through its stored id; a cancelled one deleted; deleting twice or a missing event is fine")
    func moveAndDelete() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let provider = T.provider(fake)
        let id = try provider.putEvent(Self.booking, existingID: nil)
        let moved = BookingEvent(bookingID: Self.booking.bookingID, uid: Self.booking.uid, summary: Self.booking.summary, description: Self.booking.description,
                                 start: T.instant("2026-04-02T14:00:00+02:00"), end: T.instant("2026-04-02T16:00:00+02:00"), timezone: "Europe/Paris")
        #expect(try provider.putEvent(moved, existingID: id) == id)
        let stored = try #require(try fake.events()[id])
        #expect((stored["start"] as? [String: String])?["dateTime"] == "2026-04-02T14:00:00+02:00")
        #expect((stored["end"] as? [String: String])?["dateTime"] == "2026-04-02T16:00:00+02:00")
        #expect(try fake.events().count == 1)

        try provider.deleteEvent(id: id)
        #expect(try fake.events()[id]?["status"] as? String == "cancelled")
        try provider.deleteEvent(id: id)  // 410 deleted
        try provider.deleteEvent(id: "neverexisted1")  // 404
        let deletes = try fake.requests(path: "/events/").filter { $0.method == "DELETE" }
        #expect(deletes.count == 3)

        let missing = #expect(throws: CalendarError.self) { try provider.putEvent(moved, existingID: "neverexisted1") }
        #expect(missing?.kind == .notFound)
    }

    @Test("a booking re-exported after its event was deleted brings the same event back (409, then a confirming patch)")
    func recreateAfterDelete() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let provider = T.provider(fake)
        let id = try provider.putEvent(Self.booking, existingID: nil)
        try provider.deleteEvent(id: id)
        #expect(try provider.putEvent(Self.booking, existingID: nil) == id)
        #expect(try fake.events()[id]?["status"] as? String == "confirmed")
    }

    @Test("writes to a calendar other than primary go to its percent-encoded id")
    func otherCalendar() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let calendar = "c_travaux@group.calendar.google.com"
        let id = try T.provider(fake, calendarID: calendar).putEvent(Self.booking, existingID: nil)
        #expect(try fake.events(calendar: calendar)[id] != nil)
        #expect(try fake.events()[id] == nil)
        #expect(try fake.requests(path: "/events").first?.path == "/calendar/v3/calendars/c_travaux%40group.calendar.google.com/events")
    }

    // MARK: - Connect flow

    static func flow(_ fake: GoogleFake, clientSecret: String = GoogleFake.clientSecret) -> GoogleConnectFlow {
        GoogleConnectFlow(transport: CurlTransport(), clientID: GoogleFake.clientID, clientSecret: clientSecret,
                          endpoints: GoogleEndpoints(api: fake.url, oauth: fake.url, accounts: fake.url), now: T.now, requestTimeout: 5)
    }

    @Test("PKCE S256 matches RFC 7636's appendix B; generated verifiers are 43 base64url characters, each new")
    func pkce() {
        let pair = GooglePKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pair.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let generated = GooglePKCE.generate()
        #expect(generated.verifier.count == 43)
        #expect(generated.verifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(generated != GooglePKCE.generate())
        #expect(GoogleConnectFlow.randomState() != GoogleConnectFlow.randomState())
    }

    @Test("the consent URL carries every parameter Google's installed-app flow needs")
    func authorizationURL() throws {
        let flow = GoogleConnectFlow(transport: CurlTransport(), clientID: "id 1", clientSecret: "s", now: T.now)
        let url = flow.authorizationURL(redirectURI: "http://127.0.0.1:4567", state: "st", pkce: GooglePKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        let components = try #require(URLComponents(string: url))
        #expect(url.hasPrefix("https://accounts.google.com/o/oauth2/v2/auth?"))
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query == ["client_id": "id 1", "redirect_uri": "http://127.0.0.1:4567", "response_type": "code",
                          "scope": "https://www.googleapis.com/auth/calendar", "state": "st",
                          "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
                          "access_type": "offline", "prompt": "consent"])
        let environment = GoogleEndpoints(environment: ["GOOGLE_ACCOUNTS_BASE": "http://127.0.0.1:9/", "GOOGLE_API_BASE": ""])
        #expect(environment == GoogleEndpoints(api: "https://www.googleapis.com", oauth: "https://oauth2.googleapis.com", accounts: "http://127.0.0.1:9"))
    }

    @Test("consent, redirect to the loopback listener, code exchange, calendar list: the whole connection against the fake")
    func connect() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let flow = Self.flow(fake)
        let listener = try GoogleLoopbackListener()
        #expect(listener.port > 0)
        let pkce = GooglePKCE.generate()
        let state = GoogleConnectFlow.randomState()
        let consent = try CurlTransport().send(HTTPRequest(url: flow.authorizationURL(redirectURI: listener.redirectURI, state: state, pkce: pkce), timeout: 5))
        #expect(consent.status == 302)
        let location = try #require(consent.headers["location"])
        #expect(location.hasPrefix(listener.redirectURI + "?"))

        // The "browser" follows the redirect while the listener waits.
        let result = LoopbackResult()
        let waiter = Thread { result.set(Result { try listener.waitForCode(state: state, timeout: 10) }) }
        waiter.start()
        let favicon = try CurlTransport().send(HTTPRequest(url: listener.redirectURI + "/favicon.ico", timeout: 5))
        #expect(favicon.status == 404)
        let page = try CurlTransport().send(HTTPRequest(url: location, timeout: 5))
        #expect(page.status == 200)
        #expect(page.text.contains("connected"))
        let code = try result.wait().get()
        #expect(code.hasPrefix("4/0A"))

        let credentials = try flow.exchange(code: code, verifier: pkce.verifier, redirectURI: listener.redirectURI)
        #expect(credentials.accessToken.hasPrefix("fake-access-"))
        #expect(credentials.refreshToken?.hasPrefix("fake-refresh-") == true)
        #expect(credentials.expiresAt == T.now.adding(seconds: 3599))
        let form = try #require(try fake.requests(path: "/token").first).body
        #expect(form.contains("grant_type=authorization_code") && form.contains("code_verifier=" + pkce.verifier))

        let calendars = try flow.calendars(credentials: credentials)
        #expect(calendars.map(\.id) == [GoogleFake.primaryID, "c_travaux@group.calendar.google.com", "fr.french#holiday@group.v.calendar.google.com"])
        #expect(calendars.map(\.primary) == [true, false, false])
        #expect(GoogleConnectFlow.account(in: calendars) == GoogleFake.primaryID)
        #expect(try GoogleConnectFlow.select(nil, in: calendars).id == GoogleFake.primaryID)
        #expect(try GoogleConnectFlow.select("travaux", in: calendars).id == "c_travaux@group.calendar.google.com")
        #expect(try GoogleConnectFlow.select("c_travaux@group.calendar.google.com", in: calendars).summary == "Travaux")
        #expect(throws: ArtisanError.self) { try GoogleConnectFlow.select("Nope", in: calendars) }

        // The code is single-use, and the verifier must match the challenge.
        let reused = #expect(throws: CalendarError.self) { try flow.exchange(code: code, verifier: pkce.verifier, redirectURI: listener.redirectURI) }
        #expect(reused?.kind == .revoked)
        #expect(reused.map { !$0.description.contains(code) } == true)
    }

    @Test("a wrong PKCE verifier is refused at the exchange")
    func wrongVerifier() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let flow = Self.flow(fake)
        let pkce = GooglePKCE.generate()
        let consent = try CurlTransport().send(HTTPRequest(url: flow.authorizationURL(redirectURI: "http://127.0.0.1:5", state: "s", pkce: pkce), timeout: 5))
        let code = try GoogleConnectFlow.code(fromPasted: try #require(consent.headers["location"]), state: "s")
        let error = #expect(throws: CalendarError.self) { try flow.exchange(code: code, verifier: GooglePKCE.generate().verifier, redirectURI: "http://127.0.0.1:5") }
        #expect(error?.kind == .revoked)
        // The refused code is burnt (as at Google): a fresh consent gives a fresh code, which the right verifier redeems.
        let again = try CurlTransport().send(HTTPRequest(url: flow.authorizationURL(redirectURI: "http://127.0.0.1:5", state: "s", pkce: pkce), timeout: 5))
        let fresh = try GoogleConnectFlow.code(fromPasted: try #require(again.headers["location"]), state: "s")
        #expect(try flow.exchange(code: fresh, verifier: pkce.verifier, redirectURI: "http://127.0.0.1:5").refreshToken != nil)
    }

    @Test("a refused consent and a foreign state end the wait with an error; nothing at all ends it at the timeout")
    func listenerFailures() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        try fake.control(["denyConsent": true])
        let flow = Self.flow(fake)
        let listener = try GoogleLoopbackListener()
        let consent = try CurlTransport().send(HTTPRequest(url: flow.authorizationURL(redirectURI: listener.redirectURI, state: "mine", pkce: .generate()), timeout: 5))
        let location = try #require(consent.headers["location"])
        #expect(location.contains("error=access_denied"))
        let denied = LoopbackResult()
        Thread { denied.set(Result { try listener.waitForCode(state: "mine", timeout: 10) }) }.start()
        #expect(try CurlTransport().send(HTTPRequest(url: location, timeout: 5)).status == 400)
        if case .failure(let error as ArtisanError) = denied.wait() { #expect(error.code == "OAUTH_DENIED") } else { Issue.record("a refused consent gave a code") }

        let foreign = LoopbackResult()
        Thread { foreign.set(Result { try listener.waitForCode(state: "mine", timeout: 10) }) }.start()
        #expect(try CurlTransport().send(HTTPRequest(url: listener.redirectURI + "/?state=theirs&code=abc", timeout: 5)).status == 400)
        if case .failure(let error as ArtisanError) = foreign.wait() { #expect(error.code == "OAUTH_STATE_MISMATCH") } else { Issue.record("a foreign state was accepted") }

        let silent = #expect(throws: ArtisanError.self) { try listener.waitForCode(state: "mine", timeout: 1) }
        #expect(silent?.code == "OAUTH_TIMEOUT")
    }

    @Test("--no-browser: a pasted redirect URL or bare code is accepted, a foreign state is not")
    func pastedCode() throws {
        #expect(try GoogleConnectFlow.code(fromPasted: "  4/0Aabc  \n", state: "s") == "4/0Aabc")
        #expect(try GoogleConnectFlow.code(fromPasted: "http://127.0.0.1:5/?state=s&code=4%2F0Aabc&scope=x", state: "s") == "4/0Aabc")
        #expect(throws: ArtisanError.self) { try GoogleConnectFlow.code(fromPasted: "http://127.0.0.1:5/?state=t&code=4%2F0Aabc", state: "s") }
        #expect(throws: ArtisanError.self) { try GoogleConnectFlow.code(fromPasted: "http://127.0.0.1:5/?error=access_denied&state=s", state: "s") }
    }

    @Test("--refresh-token-stdin: a valid refresh token gives credentials; a revoked one is .revoked; a wrong client secret too")
    func fromRefreshToken() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let credentials = try Self.flow(fake).credentials(fromRefreshToken: GoogleFake.refreshToken + "\n")
        #expect(credentials.refreshToken == GoogleFake.refreshToken)
        #expect(credentials.accessToken.hasPrefix("fake-access-") && credentials.accessToken != GoogleFake.accessToken)
        #expect(try Self.flow(fake).calendars(credentials: credentials).count == 3)

        let badClient = #expect(throws: CalendarError.self) { try Self.flow(fake, clientSecret: "wrong").credentials(fromRefreshToken: GoogleFake.refreshToken) }
        #expect(badClient?.kind == .revoked)
        #expect(badClient?.description.contains("invalid_client") == true)
        try fake.control(["revoke": true])
        let revoked = #expect(throws: CalendarError.self) { try Self.flow(fake).credentials(fromRefreshToken: GoogleFake.refreshToken) }
        #expect(revoked?.kind == .revoked)
        let stale = #expect(throws: CalendarError.self) { try Self.flow(fake).calendars(credentials: credentials) }
        #expect(stale?.kind == .revoked)
    }

    @Test("a calendar list longer than one page is read to the end")
    func calendarListPaging() throws {
        let fake = try GoogleFake()
        defer { fake.stop() }
        let many: [[String: Any]] = [["id": GoogleFake.primaryID, "summary": "Moi", "primary": true]]
            + (1...300).map { ["id": "c\($0)@group.calendar.google.com", "summary": "Calendrier \($0)"] }
        try fake.control(["calendars": many])
        let calendars = try Self.flow(fake).calendars(credentials: T.validCredentials)
        #expect(calendars.count == 301)
        #expect(calendars.last?.id == "c300@group.calendar.google.com")
        #expect(GoogleConnectFlow.account(in: calendars) == GoogleFake.primaryID)
        #expect(try fake.requests(path: "calendarList").count == 2)
    }
}

/// Hands a result from the waiting thread to the test.
final class LoopbackResult: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<String, any Error>?

    func set(_ value: Result<String, any Error>) {
        condition.lock()
        result = value
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Result<String, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}
