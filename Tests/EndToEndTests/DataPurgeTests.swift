import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `data purge` through the binary against PostgreSQL: exactly what is past each cut-off goes
/// (rows a second past, exactly at and a second inside every cut-off), a dry run changes nothing
/// and counts what the real run then removes, a second run removes nothing, bookings made at one
/// clock go two years later to the second, a category that fails on a lock is left whole while
/// the others are purged, and --older-than and the confirmation refuse what they should.
@Suite("data purge: the retention rule, end to end")
struct DataPurgeTests {
    @Test("a dry run changes nothing; the real run removes exactly what is past each cut-off, as counted; a second run removes nothing")
    func exactlyWhatIsPast() throws {
        let world = try CatalogueWorld.demo()
        try RetentionHistory.seed(world)
        let before = try world.retentionSnapshot()

        let dry = try world.purge(["--dry-run"], at: RetentionHistory.now)
        #expect(try world.retentionSnapshot() == before, "a dry run changed the database")
        #expect(counts(dry) == RetentionHistory.removed)
        #expect(dry.values.allSatisfy { $0["dryRun"] as? Bool == true && $0["outcome"] as? String == "wouldRemove" })
        #expect(dry["bookings"]?["alongside"] as? [String: Int] == RetentionHistory.alongside)
        #expect(dry["bookings"]?["before"] as? String == RetentionHistory.cutoff)
        #expect(dry["busyBlocks"]?["before"] as? String == RetentionHistory.now)
        #expect(dry["idempotencyKeys"]?["before"] as? String == RetentionHistory.keyCutoff)

        let real = try world.purge(["--yes"], at: RetentionHistory.now)
        #expect(counts(real) == counts(dry))
        #expect(real["bookings"]?["alongside"] as? [String: Int] == RetentionHistory.alongside)
        #expect(real.values.allSatisfy { $0["dryRun"] as? Bool == false && $0["outcome"] as? String == "removed" })
        #expect(try RetentionHistory.remaining(world.connection) == RetentionHistory.kept)
        // Stripe's events and Idempotency-Keys that named a purged booking stay, without the link.
        #expect(try world.countOf("SELECT count(*) AS n FROM stripe_events WHERE booking_id IS NOT NULL") == 0)
        #expect(try world.countOf("SELECT count(*) AS n FROM idempotency_keys WHERE booking_id IS NOT NULL") == 0)

        let after = try world.retentionSnapshot()
        let again = try world.purge(["--yes"], at: RetentionHistory.now)
        #expect(counts(again) == RetentionHistory.removed.mapValues { _ in 0 })
        #expect(try world.retentionSnapshot() == after, "a second run changed the database")
    }

    @Test("bookings made through the CLI go two years after they are over, to the second, with their events and messages")
    func clockMovedTwoYears() throws {
        let world = try CatalogueWorld.demo()
        // 60 minutes from 09:00 in Paris on 2026-11-26 and 2026-11-27: over at 10:00+01:00 on each day.
        let first = try world.createCode("Coupe femme", "2026-11-26", "09:00")
        let second = try world.createCode("Coupe femme", "2026-11-27", "09:00", name: "Jean Roux", email: "jean@example.com")
        try world.succeed("bookings", "cancel", second, "--reason", "malade")
        let firstID = try #require(try world.value("SELECT id::text FROM bookings WHERE public_code = \(first)"))
        #expect(try world.countOf("SELECT count(*) AS n FROM notifications WHERE booking_id = \(firstID)::uuid") > 0)
        #expect(try world.countOf("SELECT count(*) AS n FROM booking_events WHERE booking_id = \(firstID)::uuid") > 0)

        for (now, removed, left) in [("2028-11-26T09:59:59+01:00", 0, [first, second]), ("2028-11-26T10:00:00+01:00", 0, [first, second]),
                                     ("2028-11-26T10:00:01+01:00", 1, [second]), ("2028-11-27T10:00:00+01:00", 0, [second]),
                                     ("2028-11-27T10:00:00.000001+01:00", 1, [])] {
            let records = try world.purge(["--yes"], at: now)
            #expect(records["bookings"]?["count"] as? Int == removed, "at \(now)")
            let codes = try world.connection.query("SELECT public_code FROM bookings ORDER BY start_datetime").map { try $0.decode("public_code", as: String.self) }
            #expect(codes == left, "at \(now)")
        }
        #expect(try world.count("notifications") == 0 && world.count("booking_events") == 0)
    }

