import ArtisanCore
import Testing
import TestSupport

/// `--older-than` and the cut-off instants it gives, without a database: the forms accepted and
/// refused, calendar months on the UTC calendar (month ends, 29 February), and each category's
/// own cut-off. PostgreSQL's interval arithmetic checks the calendar months in ArtisanStoreTests.
@Suite("Retention: the period and the cut-offs")
struct RetentionPolicyTests {
    func instant(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    @Test("the forms of --older-than: a whole number and y, m, w or d, up to a hundred years", arguments: [
        ("2y", 2, RetentionPeriod.Unit.years), ("18m", 18, .months), ("6w", 6, .weeks), ("90d", 90, .days), ("1d", 1, .days),
        ("100y", 100, .years), ("1200m", 1_200, .months), ("5200w", 5_200, .weeks), ("36500d", 36_500, .days), ("007d", 7, .days),
    ])
    func accepted(text: String, amount: Int, unit: RetentionPeriod.Unit) throws {
        let period = try RetentionPeriod.parse(text, field: "--older-than")
        #expect(period.amount == amount && period.unit == unit)
        #expect(RetentionPeriod(period.description) == period)
    }

    @Test("zero, negative, unitless, fractional, upper-case, too long and overflowing values are refused, naming the flag and the rule",
          arguments: ["0d", "0y", "-1y", "-2", "+2y", "2", "y", "", " ", "2x", "2Y", "2M", "1.5y", "2 y", "2yy", "y2", "101y", "1201m", "5201w",
                      "36501d", "99999999999999999999y", "9223372036854775808d", "２y", "٣d", "2y\u{0}", "nan", "inf", "1e999", "--help"])
    func refused(text: String) {
        #expect(RetentionPeriod(text) == nil)
        #expect(throws: ArtisanError.invalid(field: "--older-than", """
            must be a whole number of years, months, weeks or days such as 2y, 18m, 6w or 90d, from 1d to 100y (got '\(text)')
            """)) { try RetentionPeriod.parse(text, field: "--older-than") }
    }

    @Test("the default is the spec's two years")
    func standard() {
        #expect(RetentionPeriod.standard.description == "2y")
        #expect(RetentionPolicy().period == .standard)
    }

    @Test("months and years keep the day and the time; a day the month lacks falls back to its last", arguments: [
        ("2y", "2028-11-24T09:00:00Z", "2026-11-24T09:00:00Z"),
        ("1y", "2028-02-29T10:00:00Z", "2027-02-28T10:00:00Z"),
        ("4y", "2028-02-29T10:00:00Z", "2024-02-29T10:00:00Z"),
        ("2y", "2026-02-28T10:00:00Z", "2024-02-28T10:00:00Z"),
        ("1m", "2026-03-31T23:59:59.500000Z", "2026-02-28T23:59:59.500000Z"),
        ("1m", "2028-03-31T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("1m", "2026-05-31T12:00:00Z", "2026-04-30T12:00:00Z"),
        ("18m", "2027-08-31T08:00:00Z", "2026-02-28T08:00:00Z"),
        ("13m", "2027-01-15T08:00:00Z", "2025-12-15T08:00:00Z"),
        ("12m", "2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        ("1m", "1970-01-01T00:00:00Z", "1969-12-01T00:00:00Z"),
        ("1m", "1969-12-31T23:00:00Z", "1969-11-30T23:00:00Z"),
        ("100y", "0050-06-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("100y", "0101-03-31T10:00:00Z", "0001-03-31T10:00:00Z"),
    ])
    func calendarMonths(period: String, now: String, expected: String) {
        #expect(RetentionPeriod(period)!.before(instant(now)) == instant(expected))
    }

    @Test("weeks and days are 7 and 1 times 24 hours, across a DST change of Paris and a leap day")
    func daysAndWeeks() {
        #expect(RetentionPeriod("90d")!.before(instant("2026-11-24T09:00:00Z")) == instant("2026-08-26T09:00:00Z"))
        #expect(RetentionPeriod("1d")!.before(instant("2026-03-30T00:30:00Z")) == instant("2026-03-29T00:30:00Z"))
        #expect(RetentionPeriod("1d")!.before(instant("2028-03-01T00:00:00Z")) == instant("2028-02-29T00:00:00Z"))
        #expect(RetentionPeriod("6w")!.before(instant("2026-11-24T09:00:00.000001Z")) == instant("2026-10-13T09:00:00.000001Z"))
        #expect(RetentionPeriod("36500d")!.before(instant("0050-01-01T00:00:00Z")) == instant("0001-01-01T00:00:00Z"))
    }

    @Test("calendar months on random instants: the month moves by exactly the period, the time stays, the day is clamped")
    func monthsProperty() {
        forAll(seed: 0x5EED_0700) { random in
            var seconds = Int64(random.int(-62_135_596_800...253_402_300_799))
            if random.chance(30) {
                // A month's last days, where the clamping happens.
                let date = LocalDate(daysSinceEpoch: Int(seconds.floorDivided(by: 86_400)))
                let last = CivilCalendar.daysInMonth(year: date.year, month: date.month)
                let day = LocalDate(year: date.year, month: date.month, day: last - random.int(0...2))!
                seconds = Int64(day.daysSinceEpoch) * 86_400 + seconds.floorModulo(86_400)
            }
            let now = Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + Int64(random.int(0...999_999)))
            let unit = random.pick([RetentionPeriod.Unit.months, .years])
            let period = RetentionPeriod(amount: random.int(1...(random.chance(50) ? 30 : unit.maximum)), unit: unit)!
            let months = unit == .years ? period.amount * 12 : period.amount
            let (from, to) = (Self.civil(now), Self.civil(period.before(now)))
            let monthIndex = from.date.year * 12 + from.date.month - 1 - months
            guard monthIndex >= 12 else {
                return to.date == LocalDate(year: 1, month: 1, day: 1)! && to.time == 0 ? nil : "\(period) before \(now) should stop at year 1"
            }
            let expectedDay = min(from.date.day, CivilCalendar.daysInMonth(year: monthIndex / 12, month: monthIndex % 12 + 1))
            guard to.date.year * 12 + to.date.month - 1 == monthIndex, to.date.day == expectedDay, to.time == from.time else {
                return "\(period) before \(now) gave \(period.before(now))"
            }
            return nil
        }
    }

    /// The UTC day and the microsecond of that day.
    static func civil(_ instant: Timestamp) -> (date: LocalDate, time: Int64) {
        let day = instant.microseconds.floorDivided(by: 86_400_000_000)
        return (LocalDate(daysSinceEpoch: Int(day)), instant.microseconds - day * 86_400_000_000)
    }

    @Test("each category's cut-off: the period for bookings and messages, now for busy time, 24 hours for keys")
    func cutoffs() {
        let now = instant("2028-11-24T09:00:00Z")
        let policy = RetentionPolicy(period: RetentionPeriod("2y")!)
        #expect(policy.cutoff(for: .bookings, at: now) == instant("2026-11-24T09:00:00Z"))
        #expect(policy.cutoff(for: .notifications, at: now) == instant("2026-11-24T09:00:00Z"))
        #expect(policy.cutoff(for: .busyBlocks, at: now) == now)
        #expect(policy.cutoff(for: .webhookEvents, at: now) == instant("2026-11-24T09:00:00Z"))
        #expect(policy.cutoff(for: .idempotencyKeys, at: now) == instant("2028-11-23T09:00:00Z"))
    }

    @Test("a Stripe event is kept 30 days whatever the period; a key 24 hours whatever the period")
    func floors() {
        let now = instant("2028-03-01T00:00:00Z")
        let short = RetentionPolicy(period: RetentionPeriod("7d")!)
        #expect(short.cutoff(for: .bookings, at: now) == instant("2028-02-23T00:00:00Z"))
        #expect(short.cutoff(for: .webhookEvents, at: now) == instant("2028-01-31T00:00:00Z"))
        #expect(RetentionPolicy(period: RetentionPeriod("31d")!).cutoff(for: .webhookEvents, at: now) == instant("2028-01-30T00:00:00Z"))
        #expect(RetentionPolicy(period: RetentionPeriod("1d")!).cutoff(for: .idempotencyKeys, at: now) == instant("2028-02-29T00:00:00Z"))
        #expect(RetentionPolicy(period: RetentionPeriod("100y")!).cutoff(for: .idempotencyKeys, at: now) == instant("2028-02-29T00:00:00Z"))
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 { self >= 0 ? self / divisor : (self - divisor + 1) / divisor }
    func floorModulo(_ divisor: Int64) -> Int64 { self - floorDivided(by: divisor) * divisor }
}
