import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing
import TestSupport

/// The Microsoft Graph provider and device-code flow against Tests/Fixtures/fake_graph.py (Graph
/// and login on one loopback base), through the real libcurl transport and retry policy (its
/// waits recorded, not slept).
@Suite("Microsoft Graph calendar")
struct GraphCalendarProviderTests {
    static let window = Interval(start: GraphTestClock.now, end: GraphTestClock.at("2026-02-10T08:00:00Z"))
    static let fresh = CalendarCredentials(accessToken: "access-1", refreshToken: "refresh-1", expiresAt: GraphTestClock.now.adding(seconds: 3600))

    func provider(_ fake: GraphFake, credentials: CalendarCredentials = fresh, calendarID: String? = nil, waits: GraphSleepLog = GraphSleepLog(),
                  timeout: Int = 5, pageSize: Int = 10) throws -> GraphCalendarProvider {
        GraphCalendarProvider(transport: RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { waits.append($0) }),
                              credentials: credentials, clientID: "client-123", calendarID: calendarID, graphBase: fake.url, loginBase: fake.url,
                              zone: try GraphTestClock.paris(), now: GraphTestClock.now, requestTimeout: timeout, pageSize: pageSize)
    }

    func booking(_ id: String = "0b6f5c4e-1111-4222-8333-944455556666", start: String = "2026-01-20T09:00:00Z",
                 end: String = "2026-01-20T10:30:00Z") -> BookingEvent {
        BookingEvent(bookingID: id, uid: "booking-\(id)@artisanconnect", summary: "Coupe – Alice Martin (ABC123)",
                     description: "Réservation ABC123\nClient : Alice Martin <alice@example.com>", start: GraphTestClock.at(start),
                     end: GraphTestClock.at(end), timezone: "Europe/Paris")
    }

    /// The tokens the fake knows: none may appear in an error description.
    func expectNoSecrets(_ text: String) {
        for secret in ["access-1", "access-2", "refresh-1", "refresh-2", "$deltatoken", "$skiptoken", "dt-", "st-"] {
            #expect(!text.contains(secret), "\(secret) in: \(text)")
        }
    }

    // MARK: - Import

    @Test("a full fetch follows every nextLink with the UTC and page-size preferences; the deltaLink is the token")
    func paging() throws {
        let fake = try GraphFake()
        let events = (0..<25).map { index in
            GraphFake.event("e\(index)", "2026-01-\(11 + index % 20)T\(10 + index / 20):00:00Z", "2026-01-\(11 + index % 20)T\(10 + index / 20):45:00Z")
        }
        try fake.control(["events": events])
        let fetch = try provider(fake, pageSize: 10).fetchBusy(window: Self.window, syncToken: nil)

        #expect(fetch.mode == .full)
        #expect(Set(fetch.events.map(\.id)) == Set((0..<25).map { "e\($0)" }))
        #expect(fetch.events.count == 25)
        #expect(fetch.removedIDs.isEmpty)
        let token = try #require(fetch.nextSyncToken)
        #expect(token.hasPrefix(fake.url + "/v1.0/me/calendarView/delta?$deltatoken="))

        let requests = try fake.log().filter { $0.path == "/v1.0/me/calendarView/delta" }
        #expect(requests.count == 3)
        #expect(requests[0].query == "startDateTime=2026-01-10T08:00:00Z&endDateTime=2026-02-10T08:00:00Z")
        #expect(requests[1].query.hasPrefix("$skiptoken="))
        #expect(requests[2].query.hasPrefix("$skiptoken="))
        for request in requests {
            #expect(request.prefer.contains("outlook.timezone=\"UTC\""))
            #expect(request.prefer.contains("odata.maxpagesize=10"))
            #expect(request.authorization == "Bearer access-1")
        }
    }

    @Test("UTC times with 7-digit fractions read exactly; all-day events block whole Paris days, across the DST change")
    func allDayAndTimes() throws {
        let fake = try GraphFake()
        try fake.control(["events": [
            GraphFake.event("timed", "2026-01-15T10:00:00Z", "2026-01-15T11:30:00Z", subject: "Dentist"),
            GraphFake.event("holiday", "2026-03-28", "2026-03-30", allDay: true),
        ]])
        let window = Interval(start: Self.window.start, end: GraphTestClock.at("2026-04-10T00:00:00Z"))
        let fetch = try provider(fake).fetchBusy(window: window, syncToken: nil)
        let byID = Dictionary(uniqueKeysWithValues: fetch.events.map { ($0.id, $0) })

        #expect(byID["timed"] == ExternalEvent(id: "timed", summary: "Dentist", start: GraphTestClock.at("2026-01-15T10:00:00Z"),
                                               end: GraphTestClock.at("2026-01-15T11:30:00Z")))
        let holiday = try #require(byID["holiday"])
        // Paris midnight on 28 March is 23:00 UTC the day before (CET); on 30 March, 22:00 UTC (CEST).
        #expect(holiday.start == GraphTestClock.at("2026-03-28T00:00:00+01:00"))
        #expect(holiday.end == GraphTestClock.at("2026-03-30T00:00:00+02:00"))
    }

    @Test("free and cancelled events are not busy time")
    func freeAndCancelledIgnored() throws {
        let fake = try GraphFake()
        try fake.control(["events": [
            GraphFake.event("busy", "2026-01-15T10:00:00Z", "2026-01-15T11:00:00Z"),
            GraphFake.event("tentative", "2026-01-15T12:00:00Z", "2026-01-15T13:00:00Z", showAs: "tentative"),
            GraphFake.event("free", "2026-01-16T10:00:00Z", "2026-01-16T11:00:00Z", showAs: "free"),
            GraphFake.event("cancelled", "2026-01-17T10:00:00Z", "2026-01-17T11:00:00Z", cancelled: true),
        ]])
        let fetch = try provider(fake).fetchBusy(window: Self.window, syncToken: nil)
        #expect(fetch.events.map(\.id) == ["busy", "tentative"])
        #expect(fetch.removedIDs.isEmpty)
    }

    @Test("with the token, only the changes: added and moved events, removed, cancelled and now-free ids")
    func incremental() throws {
        let fake = try GraphFake()
        try fake.control(["events": [
            GraphFake.event("stays", "2026-01-12T10:00:00Z", "2026-01-12T11:00:00Z"),
            GraphFake.event("moves", "2026-01-13T10:00:00Z", "2026-01-13T11:00:00Z"),
            GraphFake.event("deleted", "2026-01-14T10:00:00Z", "2026-01-14T11:00:00Z"),
            GraphFake.event("cancelled", "2026-01-15T10:00:00Z", "2026-01-15T11:00:00Z"),
            GraphFake.event("freed", "2026-01-16T10:00:00Z", "2026-01-16T11:00:00Z"),
        ]])
        let provider = try provider(fake, pageSize: 2)
        let first = try provider.fetchBusy(window: Self.window, syncToken: nil)
        #expect(first.events.count == 5)

        try fake.control([
            "events": [
                GraphFake.event("added", "2026-01-20T10:00:00Z", "2026-01-20T12:00:00Z"),
                GraphFake.event("moves", "2026-01-21T14:00:00Z", "2026-01-21T15:00:00Z"),
                GraphFake.event("cancelled", "2026-01-15T10:00:00Z", "2026-01-15T11:00:00Z", cancelled: true),
                GraphFake.event("freed", "2026-01-16T10:00:00Z", "2026-01-16T11:00:00Z", showAs: "free"),
            ],
            "delete": ["deleted"],
        ])
        let second = try provider.fetchBusy(window: Self.window, syncToken: first.nextSyncToken)
        #expect(second.mode == .incremental)
        #expect(Set(second.events.map(\.id)) == ["added", "moves"])
        #expect(second.events.first { $0.id == "moves" }?.start == GraphTestClock.at("2026-01-21T14:00:00Z"))
        #expect(Set(second.removedIDs) == ["deleted", "cancelled", "freed"])
        #expect(second.nextSyncToken != first.nextSyncToken)
        let deltaRequests = try fake.log().filter { $0.path == "/v1.0/me/calendarView/delta" }
        #expect(deltaRequests.contains { $0.query.hasPrefix("$deltatoken=") && $0.prefer.contains("outlook.timezone=\"UTC\"") })

        let third = try provider.fetchBusy(window: Self.window, syncToken: second.nextSyncToken)
        #expect(third.mode == .incremental)
        #expect(third.events.isEmpty)
        #expect(third.removedIDs.isEmpty)
    }

    @Test("410 syncStateNotFound on the token: a full resync")
    func goneTokenResyncs() throws {
        let fake = try GraphFake()
        try fake.control(["events": [GraphFake.event("a", "2026-01-12T10:00:00Z", "2026-01-12T11:00:00Z"),
                                     GraphFake.event("b", "2026-01-13T10:00:00Z", "2026-01-13T11:00:00Z")]])
        let provider = try provider(fake)
        let first = try provider.fetchBusy(window: Self.window, syncToken: nil)
        try fake.control(["forgetDeltaTokens": true])
        let again = try provider.fetchBusy(window: Self.window, syncToken: first.nextSyncToken)

        #expect(again.mode == .full)
        #expect(Set(again.events.map(\.id)) == ["a", "b"])
        #expect(try fake.log().contains { $0.query.hasPrefix("$deltatoken=") && $0.status == 410 })
        // The new token works incrementally.
        #expect(try provider.fetchBusy(window: Self.window, syncToken: again.nextSyncToken).mode == .incremental)
    }

    @Test("a full round asks for the window given, to the second; the token resumes it incrementally")
    func roundWindow() throws {
        let fake = try GraphFake()
        try fake.control(["events": [GraphFake.event("late", "2026-02-20T10:00:00Z", "2026-02-20T11:00:00Z")]])
        let provider = try provider(fake)
        let first = try provider.fetchBusy(window: Self.window, syncToken: nil)
        #expect(first.events.isEmpty)  // 20 February is past the window's end: the sync widens the window, not the provider
        let wider = Interval(start: Self.window.start, end: Timestamp(iso8601: "2026-02-21T00:00:00Z")!)
        let full = try provider.fetchBusy(window: wider, syncToken: nil)
        #expect(full.mode == .full && full.events.map(\.id) == ["late"])
        #expect(try provider.fetchBusy(window: wider, syncToken: full.nextSyncToken).mode == .incremental)
    }

    @Test("a chosen calendar: its own calendarView and events collection")
    func otherCalendar() throws {
        let fake = try GraphFake()
        try fake.control(["events": [GraphFake.event("home", "2026-01-12T10:00:00Z", "2026-01-12T11:00:00Z"),
                                     GraphFake.event("work", "2026-01-12T12:00:00Z", "2026-01-12T13:00:00Z", calendar: "cal-work")]])
        let provider = try provider(fake, calendarID: "cal-work")
        let fetch = try provider.fetchBusy(window: Self.window, syncToken: nil)
        #expect(fetch.events.map(\.id) == ["work"])
        #expect(fetch.nextSyncToken?.hasPrefix(fake.url + "/v1.0/me/calendars/cal-work/calendarView/delta?") == true)

        _ = try provider.putEvent(booking(), existingID: nil)
        #expect(try fake.log().contains { $0.method == "POST" && $0.path == "/v1.0/me/calendars/cal-work/events" })
    }

    // MARK: - Credentials

    @Test("401: refresh once (rotated refresh token in renewedCredentials), then the request again")
    func refreshAfter401() throws {
        let fake = try GraphFake()
        try fake.control(["events": [GraphFake.event("a", "2026-01-12T10:00:00Z", "2026-01-12T11:00:00Z")], "expireAccessToken": true])
        let provider = try provider(fake)
        #expect(provider.renewedCredentials == nil)
        let fetch = try provider.fetchBusy(window: Self.window, syncToken: nil)

        #expect(fetch.events.map(\.id) == ["a"])
        let renewed = try #require(provider.renewedCredentials)
        #expect(renewed.accessToken == "access-2")
        #expect(renewed.refreshToken == "refresh-2")
        #expect(renewed.expiresAt == GraphTestClock.now.adding(seconds: 3600))
        #expect(try fake.state()["refreshTokens"] as? [String] == ["refresh-2"])

        let log = try fake.log()
        #expect(log.map(\.status) == [401, 200, 200])
        #expect(log[1].isTokenRequest)
        #expect(log[1].form == ["client_id": "client-123", "grant_type": "refresh_token", "refresh_token": "refresh-1",
                                "scope": "offline_access Calendars.ReadWrite"])
        #expect(log[2].authorization == "Bearer access-2")
    }

    @Test("an expired access token is refreshed before the first request")
    func refreshWhenExpired() throws {
        let fake = try GraphFake()
        let expired = CalendarCredentials(accessToken: "access-1", refreshToken: "refresh-1", expiresAt: GraphTestClock.now)
        let provider = try provider(fake, credentials: expired)
        _ = try provider.fetchBusy(window: Self.window, syncToken: nil)
        let log = try fake.log()
        #expect(log.first?.isTokenRequest == true)
        #expect(!log.contains { $0.status == 401 })
        #expect(provider.renewedCredentials?.refreshToken == "refresh-2")
    }

    @Test("a revoked grant (invalid_grant) is .revoked, saying what to run, with no token in the message")
    func revoked() throws {
        let fake = try GraphFake()
        try fake.control(["revoke": true])
        let provider = try provider(fake)
        let error = #expect(throws: CalendarError.self) { try provider.fetchBusy(window: Self.window, syncToken: nil) }
        #expect(error?.kind == .revoked)
        #expect(error?.description.contains("invalid_grant") == true)
        #expect(error?.description.contains("artisanctl calendars connect outlook") == true)
        expectNoSecrets(error?.description ?? "")
        #expect(provider.renewedCredentials == nil)

        let putError = #expect(throws: CalendarError.self) { try provider.putEvent(booking(), existingID: nil) }
        #expect(putError?.kind == .revoked)
    }

    @Test("no refresh token and a 401: .revoked")
    func noRefreshToken() throws {
        let fake = try GraphFake()
        try fake.control(["expireAccessToken": true])
        let provider = try provider(fake, credentials: CalendarCredentials(accessToken: "access-1", refreshToken: nil, expiresAt: nil))
        let error = #expect(throws: CalendarError.self) { try provider.deleteEvent(id: "whatever") }
        #expect(error?.kind == .revoked)
    }

    // MARK: - Failures

    @Test("429 with Retry-After, then success: the wait is the one asked for")
    func throttledThenSuccess() throws {
        let fake = try GraphFake()
        try fake.control(["events": [GraphFake.event("a", "2026-01-12T10:00:00Z", "2026-01-12T11:00:00Z")],
                          "fail": [["status": 429, "retryAfter": 1, "times": 1, "path": "/calendarView/delta"]]])
        let waits = GraphSleepLog()
        let fetch = try provider(fake, waits: waits).fetchBusy(window: Self.window, syncToken: nil)
        #expect(fetch.events.map(\.id) == ["a"])
        #expect(waits.values == [1])
        #expect(try fake.log().map(\.status) == [429, 200])
    }

    @Test("429 on the second page, then success: the round still completes")
    func throttledMidRound() throws {
        let fake = try GraphFake()
        try fake.control(["events": (0..<5).map { GraphFake.event("e\($0)", "2026-01-1\($0 + 2)T10:00:00Z", "2026-01-1\($0 + 2)T11:00:00Z") }])
        try fake.control(["fail": [["status": 429, "retryAfter": 2, "times": 1, "path": "/calendarView/delta"]]])
        let waits = GraphSleepLog()
        let fetch = try provider(fake, waits: waits, pageSize: 2).fetchBusy(window: Self.window, syncToken: nil)
        #expect(fetch.events.count == 5)
        #expect(waits.values == [2])
    }

    @Test("500 on every try: .temporary after three tries, nothing returned")
    func persistentServerError() throws {
        let fake = try GraphFake()
        try fake.control(["fail": [["status": 500, "times": 10]]])
        let waits = GraphSleepLog()
        let error = #expect(throws: CalendarError.self) { try provider(fake, waits: waits).fetchBusy(window: Self.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
        #expect(error?.description.contains("500") == true)
        expectNoSecrets(error?.description ?? "")
        #expect(waits.values.count == 2)
        #expect(try fake.log().count == 3)
    }

    @Test("a hung server: .temporary within the short request timeout")
    func hungRequest() throws {
        let fake = try GraphFake()
        try fake.control(["fail": [["hang": 4, "times": 3]]])
        let error = #expect(throws: CalendarError.self) { try provider(fake, timeout: 1).fetchBusy(window: Self.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
        #expect(error?.description.contains("no answer within 1 s") == true)
    }

    @Test("malformed JSON: .temporary")
    func malformed() throws {
        let fake = try GraphFake()
        try fake.control(["fail": [["malformed": true]]])
        let error = #expect(throws: CalendarError.self) { try provider(fake).fetchBusy(window: Self.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
        expectNoSecrets(error?.description ?? "")
    }

    @Test("a failure on a later page fails the whole fetch: nothing partial")
    func failureMidRound() throws {
        let fake = try GraphFake()
        try fake.control(["events": (0..<5).map { GraphFake.event("e\($0)", "2026-01-1\($0 + 2)T10:00:00Z", "2026-01-1\($0 + 2)T11:00:00Z") },
                          "fail": [["malformed": true, "times": 1, "query": "$skiptoken"]]])
        let error = #expect(throws: CalendarError.self) { try provider(fake, pageSize: 2).fetchBusy(window: Self.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
        #expect(try fake.log().map(\.status) == [200, 200])
    }

    @Test("an unreadable answer from the token endpoint is .temporary, not .revoked")
    func malformedTokenAnswer() throws {
        let fake = try GraphFake()
        try fake.control(["expireAccessToken": true, "fail": [["malformed": true, "times": 1, "path": "/oauth2/v2.0/token"]]])
        let error = #expect(throws: CalendarError.self) { try provider(fake).fetchBusy(window: Self.window, syncToken: nil) }
        #expect(error?.kind == .temporary)
    }

    // MARK: - Export

    @Test("a booking becomes an event: subject, text body, UTC times, busy, transactionId = booking id")
    func create() throws {
        let fake = try GraphFake()
        let event = booking()
        let id = try provider(fake).putEvent(event, existingID: nil)
        let stored = try #require(try fake.events()[id])
        #expect(stored["subject"] as? String == event.summary)
        #expect((stored["body"] as? [String: String]) == ["contentType": "text", "content": event.description])
        #expect((stored["start"] as? [String: String]) == ["dateTime": "2026-01-20T09:00:00.0000000", "timeZone": "UTC"])
        #expect((stored["end"] as? [String: String]) == ["dateTime": "2026-01-20T10:30:00.0000000", "timeZone": "UTC"])
        #expect(stored["showAs"] as? String == "busy")
        #expect(stored["transactionId"] as? String == event.bookingID)
        #expect(try fake.log().last.map { ($0.method, $0.path, $0.status) } ?? ("", "", nil) == ("POST", "/v1.0/me/events", 201))
    }

    @Test("a lost answer to the POST: the retry with the same transactionId creates no second event")
    func createIsIdempotent() throws {
        let fake = try GraphFake()
        try fake.control(["fail": [["status": 503, "afterProcessing": true, "times": 1, "method": "POST", "path": "/v1.0/me/events"]]])
        let waits = GraphSleepLog()
        let provider = try provider(fake, waits: waits)
        let id = try provider.putEvent(booking(), existingID: nil)
        #expect(waits.values.count == 1)
        #expect(try fake.state()["posts"] as? Int == 2)
        #expect(try fake.events().keys.sorted() == [id])

        // A rerun after a crash (the id never stored) finds the same event too.
        #expect(try provider.putEvent(booking(), existingID: nil) == id)
        #expect(try fake.events().count == 1)
    }

    @Test("a rescheduled booking moves its event (PATCH), which the next incremental fetch reports")
    func move() throws {
        let fake = try GraphFake()
        let provider = try provider(fake)
        let id = try provider.putEvent(booking(), existingID: nil)
        let before = try provider.fetchBusy(window: Self.window, syncToken: nil)
        #expect(before.events.map(\.id) == [id])

        let moved = try provider.putEvent(booking(start: "2026-01-22T13:00:00Z", end: "2026-01-22T14:00:00Z"), existingID: id)
        #expect(moved == id)
        #expect((try fake.events()[id]?["start"] as? [String: String])?["dateTime"] == "2026-01-22T13:00:00.0000000")
        // Graph ids end in "=": percent-encoded in the path.
        let encoded = "/v1.0/me/events/" + id.replacingOccurrences(of: "=", with: "%3D")
        #expect(id.hasSuffix("="))
        #expect(try fake.log().contains { $0.method == "PATCH" && $0.path == encoded && $0.status == 200 })
        #expect(try fake.events().count == 1)

        let after = try provider.fetchBusy(window: Self.window, syncToken: before.nextSyncToken)
        #expect(after.events.map(\.start) == [GraphTestClock.at("2026-01-22T13:00:00Z")])
    }

    @Test("moving an event deleted in Outlook: .notFound")
    func moveMissing() throws {
        let fake = try GraphFake()
        let error = #expect(throws: CalendarError.self) { try provider(fake).putEvent(booking(), existingID: "AAMkADgone=") }
        #expect(error?.kind == .notFound)
    }

    @Test("delete removes the event; deleting one already gone succeeds")
    func delete() throws {
        let fake = try GraphFake()
        let provider = try provider(fake)
        let id = try provider.putEvent(booking(), existingID: nil)
        try provider.deleteEvent(id: id)
        #expect(try fake.events().isEmpty)
        try provider.deleteEvent(id: id)
        let deletes = try fake.log().filter { $0.method == "DELETE" }
        #expect(deletes.map(\.status) == [204, 404])
    }

    // MARK: - Device code flow

    func flow(_ fake: GraphFake) -> GraphDeviceCodeFlow {
        GraphDeviceCodeFlow(transport: RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { _ in }), clientID: "client-123",
                            graphBase: fake.url, loginBase: fake.url, now: GraphTestClock.now, requestTimeout: 5)
    }

    @Test("device code: pending twice, slow_down (next wait interval + 5 s), then credentials")
    func deviceCodeFlow() throws {
        let fake = try GraphFake()
        let flow = flow(fake)
        let code = try flow.start()
        #expect(code.interval == 5)
        #expect(code.expiresIn == 900)
        #expect(code.verificationURI == "https://microsoft.com/devicelogin")
        #expect(code.message.contains(code.userCode))

        var waits: [Int] = []
        let credentials = try flow.poll(deviceCode: code.deviceCode, interval: code.interval, expiresIn: code.expiresIn) { waits.append($0) }
        #expect(waits == [5, 5, 5, 10])
        #expect(credentials.accessToken == "access-2")
        #expect(credentials.refreshToken == "refresh-2")
        #expect(credentials.expiresAt == GraphTestClock.now.adding(seconds: 25 + 3600))

        let log = try fake.log()
        #expect(log[0].path == "/common/oauth2/v2.0/devicecode")
        #expect(log[0].form == ["client_id": "client-123", "scope": GraphDeviceCodeFlow.scope])
        let polls = log.filter(\.isTokenRequest)
        #expect(polls.count == 4)
        #expect(polls.allSatisfy { $0.form == ["grant_type": "urn:ietf:params:oauth:grant-type:device_code", "client_id": "client-123",
                                               "device_code": code.deviceCode] })

        #expect(try flow.account(credentials: credentials) == "artisan@example.com")
    }

    @Test("device code: an ending error is a permission error (exit 77) with a clear message", arguments: [
        ("expired_token", "SIGN_IN_EXPIRED"), ("authorization_declined", "SIGN_IN_DECLINED"), ("access_denied", "SIGN_IN_DECLINED"),
        ("bad_verification_code", "SIGN_IN_CODE_INVALID"),
    ])
    func deviceCodeRefused(outcome: String, code: String) throws {
        let fake = try GraphFake()
        try fake.control(["deviceFlow": ["pending": 1, "slowDown": 0, "outcome": outcome]])
        let flow = flow(fake)
        let device = try flow.start()
        var waits: [Int] = []
        let error = #expect(throws: ArtisanError.self) {
            try flow.poll(deviceCode: device.deviceCode, interval: device.interval, expiresIn: device.expiresIn) { waits.append($0) }
        }
        #expect(error?.kind == .permission)
        #expect(error?.code == code)
        #expect(error?.hint?.contains("artisanctl calendars connect outlook") == true)
        #expect(waits == [5, 5])
    }

    @Test("device code: never completed, polling stops when the code expires")
    func deviceCodeExpiresLocally() throws {
        let fake = try GraphFake()
        try fake.control(["deviceFlow": ["pending": 100, "slowDown": 0, "expiresIn": 12]])
        let flow = flow(fake)
        let device = try flow.start()
        #expect(device.expiresIn == 12)
        var waits: [Int] = []
        let error = #expect(throws: ArtisanError.self) {
            try flow.poll(deviceCode: device.deviceCode, interval: device.interval, expiresIn: device.expiresIn) { waits.append($0) }
        }
        #expect(error?.code == "SIGN_IN_EXPIRED")
        #expect(waits == [5, 5, 5])
    }

    @Test("--refresh-token-stdin: the token is exchanged (and rotated); a refused one is a permission error")
    func refreshTokenSetup() throws {
        let fake = try GraphFake()
        let flow = flow(fake)
        let credentials = try flow.credentials(fromRefreshToken: "refresh-1")
        #expect(credentials.accessToken == "access-2")
        #expect(credentials.refreshToken == "refresh-2")
        #expect(credentials.expiresAt == GraphTestClock.now.adding(seconds: 3600))

        let error = #expect(throws: ArtisanError.self) { try flow.credentials(fromRefreshToken: "refresh-1") }
        #expect(error?.kind == .permission)
        #expect(error?.code == "REFRESH_TOKEN_REFUSED")
        #expect(!(error?.message.contains("refresh-1") ?? true))
    }

    @Test("account: mail, else userPrincipalName; calendars: every page, the default one picked by default")
    func accountAndCalendars() throws {
        let fake = try GraphFake()
        let flow = flow(fake)
        let credentials = CalendarCredentials(accessToken: "access-1", refreshToken: "refresh-1", expiresAt: nil)
        #expect(try flow.account(credentials: credentials) == "artisan@example.com")
        try fake.control(["me": ["mail": NSNull(), "userPrincipalName": "artisan@contoso.onmicrosoft.com"]])
        #expect(try flow.account(credentials: credentials) == "artisan@contoso.onmicrosoft.com")

        let calendars = try flow.calendars(credentials: credentials)
        #expect(calendars == [GraphCalendar(id: "cal-default", name: "Calendar", isDefault: true), GraphCalendar(id: "cal-work", name: "Work", isDefault: false),
                              GraphCalendar(id: "cal-family", name: "Family", isDefault: false)])
        #expect(try fake.log().filter { $0.path == "/v1.0/me/calendars" }.count == 2)

        #expect(try GraphDeviceCodeFlow.pick(nil, from: calendars).id == "cal-default")
        #expect(try GraphDeviceCodeFlow.pick("work", from: calendars).id == "cal-work")
        #expect(try GraphDeviceCodeFlow.pick("cal-family", from: calendars).id == "cal-family")
        let missing = #expect(throws: ArtisanError.self) { try GraphDeviceCodeFlow.pick("Holidays", from: calendars) }
        #expect(missing?.kind == .notFound)

        try fake.control(["expireAccessToken": true])
        let denied = #expect(throws: ArtisanError.self) { try flow.account(credentials: credentials) }
        #expect(denied?.kind == .permission)
    }
}
