import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `calendars feed` for an artisan in every zone of the system's tz database, with bookings around
/// each change of offset of 2011 and 2026, read by `icalendar` (PyPI) with the feed's own VTIMEZONE
/// and by our own reader: both must give the database's instants.
@Suite("calendar feed in every zone")
struct CalendarFeedOracleTests {
    /// The zone names of the system's tz database: its TZif files, without the posix/ and right/
    /// copies and without `localtime` (this machine's zone, not a name of the database).
    static func zoneNames() -> [String] {
        let root = "/usr/share/zoneinfo/"
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return files.filter { name in
            guard !name.hasPrefix("posix/"), !name.hasPrefix("right/"), name != "localtime",
                  let handle = FileHandle(forReadingAtPath: root + name) else { return false }
            defer { try? handle.close() }
            return (try? handle.read(upToCount: 4)) == Data("TZif".utf8)
        }.sorted()
    }

    /// Starts of one-hour bookings: mid-January and mid-July, and a day before, half an hour before
    /// (straddling) and a day after each change of the year; none overlapping another.
    static func bookingStarts(_ zone: ZoneRules, years: [Int]) -> [Timestamp] {
        var starts: [Timestamp] = []
        for year in years {
            let first = Timestamp(date: LocalDate(year: year, month: 1, day: 1)!), next = Timestamp(date: LocalDate(year: year + 1, month: 1, day: 1)!)
            starts += [first.adding(minutes: 14 * 1440 + 720), first.adding(minutes: 195 * 1440 + 720)]
            for change in zone.transitions(from: first, to: next) {
                starts += [change.instant.adding(minutes: -1440), change.instant.adding(minutes: -30), change.instant.adding(minutes: 1440)]
            }
        }
        return starts.sorted().reduce(into: []) { kept, start in
            if kept.last.map({ start >= $0.adding(minutes: 60) }) ?? true { kept.append(start) }
        }
    }

    @Test("every zone: icalendar and our reader compute the bookings' instants from the feed's VTIMEZONE")
    func everyZone() throws {
        let database = try TestDatabase.migrated()
        let connection = try database.connect()
        let loader = ZoneRulesLoader(timeZones: SystemTimeZones(environment: [:]))
        let names = Self.zoneNames()
        var cases: [[String: Any]] = []
        var ownDifferences: [String] = []
        for (index, name) in names.enumerated() {
            let zone = try loader.rules(for: name)
            let starts = Self.bookingStarts(zone, years: [2011, 2026]).map { $0.iso8601() }
            try connection.execute("""
                WITH a AS (INSERT INTO artisans (display_name, email, timezone) VALUES (\(name), \("z\(index)@test"), \(name)) RETURNING id),
                s AS (INSERT INTO services (artisan_id, name, duration_minutes, base_price_cents, deposit_rate)
                      SELECT id, 'Coupe', 60, 4500, 0.30 FROM a RETURNING id, artisan_id)
                INSERT INTO bookings (public_code, artisan_id, service_id, customer_name, customer_email, start_datetime, duration_minutes,
                                      price_cents, deposit_amount_cents, deposit_rate)
                SELECT 'Z' || \(index) || '-' || n, s.artisan_id, s.id, 'Ada Lovelace', 'ada@example.com', t, 60, 4500, 1350, 0.30
                FROM s, unnest(\("{" + starts.joined(separator: ",") + "}")::timestamptz[]) WITH ORDINALITY AS u(t, n)
                """)
            let expected = try connection.query("""
                SELECT 'booking-' || b.id || '@artisanconnect' AS uid,
                       to_char(b.start_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS start,
                       to_char((b.start_datetime + make_interval(mins => b.duration_minutes)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS end
                FROM bookings b JOIN artisans a ON a.id = b.artisan_id WHERE a.email = \("z\(index)@test")
                """).reduce(into: [String: [String]]()) { table, row in table[try row.decode("uid")] = [try row.decode("start"), try row.decode("end")] }
            let feed = try runApplication(["calendars", "feed", "--artisan", "z\(index)@test", "--from", "2010-12-01", "--to", "2027-01-31"],
                                          environment: database.environment)
            #expect(feed.status == 0, "\(name): \(feed.stderr)")
            cases.append(["zone": name, "document": feed.stdout, "expected": expected])
            // Our own reader, made to use the feed's VTIMEZONE: the zone lookup knows nothing.
            let read = try ICalendar.events(in: feed.stdout, localZone: zone, zone: { _ in nil })
            for event in read where expected[event.uid] != [event.start.iso8601(), event.end.iso8601()] {
                ownDifferences.append("\(name) \(event.uid): read \(event.start)/\(event.end), expected \(expected[event.uid] ?? [])")
            }
            #expect(read.count == expected.count, "\(name)")
        }
        #expect(ownDifferences.isEmpty, "\(ownDifferences.count) differences:\n\(ownDifferences.prefix(40).joined(separator: "\n"))")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("feed-oracle-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: cases).write(to: file)
        let oracle = try Subprocess.run([FakeServer.venvPython, FakeServer.fixtures.appendingPathComponent("ical_oracle.py").path, file.path])
        #expect(oracle.status == 0, "\(oracle.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(oracle.stdout.utf8)) as? [String: Any])
        let differences = report["differences"] as? [String] ?? ["no report"]
        let events = cases.reduce(0) { $0 + (($1["expected"] as? [String: [String]])?.count ?? 0) }
        print("calendar feed oracle: \(report["zones"] ?? "?") zones, \(report["events"] ?? "?") events read by icalendar (\(events) bookings)")
        #expect(report["zones"] as? Int == names.count && names.count > 400)
        #expect(report["events"] as? Int == events)
        #expect(differences.isEmpty, "\(differences.count) differences:\n\(differences.prefix(60).joined(separator: "\n"))")
    }
}
