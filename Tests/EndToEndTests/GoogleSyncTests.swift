import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// Two-way sync with Google Calendar, through the binary, against Tests/Fixtures/fake_google.py.
@Suite("calendar sync with Google (fake), through the binary")
struct GoogleSyncTests {
    static let refreshToken = "fake-refresh-0"
    static let primary = "artisan@example.com"

    let world: OAuthSyncWorld
    var fake: ProviderFake { world.google! }

    init() throws { world = try OAuthSyncWorld(google: true) }

    // MARK: - Helpers

    /// A timed event in Google's JSON shape, Paris wall times.
    static func timed(_ id: String, _ start: String, _ end: String, _ extra: [String: Any] = [:]) -> [String: Any] {
        ["id": id, "summary": "Event \(id)", "start": ["dateTime": start, "timeZone": "Europe/Paris"],
         "end": ["dateTime": end, "timeZone": "Europe/Paris"]].merging(extra) { _, new in new }
    }

    /// The events of the Monday-to-Saturday test week: a weekly recurring one (3 instances), an
    /// all-day one, a transparent one, a cancelled one and a plain one.
    static var week: [[String: Any]] { [
        timed("weekly", "2026-11-25T10:00:00+01:00", "2026-11-25T11:00:00+01:00", ["recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"], "summary": "Chantier"]),
        ["id": "salon", "summary": "Salon", "start": ["date": "2026-11-27"], "end": ["date": "2026-11-28"]],
        timed("free", "2026-11-26T09:00:00+01:00", "2026-11-26T10:00:00+01:00", ["transparency": "transparent"]),
        timed("gone", "2026-11-26T16:00:00+01:00", "2026-11-26T17:00:00+01:00", ["status": "cancelled"]),
        timed("later", "2026-11-28T09:00:00+01:00", "2026-11-28T10:00:00+01:00"),
    ] }

    /// The blocks `week` gives, in UTC.
    static let weekBlocks = [
        "2026-11-25T09:00/2026-11-25T10:00", "2026-11-26T23:00/2026-11-27T23:00", "2026-11-28T08:00/2026-11-28T09:00",
        "2026-12-02T09:00/2026-12-02T10:00", "2026-12-09T09:00/2026-12-09T10:00",
    ]

    func connect(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try world.succeed(["calendars", "connect", "google", "--refresh-token-stdin"], stdin: Self.refreshToken + "\n", sourceLocation: sourceLocation)
    }

    /// The requests the fake received (control calls excluded).
    func requests() throws -> [[String: Any]] {
        (try fake.get("/_control") as? [String: Any])?["requests"] as? [[String: Any]] ?? []
    }

    /// The event listings the fake received, each as its query.
    func listings() throws -> [[String: [String]]] {
        try requests().filter { ($0["method"] as? String) == "GET" && ($0["path"] as? String ?? "").hasSuffix("/events") }
            .map { $0["query"] as? [String: [String]] ?? [:] }
    }

    /// The fake's stored events of the primary calendar.
    func storedEvents() throws -> [[String: Any]] {
        ((try fake.get("/_control") as? [String: Any])?["events"] as? [String: [[String: Any]]])?[Self.primary] ?? []
    }

    func liveAccessTokens() throws -> [String] {
        (try fake.get("/_control") as? [String: Any])?["accessTokens"] as? [String] ?? []
    }

    // MARK: - Import

    @Test("connect with a refresh token, list it; import busy time; an incremental rerun with the sync token; a cancelled event is removed")
    func importBusy() throws {
        try fake.control(["events": Self.week])
        try connect()
        let listed = try world.listed()
        #expect(listed.count == 1)
        #expect(listed.first?["provider"] as? String == "google")
        #expect(listed.first?["account"] as? String == Self.primary)
        #expect(listed.first?["state"] as? String == "active")

        let first = try world.sync()
        #expect(first.contains("google   imported 5, removed 0, exported 0, moved 0, deleted 0"), "\(first)")
        #expect(try world.blocks("google") == Self.weekBlocks)
        let full = try #require(try listings().last)
        #expect(full["syncToken"] == nil)
        #expect(full["singleEvents"] == ["true"])
        #expect(full["timeMin"] != nil && full["timeMax"] != nil)
        #expect(try world.stored("google").syncToken != nil)
        let afterFirst = try world.listed()
        #expect(afterFirst.first?["lastSyncAt"] as? String != nil)

        // Nothing changed: an incremental listing with the sync token, nothing new.
        let rerun = try jsonArray(try world.sync(["--json"]))
        #expect(rerun.count == 1)
        #expect(rerun.first?["provider"] as? String == "google")
        #expect(rerun.first?["outcome"] as? String == "ok")
        #expect(rerun.first?["imported"] as? Int == 0)
        #expect(rerun.first?["removed"] as? Int == 0)
        let incremental = try #require(try listings().last)
        #expect(incremental["syncToken"] != nil, "\(incremental)")
        #expect(incremental["timeMin"] == nil)
        #expect(try world.blocks("google") == Self.weekBlocks)

        // Cancelled on the calendar: one plain event and one instance of the weekly one; one new event.
        try fake.control(["cancel": ["later", "weekly_20261202T090000Z"],
                          "events": [Self.timed("new", "2026-11-26T14:00:00+01:00", "2026-11-26T15:00:00+01:00")]])
        let third = try world.sync()
        #expect(third.contains("google   imported 1, removed 2,"), "\(third)")
        #expect(try listings().last?["syncToken"] != nil)
        #expect(try world.blocks("google") == [
            "2026-11-25T09:00/2026-11-25T10:00", "2026-11-26T13:00/2026-11-26T14:00", "2026-11-26T23:00/2026-11-27T23:00",
            "2026-12-09T09:00/2026-12-09T10:00",
        ])

        // Availability subtracts them: Wednesday 10:00 (Paris) is taken by the weekly event.
        let free = try world.world.freeTimes("Coupe homme", on: "2026-11-25")
        #expect(!free.contains("10:00") && !free.contains("10:30"))
        #expect(free.contains("11:00"))
    }

    @Test("410 on the sync token: a full listing again, and the blocks are right")
    func fullResyncOnGone() throws {
        try fake.control(["events": Self.week])
        try connect()
        #expect(try world.sync().contains("imported 5"))
        try fake.control(["invalidateSyncTokens": true, "cancel": ["salon"],
                          "events": [Self.timed("new", "2026-11-26T14:00:00+01:00", "2026-11-26T15:00:00+01:00")]])
        let before = try listings().count
        let output = try world.sync()
        #expect(output.contains("google   imported 1, removed 1,"), "\(output)")
        let sent = Array(try listings().dropFirst(before))
        #expect(sent.count == 2, "\(sent)")
        #expect(sent.first?["syncToken"] != nil)
        #expect(sent.last?["syncToken"] == nil && sent.last?["timeMin"] != nil)
        #expect(try world.blocks("google") == [
            "2026-11-25T09:00/2026-11-25T10:00", "2026-11-26T13:00/2026-11-26T14:00", "2026-11-28T08:00/2026-11-28T09:00",
            "2026-12-02T09:00/2026-12-02T10:00", "2026-12-09T09:00/2026-12-09T10:00",
        ])
        // The new token works: the next run is incremental again.
        #expect(try world.sync().contains("imported 0, removed 0"))
        #expect(try listings().last?["syncToken"] != nil)
    }

    // MARK: - Export

    @Test("bookings exported, moved when rescheduled, deleted when cancelled; reruns never duplicate; our events are not imported")
    func exportBookings() throws {
        try connect()
        let code = try world.book("Coupe femme", "2026-11-26", "10:00")
        #expect(try world.sync().contains("exported 1, moved 0, deleted 0"))
        func ours() throws -> [[String: Any]] { try storedEvents().filter { ($0["summary"] as? String ?? "").contains(code) } }
        let event = try #require(try ours().first)
        #expect(try ours().count == 1)
        let bookingID = try #require(try world.world.value("SELECT id::text FROM bookings"))
        #expect(event["id"] as? String == "bk" + bookingID.replacingOccurrences(of: "-", with: ""))
        #expect((event["start"] as? [String: Any])?["dateTime"] as? String == "2026-11-26T10:00:00+01:00")
        #expect((event["description"] as? String ?? "").contains(code))

        // Rerun: nothing to do, and the event that comes back in the listing is not busy time.
        #expect(try world.sync().contains("google   imported 0, removed 0, exported 0, moved 0, deleted 0"))
        #expect(try world.blocks("google").isEmpty)
        #expect(try ours().count == 1)

        try world.world.succeed("bookings", "reschedule", code, "--date", "2026-11-27", "--time", "14:00")
        #expect(try world.sync().contains("exported 0, moved 1, deleted 0"))
        #expect(try ours().count == 1)
        #expect((try ours().first?["start"] as? [String: Any])?["dateTime"] as? String == "2026-11-27T14:00:00+01:00")
        #expect(try world.exportRows("google") == [[event["id"] as? String, "2026-11-27T13:00"]])
        #expect(try world.sync().contains("exported 0, moved 0, deleted 0"))
        #expect(try world.blocks("google").isEmpty)

        try world.world.succeed("bookings", "cancel", code)
        #expect(try world.sync().contains("exported 0, moved 0, deleted 1"))
        // Deleted: Google keeps only its id and status.
        #expect(try storedEvents().first { $0["id"] as? String == event["id"] as? String }?["status"] as? String == "cancelled")
        #expect(try ours().isEmpty)
        #expect(try world.exportRows("google").isEmpty)
        #expect(try world.sync().contains("exported 0, moved 0, deleted 0"))
        #expect(try world.blocks("google").isEmpty)
        let inserts = try requests().filter { ($0["method"] as? String) == "POST" && ($0["path"] as? String ?? "").hasSuffix("/events") }
        #expect(inserts.count == 1)
    }

    @Test("an export whose id row was lost (a crash after the insert): the rerun finds Google's 409 and updates the same event")
    func exportRerunAfterCrash() throws {
        try connect()
        let code = try world.book("Coupe homme", "2026-11-26", "15:00")
        #expect(try world.sync().contains("exported 1"))
        // As if the run had died before recording the event id.
        try world.world.connection.execute("DELETE FROM external_busy_blocks WHERE source = 'booking'")
        let rerun = try world.sync()
        #expect(rerun.contains("exported 1"), "\(rerun)")
        #expect(try storedEvents().filter { ($0["summary"] as? String ?? "").contains(code) }.count == 1)
        #expect(try world.exportRows("google").count == 1)
    }

    @Test("the exported event deleted in Google, then the booking rescheduled: the event comes back at the new time")
    func exportedEventDeletedThenRescheduled() throws {
        try connect()
        let code = try world.book("Coupe femme", "2026-11-26", "10:00")
        #expect(try world.sync().contains("exported 1"))
        let id = try #require(try world.exportRows("google").first?.first ?? nil)
        try fake.control(["cancel": [id]])
        #expect(try world.sync().contains("google   imported 0, removed 0, exported 0, moved 0, deleted 0"))
        try world.world.succeed("bookings", "reschedule", code, "--date", "2026-11-27", "--time", "14:00")
        #expect(try world.sync().contains("moved 1"))
        let event = try #require(try storedEvents().first { $0["id"] as? String == id })
        #expect(event["status"] as? String == "confirmed")
        #expect((event["start"] as? [String: Any])?["dateTime"] as? String == "2026-11-27T14:00:00+01:00")
        #expect(try storedEvents().count == 1)
        #expect(try world.blocks("google").isEmpty)
    }

    // MARK: - Tokens

    @Test("an expired access token is refreshed; the new one is stored encrypted, never in clear")
    func expiredAccessToken() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let before = try world.stored("google")
        try fake.control(["expireAccessToken": true])
        let output = try world.sync()
        #expect(output.contains("google   imported 0, removed 0"), "\(output)")
        let after = try world.stored("google")
        #expect(after.accessSealed != before.accessSealed)
        let live = try liveAccessTokens()
        #expect(live.count == 1)
        let token = try #require(live.first)
        #expect(try world.box.open(after.accessSealed) == token)
        #expect(!after.accessSealed.contains(token))
        #expect(try world.box.open(try #require(after.refreshSealed)) == Self.refreshToken)
        #expect(!(after.refreshSealed ?? "").contains(Self.refreshToken))
        #expect(try requests().contains { ($0["path"] as? String) == "/token" && ($0["body"] as? String ?? "").contains("grant_type=refresh_token") })
        // The stored token is the one the next run uses: no refresh this time.
        let tokenRequests = try requests().filter { ($0["path"] as? String) == "/token" }.count
        #expect(try world.sync().contains("imported 0"))
        #expect(try requests().filter { ($0["path"] as? String) == "/token" }.count == tokenRequests)
        #expect(try world.blocks("google") == Self.weekBlocks)
    }

    @Test("a revoked grant: exit 77, needs_reauth, the command to run; the blocks stay")
    func revokedGrant() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let rows = try world.importedRows("google")
        try fake.control(["revoke": true])
        let result = try world.run(["sync", "calendars"])
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains("artisanctl calendars connect google"), "\(result.stderr)")
        #expect(try world.listed().first?["state"] as? String == "needs_reauth")
        #expect(try world.importedRows("google") == rows)
        // Reconnecting makes it active again.
        try fake.control(["reset": true, "events": Self.week])
        try connect()
        #expect(try world.listed().first?["state"] as? String == "active")
        #expect(try world.sync().contains("google   imported 0, removed 0"))
        #expect(try world.blocks("google") == Self.weekBlocks)
    }

    // MARK: - Failures

    @Test("429 with Retry-After, then success: exit 0, the request was retried after the wait")
    func rateLimitedThenSuccess() throws {
        try fake.control(["events": Self.week])
        try connect()
        try fake.control(["fail": [["path": "/events", "method": "GET", "status": 429, "retryAfter": 1]]])
        let started = Date()
        let output = try world.sync()
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(output.contains("google   imported 5"), "\(output)")
        #expect(try listings().count == 2)
        #expect(try world.blocks("google") == Self.weekBlocks)
    }

    @Test("a persistent 500: exit 75 after the 3 tries, the blocks unchanged, state error; the next run recovers")
    func persistentServerError() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let rows = try world.importedRows("google")
        #expect(rows.count == 5)
        // A 500 for every one of the 3 tries of this run (then the fake recovers).
        try fake.control(["cancel": ["later"], "fail": [["path": "/events", "status": 500, "times": 3]]])
        let before = try listings().count
        let result = try world.run(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stdout.contains("google   imported 0, removed 0") && result.stdout.contains("temporary"), "\(result.stdout)")
        #expect(result.stderr.contains("HTTP 500"), "\(result.stderr)")
        #expect(try listings().count - before == 3)
        #expect(try world.importedRows("google") == rows)
        #expect(try world.listed().first?["state"] as? String == "error")

        // The next run goes on from the sync token kept.
        let recovered = try world.sync()
        #expect(recovered.contains("google   imported 0, removed 1"), "\(recovered)")
        #expect(try listings().last?["syncToken"] != nil)
        #expect(try world.blocks("google").count == 4)
        #expect(try world.listed().first?["state"] as? String == "active")
    }

    @Test("a hung request times out: exit 75 within the timeouts, the blocks kept")
    func hungRequest() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let rows = try world.importedRows("google")
        try fake.control(["cancel": ["later"], "fail": [["path": "/events", "hang": 6, "times": 3]]])
        let result = try world.run(["sync", "calendars"], environment: ["ARTISANCTL_HTTP_TIMEOUT": "1"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stderr.contains("google") && result.stderr.contains("no answer within 1 s"), "\(result.stderr)")
        #expect(try world.importedRows("google") == rows)
    }

    @Test("malformed JSON: exit 75, the blocks kept, the sync token kept for the next run")
    func malformedAnswer() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let rows = try world.importedRows("google")
        let token = try world.stored("google").syncToken
        try fake.control(["fail": [["path": "/events", "malformed": true]]])
        let result = try world.run(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(try world.importedRows("google") == rows)
        #expect(try world.stored("google").syncToken == token)
        #expect(try world.sync().contains("google   imported 0, removed 0"))
        #expect(try listings().last?["syncToken"] != nil)
        #expect(try world.importedRows("google") == rows)
    }

    // MARK: - Two runs at once

    @Test("two syncs at once: while one holds the lock the other exits 75 at once; with --wait it waits, then succeeds")
    func concurrentSyncs() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.raceForTheLock(fake, listing: "/events", held: { (try fake.get("/_control") as? [String: Any])?["held"] as? Int ?? -1 },
                                 provider: "google")
        #expect(try world.blocks("google") == Self.weekBlocks)
    }

    // MARK: - Secrets

    @Test("no token or secret in clear: not in pg_dump, not in --verbose output")
    func noSecretInClear() throws {
        try fake.control(["events": Self.week])
        try connect()
        try fake.control(["expireAccessToken": true])
        let verbose = try world.run(["sync", "calendars", "--verbose"])
        #expect(verbose.status == 0, "\(verbose.stderr)")
        let json = try world.run(["sync", "calendars", "--verbose", "--json"])
        #expect(json.status == 0)
        try fake.control(["revoke": true])
        let revoked = try world.run(["sync", "calendars", "--verbose"])
        #expect(revoked.status == 77)
        let state = try fake.get("/_control") as? [String: Any] ?? [:]
        let refresh = Array((state["refreshTokens"] as? [String: Any] ?? [:]).keys)
        let secrets = refresh + (try requests().compactMap { ($0["authorization"] as? String)?.replacingOccurrences(of: "Bearer ", with: "") })
            + [OAuthSyncWorld.googleClientSecret, OAuthSyncWorld.key]
        #expect(secrets.contains(Self.refreshToken))
        #expect(secrets.contains { $0.hasPrefix("fake-access-") })
        let dump = try world.dump()
        #expect(dump.contains("calendar_connections"))
        for secret in Set(secrets) where !secret.isEmpty {
            #expect(!dump.contains(secret), "pg_dump shows \(secret)")
            for output in [verbose, json, revoked] {
                #expect(!(output.stdout + output.stderr).contains(secret), "output shows \(secret)")
            }
        }
        #expect(!verbose.stderr.isEmpty, "--verbose said nothing")
    }

    // MARK: - Interactive connection

    @Test("connect google interactively: the consent URL on stderr, the redirect to the loopback listener, a stored connection")
    func loopbackConnect() throws {
        let process = OAuthSyncWorld.Background(["calendars", "connect", "google"], world: world, name: "connect")
        defer { process.stop() }
        let line = try #require(process.line(containing: "/o/oauth2/v2/auth?", within: 30), "no consent URL: \(process.stderrSoFar())")
        let consent = line.trimmingCharacters(in: .whitespaces)
        #expect(consent.hasPrefix(fake.url + "/o/oauth2/v2/auth?"))
        #expect(consent.contains("code_challenge_method=S256") && consent.contains("access_type=offline"))
        // The "browser": the consent page redirects to the loopback listener.
        let redirect = try CurlTransport().send(HTTPRequest(url: consent, timeout: 10))
        #expect(redirect.status == 302)
        let location = try #require(redirect.headers["location"])
        #expect(location.hasPrefix("http://127.0.0.1:"))
        #expect(location.contains("code="))
        let landing = try CurlTransport().send(HTTPRequest(url: location, timeout: 10))
        #expect(landing.status == 200)
        let result = try process.finish(within: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Connected the google calendar"), "\(result.stderr)")
        let listed = try world.listed()
        #expect(listed.first?["provider"] as? String == "google")
        #expect(listed.first?["account"] as? String == Self.primary)
        let exchange = try requests().first { ($0["path"] as? String) == "/token" }
        let exchangeBody = exchange?["body"] as? String ?? ""
        #expect(exchangeBody.contains("grant_type=authorization_code"))
        #expect(exchangeBody.contains("code_verifier="))
        // The connection works.
        try fake.control(["events": Self.week])
        #expect(try world.sync().contains("google   imported 5"))
        #expect(try world.box.open(try world.stored("google").refreshSealed ?? "").hasPrefix("fake-refresh-"))
    }

    @Test("connect google interactively, consent refused: exit 77 and nothing stored")
    func loopbackConsentDenied() throws {
        try fake.control(["denyConsent": true])
        let process = OAuthSyncWorld.Background(["calendars", "connect", "google"], world: world, name: "deny")
        defer { process.stop() }
        let line = try #require(process.line(containing: "/o/oauth2/v2/auth?", within: 30), "no consent URL: \(process.stderrSoFar())")
        let redirect = try CurlTransport().send(HTTPRequest(url: line.trimmingCharacters(in: .whitespaces), timeout: 10))
        let location = try #require(redirect.headers["location"])
        #expect(location.contains("error=access_denied"))
        _ = try? CurlTransport().send(HTTPRequest(url: location, timeout: 10))
        let result = try process.finish(within: 60)
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains("did not grant access"), "\(result.stderr)")
        #expect(try world.world.count("calendar_connections") == 0)
    }
}
