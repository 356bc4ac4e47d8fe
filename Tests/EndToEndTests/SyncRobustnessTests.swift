import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// What one connection's trouble may and may not do to the others (issue 8, §1), through the binary.
@Suite("sync robustness, through the binary")
struct SyncRobustnessTests {
    static let travaux = "c_travaux@group.calendar.google.com"

    func events(_ fake: ProviderFake, calendar: String) throws -> [[String: Any]] {
        ((try fake.get("/_control") as? [String: Any])?["events"] as? [String: [[String: Any]]])?[calendar] ?? []
    }

    func tokenRequests(_ fake: ProviderFake) throws -> Int {
        ((try fake.get("/_control") as? [String: Any])?["requests"] as? [[String: Any]] ?? []).filter { ($0["path"] as? String) == "/token" }.count
    }

    @Test("reconnecting Google to another calendar exports every active booking to it once; reconnecting the same one duplicates nothing")
    func reconnectAnotherCalendar() throws {
        let world = try OAuthSyncWorld(google: true)
        let fake = world.google!
        let connect = { (calendar: [String]) in
            try world.succeed(["calendars", "connect", "google", "--refresh-token-stdin"] + calendar, stdin: GoogleSyncTests.refreshToken + "\n")
        }
        try connect([])
        try world.book("Coupe homme", "2026-11-26", "15:00")
        try world.book("Coupe femme", "2026-11-27", "10:00")
        #expect(try world.sync().contains("exported 2"))
        try connect(["--calendar", "Travaux"])
        #expect(try world.exportRows("google").isEmpty, "the old calendar's export records no longer count")
        #expect(try world.sync().contains("exported 2"))
        #expect(try world.sync().contains("exported 0, moved 0, deleted 0"))
        #expect(try events(fake, calendar: Self.travaux).count == 2)
        #expect(try events(fake, calendar: GoogleSyncTests.primary).count == 2, "the old calendar is left as it was")
        try connect(["--calendar", "Travaux"])
        #expect(try world.exportRows("google").count == 2, "the same calendar again: its export records still count")
        #expect(try world.sync().contains("exported 0, moved 0, deleted 0"))
        #expect(try events(fake, calendar: Self.travaux).count == 2)
    }

    @Test("reconnecting while a sync runs waits for it: the old calendar's token and exports never land on the new connection")
    func reconnectWaitsForSync() throws {
        let world = try OAuthSyncWorld(google: true)
        let fake = world.google!
        try world.succeed(["calendars", "connect", "google", "--refresh-token-stdin"], stdin: GoogleSyncTests.refreshToken + "\n")
        try world.book("Coupe homme", "2026-11-26", "15:00")
        try fake.control(["fail": [["path": "/events", "hold": true, "times": 1]]])
        let sync = OAuthSyncWorld.Background(["sync", "calendars"], world: world, name: "sync")
        defer { sync.stop() }
        #expect(try world.eventually { (try fake.get("/_control") as? [String: Any])?["held"] as? Int == 1 })
        let reconnect = OAuthSyncWorld.Background(["calendars", "connect", "google", "--refresh-token-stdin", "--calendar", "Travaux"],
                                                  world: world, name: "reconnect", stdin: GoogleSyncTests.refreshToken + "\n")
        defer { reconnect.stop() }
        #expect(try world.eventually { try world.waitingForLock() == 1 }, "the reconnection waits for the sync's lock")
        try fake.control(["release": true])
        #expect(try sync.finish(within: 120).status == 0)
        #expect(try reconnect.finish(within: 120).status == 0)
        #expect(try world.stored("google").syncToken == nil, "the new connection starts with a full fetch")
        #expect(try world.exportRows("google").isEmpty, "the old calendar's exports do not count")
        #expect(try world.sync().contains("exported 1"))
        #expect(try events(fake, calendar: Self.travaux).count == 1)
    }

    @Test("a database error while importing Google is Google's failure: Outlook still syncs, and Google's refreshed token is stored and used")
    func databaseErrorIsOneProvidersFailure() throws {
        let world = try OAuthSyncWorld(google: true, graph: true)
        try world.succeed(["calendars", "connect", "google", "--refresh-token-stdin"], stdin: GoogleSyncTests.refreshToken + "\n")
        try world.succeed(["calendars", "connect", "outlook", "--refresh-token-stdin"], stdin: "refresh-1\n")
        // A row the database refuses, as a value too long or a constraint would.
        try world.world.connection.execute("ALTER TABLE external_busy_blocks ADD CONSTRAINT test_poison CHECK (summary IS DISTINCT FROM 'Event poison')")
        try world.google!.control(["expireAccessToken": true,
                                   "events": [GoogleSyncTests.timed("poison", "2026-11-26T10:00:00+01:00", "2026-11-26T11:00:00+01:00")]])
        try world.graph!.control(["events": [["id": "fine", "subject": "Fine", "start": "2026-11-26T09:00:00Z", "end": "2026-11-26T10:00:00Z"]]])
        let before = try world.stored("google")
        let result = try world.run(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stdout.contains("google   imported 0") && result.stdout.contains("outlook  imported 1"), "\(result.stdout)")
        #expect(try world.blocks("outlook").count == 1)
        let after = try world.stored("google")
        #expect(after.state == "error")
        #expect(after.accessSealed != before.accessSealed, "the refreshed token is stored although the import failed")
        let refreshes = try tokenRequests(world.google!)
        try world.world.connection.execute("ALTER TABLE external_busy_blocks DROP CONSTRAINT test_poison")
        #expect(try world.sync().contains("google   imported 1"))
        #expect(try tokenRequests(world.google!) == refreshes, "the stored token works: no second refresh")
    }

    @Test("an event id longer than the column and an overlong summary are imported, and removed when cancelled")
    func overlongValues() throws {
        let world = try OAuthSyncWorld(google: true)
        try world.succeed(["calendars", "connect", "google", "--refresh-token-stdin"], stdin: GoogleSyncTests.refreshToken + "\n")
        let id = String(repeating: "a1", count: 300)
        try world.google!.control(["events": [GoogleSyncTests.timed(id, "2026-11-26T10:00:00+01:00", "2026-11-26T11:00:00+01:00",
                                                                    ["summary": String(repeating: "é", count: 2000)])]])
        #expect(try world.sync().contains("google   imported 1"))
        #expect(try world.blocks("google") == ["2026-11-26T09:00/2026-11-26T10:00"])
        try world.google!.control(["cancel": [id]])
        #expect(try world.sync().contains("google   imported 0, removed 1"))
        #expect(try world.blocks("google").isEmpty)
    }
}
