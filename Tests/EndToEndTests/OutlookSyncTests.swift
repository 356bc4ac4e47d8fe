import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// Two-way sync with an Outlook calendar (Microsoft Graph), through the binary, against
/// Tests/Fixtures/fake_graph.py.
@Suite("calendar sync with Outlook (fake Graph), through the binary")
struct OutlookSyncTests {
    /// The fake's initial refresh token.
    static let refreshToken = "refresh-1"

    let world: OAuthSyncWorld
    var fake: ProviderFake { world.graph! }

    init() throws { world = try OAuthSyncWorld(graph: true) }

    // MARK: - Helpers

    static func event(_ id: String, _ start: String, _ end: String, _ extra: [String: Any] = [:]) -> [String: Any] {
        ["id": id, "subject": "Event \(id)", "start": start, "end": end].merging(extra) { _, new in new }
    }

    /// As calendarView shows them: a weekly series' three occurrences, an all-day event, a free
    /// one, a cancelled one and a plain one.
    static var week: [[String: Any]] { [
        event("w1", "2026-11-25T09:00:00Z", "2026-11-25T10:00:00Z", ["type": "occurrence", "seriesMasterId": "series", "subject": "Chantier"]),
        event("w2", "2026-12-02T09:00:00Z", "2026-12-02T10:00:00Z", ["type": "occurrence", "seriesMasterId": "series", "subject": "Chantier"]),
        event("w3", "2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z", ["type": "occurrence", "seriesMasterId": "series", "subject": "Chantier"]),
        event("salon", "2026-11-27", "2026-11-28", ["isAllDay": true, "subject": "Salon"]),
        event("free", "2026-11-26T08:00:00Z", "2026-11-26T09:00:00Z", ["showAs": "free"]),
        event("gone", "2026-11-26T15:00:00Z", "2026-11-26T16:00:00Z", ["isCancelled": true]),
        event("later", "2026-11-28T08:00:00Z", "2026-11-28T09:00:00Z"),
    ] }

    static let weekBlocks = GoogleSyncTests.weekBlocks

    func connect(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try world.succeed(["calendars", "connect", "outlook", "--refresh-token-stdin"], stdin: Self.refreshToken + "\n", sourceLocation: sourceLocation)
    }

    func log() throws -> [[String: Any]] { try fake.get("/_log") as? [[String: Any]] ?? [] }

    /// The delta requests the fake received: query string and status.
    func deltas() throws -> [(query: String, status: Int?)] {
        try log().filter { ($0["path"] as? String ?? "").hasSuffix("/calendarView/delta") }.map { ($0["query"] as? String ?? "", $0["status"] as? Int) }
    }

    func state() throws -> [String: Any] { try fake.get("/_state") as? [String: Any] ?? [:] }

    func storedEvents() throws -> [[String: Any]] { try state()["events"] as? [[String: Any]] ?? [] }

    // MARK: - Import

