import ArtisanCore
import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// Busy time stays complete as the clock moves (issue 8, §1): after any sequence of syncs at any
/// clock times, the imported blocks within the horizon equal what a full fetch at the latest clock
/// gives — for Google, Outlook and CalDAV alike — through the binary, with `ARTISANCTL_NOW` moved
/// between runs (a day, weeks, past the horizon, and back) and events created, moved and deleted
/// in between.
@Suite("sync as time moves, through the binary")
struct SyncAsTimeMovesTests {
    static let horizonDays = 30
    /// The clock of the first run: Tuesday 2026-11-24 09:00 Paris.
    static let origin = Timestamp(iso8601: "2026-11-24T08:00:00Z")!

    /// A remote calendar the test edits: event id → [start, end) in UTC.
    struct Remote {
        var events: [String: (start: Timestamp, end: Timestamp)] = [:]
        let upsert: (String, Timestamp, Timestamp) throws -> Void
        let delete: (String) throws -> Void

        mutating func put(_ id: String, day: Double, hours: Int = 2) throws {
            let start = SyncAsTimeMovesTests.origin.adding(minutes: Int(day * 1440))
            events[id] = (start, start.adding(minutes: hours * 60))
            try upsert(id, start, events[id]!.end)
        }

        mutating func remove(_ id: String) throws {
            events[id] = nil
            try delete(id)
        }
    }

    static func minute(_ instant: Timestamp) -> String { String(instant.iso8601().prefix(16)) }

    /// The blocks a full fetch at `now` gives within the horizon, as `start/end` UTC minutes.
    static func expected(_ remote: Remote, now: Timestamp) -> [String] {
        let end = now.adding(minutes: horizonDays * 1440)
        return remote.events.values.filter { $0.end > now && $0.start < end }.map { minute($0.start) + "/" + minute($0.end) }.sorted()
    }

    /// The stored blocks within the horizon at `now`; and whether every stored block is still to come.
    static func actual(_ blocks: [String], now: Timestamp) -> (inWindow: [String], allCurrent: Bool) {
        let from = minute(now), to = minute(now.adding(minutes: horizonDays * 1440))
        let spans = blocks.map { $0.split(separator: "/").map(String.init) }
        return (spans.filter { $0[1] > from && $0[0] < to }.map { $0.joined(separator: "/") }.sorted(), spans.allSatisfy { $0[1] > from })
    }

    /// Days, weeks and past the horizon: the same steps for every provider. `sync` runs the binary
    /// at the clock given and returns the stored blocks.
    static func scenario(_ remote: inout Remote, sync: (Timestamp) throws -> [String]) throws {
        func check(_ day: Double, _ note: String) throws {
            let now = origin.adding(minutes: Int(day * 1440))
            let stored = actual(try sync(now), now: now)
            #expect(stored.inWindow == expected(remote, now: now), "day \(day): \(note)")
            #expect(stored.allCurrent, "day \(day): blocks that ended are pruned")
        }
        try remote.put("near", day: 10)
        try remote.put("beyond", day: 45)
        try remote.put("far", day: 100)
        try check(0, "first sync: only what lies within the horizon")
        try check(1, "a day later, nothing changed")
        try remote.put("near", day: 20)
        try remote.put("soon", day: 5)
        try check(2, "one event moved, one created")
        try check(20, "three weeks later: the unchanged event beyond the first horizon is now within it")
        try remote.remove("beyond")
        try check(21, "deleted")
        try remote.put("far", day: 60)
        try check(21.01, "moved, but still beyond the horizon")
        try check(40, "past the first events: they are gone, the moved one is within the horizon")
        try check(75, "past every event")
        try check(40, "the clock moved back: what the later runs dropped comes back")
    }

