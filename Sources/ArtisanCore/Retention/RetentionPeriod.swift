/// How long data is kept, as `data purge --older-than` spells it: `2y`, `18m`, `6w`, `90d` (a whole
/// number and one lower-case unit), from one day to a hundred years.
///
/// Counted back on the UTC calendar, from the injected clock: a purge covers every artisan and
/// tables that belong to none (Stripe's events, Idempotency-Keys), so no one artisan's zone can
/// decide it, and UTC has no DST change to make a day 23 or 25 hours long. Years and months move
/// the calendar month and keep the day and the time of day; a day the target month lacks (the
/// 31st, 29 February) falls back to that month's last day, as PostgreSQL's interval arithmetic
/// does. Weeks and days are 7 and 1 times 24 hours.
public struct RetentionPeriod: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable {
        case years = "y", months = "m", weeks = "w", days = "d"

        /// The most of this unit a period may hold: a hundred years of it.
        public var maximum: Int {
            switch self {
            case .years: 100
            case .months: 1_200
            case .weeks: 5_200
            case .days: 36_500
            }
        }
    }

    public let amount: Int
    public let unit: Unit

    /// Spec 6.5: bookings are deleted after two years.
    public static let standard = RetentionPeriod(amount: 2, unit: .years)!

    /// Nil unless `amount` is from 1 to the unit's maximum.
    public init?(amount: Int, unit: Unit) {
        guard (1...unit.maximum).contains(amount) else { return nil }
        self.amount = amount
        self.unit = unit
    }

    /// `2y`, `18m`, `6w`, `90d`; nil for anything else.
    public init?(_ text: String) {
        guard let last = text.last, let unit = Unit(rawValue: String(last)) else { return nil }
        let digits = text.dropLast().utf8
        // Digits only: no sign, no space, no fraction; ASCIIDigits also refuses what overflows an Int.
        guard let amount = ASCIIDigits.value(digits) else { return nil }
        self.init(amount: amount, unit: unit)
    }

    /// The flag's value, or a refusal naming the field and the rule.
    public static func parse(_ text: String, field: String) throws -> RetentionPeriod {
        guard let period = RetentionPeriod(Validate.trimmed(text)) else {
            throw ArtisanError.invalid(field: field, """
                must be a whole number of years, months, weeks or days such as 2y, 18m, 6w or 90d, \
                from 1d to 100y (got '\(text)')
                """)
        }
        return period
    }

    public var description: String { "\(amount)\(unit.rawValue)" }

    /// The instant this long before `instant` (see the type's note), stopping at 0001-01-01T00:00:00Z.
    public func before(_ instant: Timestamp) -> Timestamp {
        switch unit {
        case .days: instant.adding(seconds: -Int64(amount) * 86_400)
        case .weeks: instant.adding(seconds: -Int64(amount) * 7 * 86_400)
        case .months: Self.months(amount, before: instant)
        case .years: Self.months(amount * 12, before: instant)
        }
    }

    private static let microsecondsPerDay: Int64 = 86_400_000_000

    private static func months(_ count: Int, before instant: Timestamp) -> Timestamp {
        let micros = instant.microseconds
        let day = micros >= 0 ? micros / microsecondsPerDay : (micros - microsecondsPerDay + 1) / microsecondsPerDay
        let timeOfDay = micros - day * microsecondsPerDay
        let civil = CivilCalendar.civil(days: Int(day))
        let monthIndex = civil.year * 12 + (civil.month - 1) - count
        let year = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
        guard year >= 1 else { return Timestamp(microsecondsSinceEpoch: Timestamp.range.lowerBound) }
        let month = monthIndex - year * 12 + 1
        let target = CivilCalendar.days(year: year, month: month, day: min(civil.day, CivilCalendar.daysInMonth(year: year, month: month)))
        return Timestamp(microsecondsSinceEpoch: Int64(target) * microsecondsPerDay + timeOfDay)
    }
}
