/// A POSIX TZ rule such as `CET-1CEST,M3.5.0,M10.5.0/3` (the TZif footer): a standard offset and,
/// optionally, a daylight-saving offset with the rules of when it starts and ends each year.
public struct PosixRule: Sendable, Equatable {
    public let standardOffset: Int
    public let daylight: Daylight?

    public struct Daylight: Sendable, Equatable {
        public let offset: Int
        public let start: DateRule
        public let end: DateRule
    }

    /// `Mm.w.d/time` (the d-th weekday of week w of month m, 5 = last) or `Jn` / `n` (day of year).
    public struct DateRule: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case monthWeekDay(month: Int, week: Int, weekday: Int), julianNoLeap(Int), zeroBased(Int) }
        public let kind: Kind
        /// Seconds after local midnight (may be negative or past 24 h in TZif v3).
        public let time: Int

        /// The day of this rule in `year` (clamped to 0001-01-01…9999-12-31, as every date).
        public func date(in year: Int) -> LocalDate {
            let newYear = CivilCalendar.days(year: year, month: 1, day: 1)
            switch kind {
            case .monthWeekDay(let month, let week, let weekday):
                let first = LocalDate(daysSinceEpoch: CivilCalendar.days(year: year, month: month, day: 1)).dayOfWeek
                var day = 1 + (weekday - first + 7) % 7 + (week - 1) * 7
                let length = CivilCalendar.daysInMonth(year: year, month: month)
                while day > length { day -= 7 }
                return LocalDate(daysSinceEpoch: CivilCalendar.days(year: year, month: month, day: day))
            case .julianNoLeap(let n):
                let leapShift = CivilCalendar.isLeap(year) && n >= 60 ? 1 : 0
                return LocalDate(daysSinceEpoch: newYear + n - 1 + leapShift)
            case .zeroBased(let n):
                return LocalDate(daysSinceEpoch: newYear + n)
            }
        }
    }

    /// A zone without daylight saving time.
    public init(standardOffset: Int) {
        self.standardOffset = standardOffset
        daylight = nil
    }

    /// Parses a TZ string; nil for anything malformed, an offset beyond 24 hours, or a rule's
    /// time beyond 167 hours (RFC 8536's extension).
    public init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard scanner.name(), let standard = scanner.offset(maximumHours: 24) else { return nil }
        standardOffset = -standard
        if scanner.atEnd {
            daylight = nil
            return
        }
        guard scanner.name() else { return nil }
        var daylightOffset = standardOffset + 3600
        if !scanner.peek(",") {
            guard let explicit = scanner.offset(maximumHours: 24) else { return nil }
            daylightOffset = -explicit
        }
        guard scanner.take(","), let start = scanner.dateRule(), scanner.take(","), let end = scanner.dateRule(), scanner.atEnd else { return nil }
        daylight = Daylight(offset: daylightOffset, start: start, end: end)
    }

    /// The offset in force at `seconds` since the epoch.
    public func offset(at seconds: Int64) -> Int {
        guard let daylight else { return standardOffset }
        let year = LocalDate(daysSinceEpoch: Int(seconds.clampedAdding(Int64(standardOffset)) / 86_400)).year
        func transition(_ rule: DateRule, _ year: Int, offsetBefore: Int) -> Int64 {
            Int64(rule.date(in: year).daysSinceEpoch) * 86_400 + Int64(rule.time) - Int64(offsetBefore)
        }
        let start = transition(daylight.start, year, offsetBefore: standardOffset)
        let end = transition(daylight.end, year, offsetBefore: daylight.offset)
        let inDaylight = start < end ? (seconds >= start && seconds < end) : !(seconds >= end && seconds < start)
        return inDaylight ? daylight.offset : standardOffset
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard !atEnd, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }

        /// `CET` or `<+0330>`.
        mutating func name() -> Bool {
            if take("<") {
                while !atEnd, bytes[index] != UInt8(ascii: ">") { index += 1 }
                return take(">")
            }
            let start = index
            while !atEnd, (bytes[index] >= 65 && bytes[index] <= 90) || (bytes[index] >= 97 && bytes[index] <= 122) { index += 1 }
            return index - start >= 3
        }

        func peek(_ character: Character) -> Bool { !atEnd && bytes[index] == character.asciiValue! }

        /// At most three digits: no TZ field needs more, and none can overflow.
        mutating func number() -> Int? {
            let start = index
            while !atEnd, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return (1...3).contains(index - start) ? ASCIIDigits.value(bytes[start..<index]) : nil
        }

        /// `[+-]hh[:mm[:ss]]` in seconds, as written (POSIX: positive west of Greenwich).
        mutating func offset(maximumHours: Int) -> Int? {
            let negative = take("-")
            if !negative { _ = take("+") }
            guard let hours = number(), hours <= maximumHours else { return nil }
            var seconds = hours * 3600
            if take(":") {
                guard let minutes = number(), minutes < 60 else { return nil }
                seconds += minutes * 60
                if take(":") {
                    guard let rest = number(), rest < 60 else { return nil }
                    seconds += rest
                }
            }
            return negative ? -seconds : seconds
        }

        mutating func dateRule() -> DateRule? {
            let kind: DateRule.Kind
            if take("M") {
                guard let month = number(), take("."), let week = number(), take("."), let weekday = number(),
                      (1...12).contains(month), (1...5).contains(week), (0...6).contains(weekday) else { return nil }
                kind = .monthWeekDay(month: month, week: week, weekday: weekday)
            } else if take("J") {
                guard let day = number(), (1...365).contains(day) else { return nil }
                kind = .julianNoLeap(day)
            } else {
                guard let day = number(), (0...365).contains(day) else { return nil }
                kind = .zeroBased(day)
            }
            var time = 7200
            if take("/") {
                guard let value = offset(maximumHours: 167) else { return nil }
                time = value
            }
            return DateRule(kind: kind, time: time)
        }
    }
}