    @Test("a category that fails on a lock is left whole and named, exit 75; the categories before and after it are purged")
    func failingCategoryIsLeftWhole() throws {
        let world = try CatalogueWorld.demo()
        try RetentionHistory.seed(world)
        // Another transaction holds one of the two old Stripe events; the purge's sessions wait 200 ms
        // for a lock (the database's setting, as an administrator would make it), then give up.
        try world.connection.execute("ALTER DATABASE \(unsafeSQL: world.database.name) SET lock_timeout = '200ms'")
        let holder = try world.database.connect()
        defer { holder.close() }
        try holder.execute("BEGIN")
        try holder.execute("SELECT event_id FROM stripe_events WHERE event_id = 'evt_old' FOR UPDATE")

        let result = try world.run(["data", "purge", "--yes"], environment: ["ARTISANCTL_NOW": RetentionHistory.now])
        #expect(result.status == 75, "\(result.stderr)")
        let errors = lines(result.stderr)
        #expect(errors.count == 2 && errors[0].hasPrefix("artisanctl: error: webhook events were not purged: ") && errors[1].hasPrefix("hint: "),
                "\(result.stderr)")
        #expect(errors.first?.contains("lock timeout") == true, "\(result.stderr)")
        let table = lines(result.stdout).map(withoutTrailingSpaces)
        #expect(table.contains { $0.hasPrefix("webhook events") && $0.hasSuffix("failed") }, "\(result.stdout)")

        var expected = RetentionHistory.kept
        expected["stripe_events"] = ["evt_past_cutoff", "evt_at_cutoff", "evt_inside", "evt_old", "evt_of_AC-OUT001"]
        #expect(try RetentionHistory.remaining(world.connection) == expected)
        try holder.execute("ROLLBACK")

        let retried = try world.purge(["--yes"], at: RetentionHistory.now)
        #expect(counts(retried) == ["bookings": 0, "notifications": 0, "busyBlocks": 0, "webhookEvents": 2, "idempotencyKeys": 0])
        #expect(try RetentionHistory.remaining(world.connection) == RetentionHistory.kept)
    }

    @Test("hostile --older-than values are refused in one line naming the flag and the rule, exit 65, nothing changed", arguments: [
        "0", "0d", "0y", "-1y", "-2", "", " ", "2", "y", "2Y", "18M", "1.5y", "2 y", "+2y", "101y", "1201m", "5201w", "36501d",
        "99999999999999999999y", "9223372036854775808d", "２y", "2y'; DROP TABLE bookings; --", "\u{1b}[31m", "\t\n", "nan", "--help",
    ])
    func hostileOlderThan(value: String) throws {
        let world = try CatalogueWorld.demo()
        try RetentionHistory.seed(world)
        let before = try world.retentionSnapshot()
        for extra in [["--yes"], ["--dry-run"], []] {
            let result = try world.run(["data", "purge", "--older-than=\(value)"] + extra, environment: ["ARTISANCTL_NOW": RetentionHistory.now])
            #expect(result.status == 65, "--older-than=\(value) \(extra): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            let errors = lines(result.stderr)
            #expect(errors.count == 1 && errors[0].hasPrefix("artisanctl: error: --older-than: must be a whole number of years, months, weeks or days"),
                    "\(result.stderr)")
        }
        #expect(try world.retentionSnapshot() == before)
    }

    @Test("without a terminal a real purge needs --yes (exit 64, nothing changed); a dry run does not")
    func confirmation() throws {
        let world = try CatalogueWorld.demo()
        try RetentionHistory.seed(world)
        let before = try world.retentionSnapshot()
        let refused = try world.run(["data", "purge"], environment: ["ARTISANCTL_NOW": RetentionHistory.now])
        #expect(refused.status == 64 && refused.stdout.isEmpty)
        #expect(refused.stderr.hasPrefix("artisanctl: error: refusing to purge the data older than 2y (bookings over before 2026-11-24T09:00:00Z)"))
        let dry = try world.run(["data", "purge", "--dry-run"], environment: ["ARTISANCTL_NOW": RetentionHistory.now])
        #expect(dry.status == 0 && dry.stderr.contains("Dry run: nothing was removed."))
        #expect(lines(dry.stdout).first.map(withoutTrailingSpaces) == "WHAT                      BEFORE                WOULD REMOVE  WITH")
        #expect(try world.retentionSnapshot() == before)
    }

    @Test("the cut-off is the clock's instant moved on the UTC calendar, as PostgreSQL's interval arithmetic moves it", arguments: [
        ("2028-03-31T10:00:00Z", "1m", "1 month"), ("2028-02-29T10:00:00Z", "1y", "1 year"), ("2027-08-31T22:30:00-02:00", "18m", "18 months"),
        ("2028-11-24T09:00:00+01:00", "90d", "90 days"), ("2026-03-29T03:30:00+02:00", "6w", "6 weeks"),
    ])
    func cutoffFollowsPostgreSQL(now: String, period: String, interval: String) throws {
        let world = try CatalogueWorld.demo()
        let records = try world.purge(["--dry-run", "--older-than", period], at: now)
        let theirs = try #require(try world.value("""
            SELECT to_char(((\(now)::timestamptz AT TIME ZONE 'UTC') - \(interval)::interval), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            """))
        #expect(records["bookings"]?["before"] as? String == theirs)
    }
}