    static func setHorizon(_ run: ([String]) throws -> Binary.Result) throws {
        let result = try run(["artisan", "set", "--horizon-days", String(horizonDays)])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("Google: incremental sync tokens, with a full listing only when the horizon passes the last one's reach")
    func google() throws {
        let world = try OAuthSyncWorld(google: true)
        let fake = world.google!
        try Self.setHorizon { try world.run($0) }
        try world.succeed(["calendars", "connect", "google", "--refresh-token-stdin"], stdin: GoogleSyncTests.refreshToken + "\n")
        var remote = Remote(upsert: { id, start, end in
            try fake.control(["events": [GoogleSyncTests.timed(id, start.iso8601(), end.iso8601())]])
        }, delete: { id in try fake.control(["cancel": [id]]) })
        try Self.scenario(&remote) { now in
            try world.succeed(["sync", "calendars", "--quiet"], environment: ["ARTISANCTL_NOW": now.iso8601()])
            return try world.blocks("google")
        }
        let listings = ((try fake.get("/_control") as? [String: Any])?["requests"] as? [[String: Any]] ?? [])
            .filter { ($0["method"] as? String) == "GET" && ($0["path"] as? String ?? "").hasSuffix("/events") }
            .map { $0["query"] as? [String: [String]] ?? [:] }
        // Full at days 0, 20 (50 > 37), 40 (70 > 57), 75 and 40 again (back in time); incremental at 1, 2, 21, 21.01.
        #expect(listings.filter { $0["syncToken"] == nil }.count == 5)
        #expect(listings.filter { $0["syncToken"] != nil }.count == 4)
    }

    @Test("Outlook: delta links, with a full round only when the horizon passes the last one's reach")
    func outlook() throws {
        let world = try OAuthSyncWorld(graph: true)
        let fake = world.graph!
        try Self.setHorizon { try world.run($0) }
        try world.succeed(["calendars", "connect", "outlook", "--refresh-token-stdin"], stdin: "refresh-1\n")
        var remote = Remote(upsert: { id, start, end in
            try fake.control(["events": [["id": id, "subject": "Event \(id)", "start": start.iso8601(), "end": end.iso8601()]]])
        }, delete: { id in try fake.control(["delete": [id]]) })
        try Self.scenario(&remote) { now in
            try world.succeed(["sync", "calendars", "--quiet"], environment: ["ARTISANCTL_NOW": now.iso8601()])
            return try world.blocks("outlook")
        }
        let log = try fake.get("/_log") as? [[String: Any]] ?? []
        let rounds = log.filter { ($0["path"] as? String ?? "").hasSuffix("/calendarView/delta") }
        #expect(rounds.filter { ($0["query"] as? String ?? "").contains("startDateTime") }.count == 5)
        #expect(rounds.filter { ($0["query"] as? String ?? "").contains("deltatoken") }.count == 4)
    }

    @Test("CalDAV (Radicale): the unchanged ctag skips the fetch only while the horizon stays within the last fetch's reach")
    func caldav() throws {
        let dav = try CalendarSyncTests()
        try Self.setHorizon { try dav.artisanctl($0) }
        try dav.connect()
        var remote = Remote(upsert: { id, start, end in
            try dav.putEvent(id, ["SUMMARY:Event \(id)", "DTSTART:" + ICalendarTime.utc(start), "DTEND:" + ICalendarTime.utc(end)])
        }, delete: { id in
            let response = try dav.dav("DELETE", dav.calendarURL + id + ".ics", body: nil)
            #expect((200...299).contains(response.status), "DELETE \(id): \(response.status)")
        })
        try Self.scenario(&remote) { now in
            var environment = dav.environment
            environment["ARTISANCTL_NOW"] = now.iso8601()
            let result = try dav.artisanctl(["sync", "calendars", "--quiet"], environment: environment)
            #expect(result.status == 0, "sync at \(now.iso8601()): \(result.stderr)")
            return try dav.blocks()
        }
    }
}

/// `YYYYMMDDTHHMMSSZ`, as iCalendar writes a UTC instant.
enum ICalendarTime {
    static func utc(_ instant: Timestamp) -> String {
        instant.iso8601().prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
    }
}
