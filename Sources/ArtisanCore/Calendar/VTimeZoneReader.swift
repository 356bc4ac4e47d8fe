/// A VTIMEZONE read as ZoneRules, for a TZID the tz database does not know (Outlook and Exchange
/// write Windows names such as "W. Europe Standard Time"). Each onset of its STANDARD and DAYLIGHT
/// observances up to the end of a given year becomes a transition to that observance's TZOFFSETTO:
/// DTSTART, the RDATEs, and a yearly RRULE by month and either a weekday (`BYDAY=-1SU`, `2SU`) or
/// a day of the month. Anything else (another RRULE, a malformed value) makes it unreadable: nil.
enum VTimeZoneReader {
    /// How many years of yearly rules one document may make us walk, all its VTIMEZONEs together.
    static let yearBudget = 100_000

    static func rules(_ vtimezone: ICalendar.Component, named name: String, through lastYear: Int, budget: inout Int) -> ZoneRules? {
        var onsets: [(instant: Int64, offsetBefore: Int, offsetAfter: Int)] = []
        for observance in vtimezone.observances {
            guard let from = observance.first("TZOFFSETFROM").flatMap({ ICalendar.utcOffset(parsing: $0.value) }),
                  let to = observance.first("TZOFFSETTO").flatMap({ ICalendar.utcOffset(parsing: $0.value) }),
                  let start = observance.first("DTSTART").flatMap({ ICalendar.WallTime($0.value) }), !start.isUTC else { return nil }
            var walls = [start]
            for property in observance.properties where property.name == "RDATE" {
                for value in property.value.split(separator: ",") {
                    guard let wall = ICalendar.WallTime(String(value)), !wall.isUTC else { return nil }
                    walls.append(wall)
                }
            }
            if let rrule = observance.first("RRULE") {
                guard let rule = YearlyRule(rrule.value),
                      let more = rule.onsets(after: start, offsetBefore: from, through: lastYear, budget: &budget) else { return nil }
                walls += more
            }
            onsets += walls.map { ($0.wallSeconds - Int64(from), from, to) }
        }
        guard !onsets.isEmpty else { return nil }
        onsets.sort { $0.instant < $1.instant }
        return ZoneRules(name: name, transitions: onsets.map(\.instant), offsets: onsets.map(\.offsetAfter),
                         initialOffset: onsets[0].offsetBefore, footer: nil)
    }
}

/// `FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU`, with `BYMONTHDAY=n` instead of BYDAY, or neither (DTSTART's
/// day), and optionally `UNTIL` or `COUNT`: the RRULEs of time zone observances.
struct YearlyRule {
    var months: [Int] = []
    /// The n-th (negative: from the end) weekday of the month, 0 = Sunday.
    var weekday: (ordinal: Int, day: Int)?
    var monthDay: Int?
    var until: ICalendar.WallTime?
    var count: Int?

    init?(_ text: String) {
        var yearly = false
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return nil }
            let value = pair[1]
            switch pair[0].uppercased() {
            case "FREQ":
                guard value.uppercased() == "YEARLY" else { return nil }
                yearly = true
            case "BYMONTH":
                let list = value.split(separator: ",").map { Self.number($0) }
                guard list.allSatisfy({ $0.map { (1...12).contains($0) } ?? false }) else { return nil }
                months = Set(list.compactMap { $0 }).sorted()
            case "BYDAY":
                guard let parsed = Self.weekday(value) else { return nil }
                weekday = parsed
            case "BYMONTHDAY":
                guard let day = Self.number(value), (1...31).contains(day) else { return nil }
                monthDay = day
            case "UNTIL":
                guard let wall = ICalendar.WallTime(value) ?? LocalDate(dateValue: value).map({ .init(date: $0, second: 86_399) }) else { return nil }
                until = wall
            case "COUNT":
                guard let number = Self.number(value), number > 0 else { return nil }
                count = number
            case "INTERVAL" where value == "1", "WKST":
                continue
            default:
                return nil
            }
        }
        guard yearly, weekday == nil || monthDay == nil, until == nil || count == nil else { return nil }
    }

    /// The onsets after `start` (DTSTART, itself the first) up to the end of `lastYear`, each year
    /// walked costing one of `budget`; nil when it runs out.
    func onsets(after start: ICalendar.WallTime, offsetBefore: Int, through lastYear: Int, budget: inout Int) -> [ICalendar.WallTime]? {
        var result: [ICalendar.WallTime] = []
        var remaining = (count ?? Int.max) - 1
        for year in start.date.year...max(start.date.year, min(lastYear, 9999)) {
            budget -= 1
            guard budget >= 0 else { return nil }
            for month in months.isEmpty ? [start.date.month] : months {
                guard let date = day(in: year, month: month, otherwise: start.date.day) else { continue }
                let wall = ICalendar.WallTime(date: date, second: start.second)
                guard wall > start else { continue }
                // UNTIL in UTC (as RFC 5545 wants in a VTIMEZONE) is compared as an instant.
                if let until, until.isUTC ? wall.wallSeconds - Int64(offsetBefore) > until.wallSeconds : wall > until { return result }
                guard remaining > 0 else { return result }
                remaining -= 1
                result.append(wall)
            }
        }
        return result
    }

    func day(in year: Int, month: Int, otherwise day: Int) -> LocalDate? {
        guard let weekday else { return LocalDate(year: year, month: month, day: monthDay ?? day) }
        guard let first = LocalDate(year: year, month: month, day: 1) else { return nil }
        let length = CivilCalendar.daysInMonth(year: year, month: month)
        if weekday.ordinal > 0 {
            return LocalDate(year: year, month: month, day: 1 + (weekday.day - first.dayOfWeek + 7) % 7 + (weekday.ordinal - 1) * 7)
        }
        let lastDay = first.adding(days: length - 1).dayOfWeek
        return LocalDate(year: year, month: month, day: length - (lastDay - weekday.day + 7) % 7 + (weekday.ordinal + 1) * 7)
    }

    /// `-1SU`, `2SU`, `+1MO`: an ordinal from -5 to 5 (not 0) and a weekday.
    static func weekday(_ text: String) -> (ordinal: Int, day: Int)? {
        let days = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        guard let day = days.firstIndex(of: String(text.suffix(2)).uppercased()) else { return nil }
        var digits = text.dropLast(2)
        let negative = digits.hasPrefix("-")
        if negative || digits.hasPrefix("+") { digits = digits.dropFirst() }
        guard let ordinal = number(digits), (1...5).contains(ordinal) else { return nil }
        return (negative ? -ordinal : ordinal, day)
    }

    /// A decimal number of at most four digits.
    static func number(_ text: some StringProtocol) -> Int? {
        text.utf8.count <= 4 ? ASCIIDigits.value(text.utf8) : nil
    }
}