    @Test("connect with a refresh token, list it; import busy time; an incremental rerun with the deltaLink; deleted events are removed")
    func importBusy() throws {
        try fake.control(["events": Self.week])
        try connect()
        let listed = try world.listed()
        #expect(listed.count == 1)
        #expect(listed.first?["provider"] as? String == "outlook")
        #expect(listed.first?["account"] as? String == "artisan@example.com")
        #expect(listed.first?["calendar"] as? String == "Calendar")
        #expect(listed.first?["state"] as? String == "active")

        let first = try world.sync()
        #expect(first.contains("outlook  imported 5, removed 0, exported 0, moved 0, deleted 0"), "\(first)")
        #expect(try world.blocks("outlook") == Self.weekBlocks)
        #expect(try deltas().last?.query.contains("startDateTime=") == true)

        let rerun = try jsonArray(try world.sync(["--json"]))
        #expect(rerun.first?["provider"] as? String == "outlook")
        #expect(rerun.first?["outcome"] as? String == "ok")
        #expect(rerun.first?["imported"] as? Int == 0)
        #expect(rerun.first?["removed"] as? Int == 0)
        #expect(try deltas().last?.query.contains("$deltatoken=") == true)
        #expect(try world.blocks("outlook") == Self.weekBlocks)

        // Deleted on the calendar: a plain event and one occurrence; one event turned free; one new.
        try fake.control(["delete": ["later", "w2"],
                          "events": [Self.event("new", "2026-11-26T13:00:00Z", "2026-11-26T14:00:00Z"), ["id": "w3", "showAs": "free"]]])
        let third = try world.sync()
        #expect(third.contains("outlook  imported 1, removed 3,"), "\(third)")
        #expect(try deltas().last?.query.contains("$deltatoken=") == true)
        #expect(try world.blocks("outlook") == [
            "2026-11-25T09:00/2026-11-25T10:00", "2026-11-26T13:00/2026-11-26T14:00", "2026-11-26T23:00/2026-11-27T23:00",
        ])
    }

    @Test("410 on the deltaLink: a full round again, and the blocks are right")
    func fullResyncOnGone() throws {
        try fake.control(["events": Self.week])
        try connect()
        #expect(try world.sync().contains("imported 5"))
        try fake.control(["forgetDeltaTokens": true, "delete": ["salon"],
                          "events": [Self.event("new", "2026-11-26T13:00:00Z", "2026-11-26T14:00:00Z")]])
        let before = try deltas().count
        let output = try world.sync()
        #expect(output.contains("outlook  imported 1, removed 1,"), "\(output)")
        let sent = Array(try deltas().dropFirst(before))
        #expect(sent.count == 2, "\(sent)")
        #expect(sent.first?.query.contains("$deltatoken=") == true && sent.first?.status == 410)
        #expect(sent.last?.query.contains("startDateTime=") == true && sent.last?.status == 200)
        #expect(try world.blocks("outlook") == [
            "2026-11-25T09:00/2026-11-25T10:00", "2026-11-26T13:00/2026-11-26T14:00", "2026-11-28T08:00/2026-11-28T09:00",
            "2026-12-02T09:00/2026-12-02T10:00", "2026-12-09T09:00/2026-12-09T10:00",
        ])
        #expect(try world.sync().contains("imported 0, removed 0"))
        #expect(try deltas().last?.query.contains("$deltatoken=") == true)
    }

    // MARK: - Export

    @Test("bookings exported, moved when rescheduled, deleted when cancelled; reruns never duplicate; our events are not imported")
    func exportBookings() throws {
        try connect()
        let code = try world.book("Coupe femme", "2026-11-26", "10:00")
        #expect(try world.sync().contains("outlook  imported 0, removed 0, exported 1, moved 0, deleted 0"))
        func ours() throws -> [[String: Any]] { try storedEvents().filter { ($0["subject"] as? String ?? "").contains(code) } }
        let event = try #require(try ours().first)
        #expect(try ours().count == 1)
        #expect((event["start"] as? [String: Any])?["dateTime"] as? String == "2026-11-26T09:00:00.0000000")
        let id = try #require(event["id"] as? String)
        #expect(try world.exportRows("outlook") == [[id, "2026-11-26T09:00"]])

        #expect(try world.sync().contains("outlook  imported 0, removed 0, exported 0, moved 0, deleted 0"))
        #expect(try world.blocks("outlook").isEmpty)

        try world.world.succeed("bookings", "reschedule", code, "--date", "2026-11-27", "--time", "14:00")
        #expect(try world.sync().contains("exported 0, moved 1, deleted 0"))
        #expect(try ours().count == 1)
        #expect((try ours().first?["start"] as? [String: Any])?["dateTime"] as? String == "2026-11-27T13:00:00.0000000")
        #expect(try world.sync().contains("exported 0, moved 0, deleted 0"))
        #expect(try world.blocks("outlook").isEmpty)

        try world.world.succeed("bookings", "cancel", code)
        #expect(try world.sync().contains("exported 0, moved 0, deleted 1"))
        #expect(try ours().isEmpty)
        #expect(try world.exportRows("outlook").isEmpty)
        #expect(try world.sync().contains("exported 0, moved 0, deleted 0"))
        #expect(try world.blocks("outlook").isEmpty)
        #expect(try state()["posts"] as? Int == 1)
    }

    @Test("the exported event deleted in Outlook, then the booking rescheduled: the sync makes a new event instead of failing")
    func exportedEventDeletedThenRescheduled() throws {
        try connect()
        let code = try world.book("Coupe femme", "2026-11-26", "10:00")
        #expect(try world.sync().contains("exported 1"))
        let id = try #require(try storedEvents().first?["id"] as? String)
        try fake.control(["delete": [id]])
        try world.world.succeed("bookings", "reschedule", code, "--date", "2026-11-27", "--time", "14:00")
        let moved = try world.run(["sync", "calendars"])
        #expect(moved.status == 0, "\(moved.stdout)\(moved.stderr)")
        #expect(moved.stdout.contains("outlook  imported 0, removed 0, exported 1, moved 0, deleted 0"), "\(moved.stdout)")
        let events = try storedEvents().filter { ($0["subject"] as? String ?? "").contains(code) }
        #expect(events.count == 1)
        #expect((events.first?["start"] as? [String: Any])?["dateTime"] as? String == "2026-11-27T13:00:00.0000000")
        #expect(try world.exportRows("outlook").first?.first == events.first?["id"] as? String)
        #expect(try world.sync().contains("exported 0, moved 0, deleted 0"))
    }

    // MARK: - Tokens

    @Test("an expired access token is refreshed; the rotated tokens are stored encrypted and used next time")
    func expiredAccessToken() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let before = try world.stored("outlook")
        try fake.control(["expireAccessToken": true])
        #expect(try world.sync().contains("outlook  imported 0, removed 0"))
        let after = try world.stored("outlook")
        #expect(after.accessSealed != before.accessSealed)
        #expect(after.refreshSealed != before.refreshSealed)
        let live = try state()
        let access = try world.box.open(after.accessSealed)
        let refresh = try world.box.open(try #require(after.refreshSealed))
        #expect((live["accessTokens"] as? [String])?.contains(access) == true)
        #expect((live["refreshTokens"] as? [String]) == [refresh], "the stored refresh token is the only one the fake still takes")
        #expect(!after.accessSealed.contains(access) && !(after.refreshSealed ?? "").contains(refresh))
        // The old refresh token is dead now: a second expiry works only with the rotated one stored.
        try fake.control(["expireAccessToken": true])
        #expect(try world.sync().contains("outlook  imported 0, removed 0"))
        #expect(try world.box.open(try world.stored("outlook").refreshSealed ?? "") != refresh)
        #expect(try world.blocks("outlook") == Self.weekBlocks)
    }

    @Test("a revoked grant: exit 77, needs_reauth, the command to run; the blocks stay")
    func revokedGrant() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let rows = try world.importedRows("outlook")
        try fake.control(["revoke": true])
        let result = try world.run(["sync", "calendars"])
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains("artisanctl calendars connect outlook"), "\(result.stderr)")
        #expect(try world.listed().first?["state"] as? String == "needs_reauth")
        #expect(try world.importedRows("outlook") == rows)
    }

    // MARK: - Failures

    @Test("429 with Retry-After, then success: exit 0")
    func rateLimitedThenSuccess() throws {
        try fake.control(["events": Self.week])
        try connect()
        try fake.control(["fail": [["path": "/calendarView/delta", "status": 429, "retryAfter": 1]]])
        let started = Date()
        let output = try world.sync()
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(output.contains("outlook  imported 5"), "\(output)")
        #expect(try deltas().map(\.status) == [429, 200])
        #expect(try world.blocks("outlook") == Self.weekBlocks)
    }

    @Test("a persistent 500: exit 75, the blocks unchanged; the next run recovers")
    func persistentServerError() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let rows = try world.importedRows("outlook")
        try fake.control(["delete": ["later"], "fail": [["path": "/calendarView/delta", "status": 500, "times": 3]]])
        let result = try world.run(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stderr.contains("HTTP 500"), "\(result.stderr)")
        #expect(try deltas().suffix(3).map(\.status) == [500, 500, 500])
        #expect(try world.importedRows("outlook") == rows)
        #expect(try world.listed().first?["state"] as? String == "error")
        #expect(try world.sync().contains("outlook  imported 0, removed 1"))
        #expect(try world.listed().first?["state"] as? String == "active")
    }

    @Test("malformed JSON: exit 75, the blocks kept")
    func malformedAnswer() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.sync()
        let rows = try world.importedRows("outlook")
        try fake.control(["fail": [["path": "/calendarView/delta", "malformed": true]]])
        let result = try world.run(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(try world.importedRows("outlook") == rows)
        #expect(try world.sync().contains("outlook  imported 0, removed 0"))
        #expect(try world.importedRows("outlook") == rows)
    }

    @Test("two syncs at once: while one holds the lock the other exits 75 at once; with --wait it waits, then succeeds")
    func concurrentSyncs() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.raceForTheLock(fake, listing: "/calendarView/delta", held: { (try fake.get("/_state") as? [String: Any])?["held"] as? Int ?? -1 },
                                 provider: "outlook")
        #expect(try world.blocks("outlook") == Self.weekBlocks)
    }

    // MARK: - Secrets

    @Test("no token in clear: not in pg_dump, not in --verbose output")
    func noSecretInClear() throws {
        try fake.control(["events": Self.week])
        try connect()
        try world.book("Coupe femme", "2026-11-26", "10:00")
        try fake.control(["expireAccessToken": true])
        let verbose = try world.run(["sync", "calendars", "--verbose"])
        #expect(verbose.status == 0, "\(verbose.stderr)")
        try fake.control(["revoke": true])
        let revoked = try world.run(["sync", "calendars", "--verbose"])
        #expect(revoked.status == 77)
        let entries = try log()
        var secrets = Set(entries.compactMap { ($0["authorization"] as? String)?.replacingOccurrences(of: "Bearer ", with: "") })
        for entry in entries {
            for (name, value) in entry["form"] as? [String: String] ?? [:] where name.hasSuffix("token") { secrets.insert(value) }
        }
        secrets.insert(Self.refreshToken)
        #expect(secrets.count >= 4, "\(secrets)")
        let dump = try world.dump()
        #expect(dump.contains("calendar_connections"))
        for secret in secrets where !secret.isEmpty {
            #expect(!dump.contains(secret), "pg_dump shows \(secret)")
            for output in [verbose, revoked] {
                #expect(!(output.stdout + output.stderr).contains(secret), "output shows \(secret)")
            }
        }
    }

    // MARK: - Interactive connection

    @Test("connect outlook with the device code: the code on stderr, polling until signed in, a stored connection")
    func deviceCodeConnect() throws {
        try fake.control(["deviceFlow": ["pending": 1, "slowDown": 0, "interval": 1]])
        let result = try world.run(["calendars", "connect", "outlook"], stdin: "")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("https://microsoft.com/devicelogin"), "\(result.stderr)")
        #expect(result.stderr.contains("FAKE"), "\(result.stderr)")
        let polls = try log().filter { ($0["path"] as? String ?? "").hasSuffix("/token") }
        #expect(polls.map { $0["status"] as? Int } == [400, 200])
        #expect(polls.allSatisfy { ($0["form"] as? [String: String])?["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code" })
        let listed = try world.listed()
        #expect(listed.first?["provider"] as? String == "outlook")
        #expect(listed.first?["account"] as? String == "artisan@example.com")
        try fake.control(["events": Self.week])
        #expect(try world.sync().contains("outlook  imported 5"))
    }

    @Test("connect outlook with the device code, sign-in refused: a non-zero exit and nothing stored")
    func deviceCodeDeclined() throws {
        try fake.control(["deviceFlow": ["pending": 0, "slowDown": 0, "interval": 1, "outcome": "authorization_declined"]])
        let result = try world.run(["calendars", "connect", "outlook"], stdin: "")
        #expect(result.status == 77, "\(result.status) \(result.stderr)")
        #expect(try world.world.count("calendar_connections") == 0)
    }

    // MARK: - Several providers

    @Test("one provider failing never stops the others: Google answering 500, Outlook and Apple (Radicale) still synced; exit 75")
    func oneFailingProvider() throws {
        let both = try OAuthSyncWorld(google: true, graph: true)
        let google = both.google!, graph = both.graph!
        // Apple: a real CalDAV server.
        let password = "app-specific-s3cret-pw"
        let radicaleDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("radicale-\(UUID().uuidString)").path
        let radicale = try FakeServer.start("radicale", arguments: [radicaleDirectory, "lea", password], python: FakeServer.venvPython)
        defer { radicale.stop() }
        let authorization = ("Authorization", "Basic " + Data("lea:\(password)".utf8).base64EncodedString())
        let calendarURL = radicale.url + "/lea/work/"
        #expect(try CurlTransport().send(HTTPRequest(method: "MKCALENDAR", url: calendarURL, headers: [authorization])).status == 201)
        let ics = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:one@test", "DTSTAMP:20261101T000000Z",
                   "DTSTART:20261130T080000Z", "DTEND:20261130T090000Z", "END:VEVENT", "END:VCALENDAR", ""].joined(separator: "\r\n")
        let put = try CurlTransport().send(HTTPRequest(method: "PUT", url: calendarURL + "one.ics", headers: [authorization, ("Content-Type", "text/calendar")],
                                                       body: Array(ics.utf8)))
        #expect((200...299).contains(put.status))

        try google.control(["events": GoogleSyncTests.week])
        try graph.control(["events": [Self.event("o1", "2026-11-26T13:00:00Z", "2026-11-26T14:00:00Z")]])
        try both.succeed(["calendars", "connect", "google", "--refresh-token-stdin"], stdin: GoogleSyncTests.refreshToken + "\n")
        try both.succeed(["calendars", "connect", "outlook", "--refresh-token-stdin"], stdin: Self.refreshToken + "\n")
        try both.succeed(["calendars", "connect", "apple", "--username", "lea", "--password-stdin", "--url", radicale.url + "/"], stdin: password + "\n")
        #expect(try both.listed().map { $0["provider"] as? String } == ["apple", "google", "outlook"])

        // All three work.
        let first = try both.sync()
        #expect(first.contains("apple    imported 1"), "\(first)")
        #expect(first.contains("google   imported 5"), "\(first)")
        #expect(first.contains("outlook  imported 1"), "\(first)")
        let googleRows = try both.importedRows("google")

        // Google fails for good; the others change and still sync, before and after it in order.
        try google.control(["fail": [["path": "/events", "status": 500, "times": -1]]])
        try graph.control(["events": [Self.event("o2", "2026-11-27T13:00:00Z", "2026-11-27T14:00:00Z")]])
        let code = try both.book("Coupe femme", "2026-11-28", "10:00")
        let result = try both.run(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stderr)")
        let lines = lines(result.stdout)
        #expect(lines.count == 3, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("apple    imported 0, removed 0, exported 1") && $0.hasSuffix(": ok") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("google   ") && $0.hasSuffix(": temporary") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("outlook  imported 1, removed 0, exported 1") && $0.hasSuffix(": ok") }, "\(result.stdout)")
        #expect(result.stderr.contains("the google sync failed"), "\(result.stderr)")
        #expect(try both.blocks("outlook") == ["2026-11-26T13:00/2026-11-26T14:00", "2026-11-27T13:00/2026-11-27T14:00"])
        #expect(try both.blocks("apple") == ["2026-11-30T08:00/2026-11-30T09:00"])
        #expect(try both.importedRows("google") == googleRows)
        #expect(((try graph.get("/_state") as? [String: Any])?["events"] as? [[String: Any]] ?? []).contains { ($0["subject"] as? String ?? "").contains(code) })
        let states = Dictionary(uniqueKeysWithValues: try both.listed().map { ($0["provider"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(states == ["apple": "active", "google": "error", "outlook": "active"])

        // --provider outlook alone: exit 0, Google not even asked.
        let googleCalls = ((try google.get("/_control") as? [String: Any])?["requests"] as? [Any])?.count
        #expect(try both.sync(["--provider", "outlook"]).contains("outlook  imported 0"))
        #expect(((try google.get("/_control") as? [String: Any])?["requests"] as? [Any])?.count == googleCalls)
    }
}
