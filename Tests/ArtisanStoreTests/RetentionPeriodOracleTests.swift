import ArtisanCore
import ArtisanStore
import Testing
import TestSupport

/// `--older-than`'s arithmetic against a reader we did not write: PostgreSQL's own interval
/// subtraction on UTC timestamps, which clamps a day the target month lacks the same way.
@Suite("Retention periods agree with PostgreSQL's interval arithmetic")
struct RetentionPeriodOracleTests {
    @Test("2,000 random instants (a third on a month's last days) and periods of every unit give PostgreSQL's instant")
    func agreeWithPostgreSQL() throws {
        let database = try TestDatabase.empty()
        let connection = try database.connect()
        defer { connection.close() }
        var random = SeededGenerator(seed: 0x5EED_0701)
        let units: [(RetentionPeriod.Unit, String)] = [(.years, "years"), (.months, "months"), (.weeks, "weeks"), (.days, "days")]
        var cases: [(now: Timestamp, period: RetentionPeriod, interval: String)] = []
        // From year 200, so that a hundred years back stays in PostgreSQL's AD years.
        let from = Timestamp(iso8601: "0200-01-01T00:00:00Z")!.secondsSinceEpoch, to = Timestamp(iso8601: "9999-12-31T23:59:59Z")!.secondsSinceEpoch
        for _ in 0..<2_000 {
            var seconds = Int64(random.int(Int(from)...Int(to)))
            if random.chance(33) {
                let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
                let date = LocalDate(daysSinceEpoch: Int(day))
                let last = LocalDate(year: date.year, month: date.month, day: CivilCalendar.daysInMonth(year: date.year, month: date.month) - random.int(0...2))!
                seconds = Int64(last.daysSinceEpoch) * 86_400 + (seconds - day * 86_400)
            }
            let (unit, word) = random.pick(units)
            let period = RetentionPeriod(amount: random.int(1...(random.chance(50) ? 40 : unit.maximum)), unit: unit)!
            cases.append((Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + Int64(random.int(0...999_999))), period, "\(period.amount) \(word)"))
        }
        let instants = "{" + cases.map { "\"\($0.now.iso8601())\"" }.joined(separator: ",") + "}"
        let intervals = "{" + cases.map { "\"\($0.interval)\"" }.joined(separator: ",") + "}"
        let rows = try connection.query("""
            SELECT ((t AT TIME ZONE 'UTC') - i) AT TIME ZONE 'UTC' AS cutoff
            FROM unnest(\(instants)::timestamptz[], \(intervals)::interval[]) WITH ORDINALITY AS x(t, i, n) ORDER BY n
            """)
        #expect(rows.count == cases.count)
        var disagreements: [String] = []
        for (row, item) in zip(rows, cases) {
            let theirs = try row.decode("cutoff", as: Timestamp.self), ours = item.period.before(item.now)
            if theirs != ours { disagreements.append("\(item.period) before \(item.now): ours \(ours), PostgreSQL \(theirs)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
    }
}
