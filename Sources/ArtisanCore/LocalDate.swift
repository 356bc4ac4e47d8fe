/// A calendar day with no time zone (PostgreSQL `date`, the CLI's `YYYY-MM-DD`), from 0001-01-01
/// to 9999-12-31: what four digits spell. Arithmetic past either end stops there.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Fails on impossible days such as 2030-02-30.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        self.init(utf8: Array(text.utf8)[...])
    }

    /// `YYYY-MM-DD` from ten bytes.
    init?(utf8: ArraySlice<UInt8>) {
        let start = utf8.startIndex
        guard utf8.count == 10, utf8[start + 4] == UInt8(ascii: "-"), utf8[start + 7] == UInt8(ascii: "-"),
              let year = ASCIIDigits.value(utf8[start..<start + 4]),
              let month = ASCIIDigits.value(utf8[start + 5..<start + 7]),
              let day = ASCIIDigits.value(utf8[start + 8..<start + 10]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int { CivilCalendar.days(year: year, month: month, day: day) }

    /// Day numbers of 0001-01-01 and 9999-12-31.
    public static let dayRange = -719_162...2_932_896

    /// The day `days` after 1970-01-01, clamped to 0001-01-01…9999-12-31.
    public init(daysSinceEpoch days: Int) {
        let (year, month, day) = CivilCalendar.civil(days: min(max(days, Self.dayRange.lowerBound), Self.dayRange.upperBound))
        self.year = year
        self.month = month
        self.day = day
    }

    /// Clamped to 0001-01-01…9999-12-31, like every day number.
    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch.clampedAdding(days)) }

    /// 0 = Sunday … 6 = Saturday, as in the spec's `day_of_week`.
    public var dayOfWeek: Int { ((daysSinceEpoch % 7) + 11) % 7 }

    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DD`, appended.
    public func append(to bytes: inout [UInt8]) {
        ASCIIDigits.append(year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ASCIIDigits.append(month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ASCIIDigits.append(day, width: 2, to: &bytes)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
