#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A day of the week, 0 = Sunday … 6 = Saturday, as in the spec's `day_of_week`.
public struct Weekday: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let number: Int

    public init?(number: Int) {
        guard (0...6).contains(number) else { return nil }
        self.number = number
    }

    static let names: [[String]] = [
        ["sun", "sunday", "dim", "dimanche"], ["mon", "monday", "lun", "lundi"], ["tue", "tuesday", "mar", "mardi"],
        ["wed", "wednesday", "mer", "mercredi"], ["thu", "thursday", "jeu", "jeudi"], ["fri", "friday", "ven", "vendredi"],
        ["sat", "saturday", "sam", "samedi"],
    ]

    /// `mon`, `Monday`, `lun`, `lundi`, or the digit `1`.
    public init?(name: String) {
        let lowered = name.lowercased()
        if lowered.utf8.count == 1, let number = ASCIIDigits.value(lowered.utf8) {
            self.init(number: number)
        } else if let index = Self.names.firstIndex(where: { $0.contains(lowered) }) {
            self.init(number: index)
        } else {
            return nil
        }
    }

    /// `mon`, `mon-fri`, `sat,sun`, `lun-ven`: a list of days or wrapping ranges, in week order from Monday.
    public static func parseSet(_ text: String) -> [Weekday]? {
        var days = Set<Weekday>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let first = Weekday(name: String(ends[0])),
                  let last = Weekday(name: String(ends[ends.count - 1])) else { return nil }
            var day = first.number
            while true {
                days.insert(Weekday(number: day)!)
                if day == last.number { break }
                day = (day + 1) % 7
            }
        }
        return days.sorted()
    }

    public static let mondayFirst = [1, 2, 3, 4, 5, 6, 0].map { Weekday(number: $0)! }

    /// `mon`
    public var description: String { Self.names[number][0] }
    public var fullName: String { Self.names[number][1].prefix(1).uppercased() + Self.names[number][1].dropFirst() }

    /// Monday first, as people read a week.
    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { (lhs.number + 6) % 7 < (rhs.number + 6) % 7 }
}

/// Minutes since midnight, `HH:MM` from 00:00 to 24:00.
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// Exactly `HH:MM` (two digits each), hours 00–24, `24:00` the only time in hour 24.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"), let hours = ASCIIDigits.value(bytes[0..<2]),
              let minutes = ASCIIDigits.value(bytes[3..<5]), minutes < 60, hours < 24 || (hours == 24 && minutes == 0) else { return nil }
        self.minutes = hours * 60 + minutes
    }

    public var description: String { ASCIIDigits.padded(minutes / 60, width: 2) + ":" + ASCIIDigits.padded(minutes % 60, width: 2) }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
}

/// A stretch of one day, `08:30-18:00`: start before end, end at most 24:00.
public struct TimeRange: Sendable, Hashable, CustomStringConvertible {
    public let start: TimeOfDay
    public let end: TimeOfDay

    public init?(start: TimeOfDay, end: TimeOfDay) {
        guard start < end, start.minutes < 1440 else { return nil }
        self.start = start
        self.end = end
    }

    public var description: String { "\(start)-\(end)" }
}

/// A range of hours on one day of every week: the shape of both opening hours and breaks.
public struct WeeklyRule: Sendable, Equatable {
    public var id: UUID
    public var day: Weekday
    public var hours: TimeRange

    public init(id: UUID = .random(), day: Weekday, hours: TimeRange) {
        self.id = id
        self.day = day
        self.hours = hours
    }
}

/// Opening hours of one day (one range per day, as in the spec).
public typealias OpeningRule = WeeklyRule

/// A recurring break (lunch, coffee); several per day are fine.
public typealias BreakRule = WeeklyRule

/// A holiday or closure: whole days from `startDate` to `endDate`, or from a time on the first
/// day to a time on the last, in the artisan's time zone.
public struct TimeOff: Sendable, Equatable {
    public var id: UUID
    public var startDate: LocalDate
    public var endDate: LocalDate
    public var startTime: TimeOfDay?
    public var endTime: TimeOfDay?
    public var reason: String?

    public init(id: UUID = .random(), startDate: LocalDate, endDate: LocalDate, startTime: TimeOfDay? = nil, endTime: TimeOfDay? = nil, reason: String? = nil) {
        self.id = id
        self.startDate = startDate
        self.endDate = endDate
        self.startTime = startTime
        self.endTime = endTime
        self.reason = reason
    }

    /// The local-time span: `[startDate startTime, endDate endTime)`, whole days without times.
    public var span: String {
        if let startTime, let endTime {
            return startDate == endDate ? "\(startDate) \(startTime)-\(endTime)" : "\(startDate) \(startTime) → \(endDate) \(endTime)"
        }
        return startDate == endDate ? "\(startDate)" : "\(startDate) → \(endDate)"
    }
}
