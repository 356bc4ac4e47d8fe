/// The artisan's week (`hours …`, `breaks …`, `timeoff …`): opening hours, recurring breaks and
/// time off, each change one transaction.
public struct WeekService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    public func week() throws -> (opening: [OpeningRule], breaks: [BreakRule]) {
        try withWeek { week, _ in (try week.openingRules(), try week.breakRules()) }
    }

    public func setHours(_ days: [Weekday], _ hours: TimeRange) throws {
        try withWeek { week, _ in for day in days { try week.setOpening(day, hours) } }
    }

    public func clearHours(_ days: [Weekday]) throws {
        try withWeek { week, _ in for day in days { try week.clearOpening(day) } }
    }

    /// Adds the break on each day that does not have it yet; returns those added.
    public func addBreaks(_ days: [Weekday], _ hours: TimeRange) throws -> [BreakRule] {
        try withWeek { week, _ in
            let existing = try week.breakRules()
            return try days.compactMap { day -> BreakRule? in
                if existing.contains(where: { $0.day == day && $0.hours == hours }) { return nil }
                let rule = BreakRule(day: day, hours: hours)
                try week.addBreak(rule)
                return rule
            }
        }
    }

    /// Removes the break with that id (or unique id prefix).
    public func removeBreak(_ reference: String) throws -> BreakRule {
        try withWeek { week, _ in
            let rule = try IDPrefix.resolve(reference, among: try week.breakRules(), id: \.id, what: "break")
            try week.removeBreak(rule.id)
            return rule
        }
    }

    /// Time off from today on in the artisan's zone, or all of it.
    public func timeOff(all: Bool) throws -> [TimeOff] {
        try withWeek { week, artisan in
            try week.timeOff(endingOnOrAfter: all ? nil : try context.zones.rules(for: artisan.timezone).localDate(at: context.clock.now()))
        }
    }

    public func addTimeOff(_ entry: TimeOff) throws {
        try withWeek { week, _ in try week.addTimeOff(entry) }
    }

    /// Removes the time off with that id (or unique id prefix).
    public func removeTimeOff(_ reference: String) throws -> TimeOff {
        try withWeek { week, _ in
            let entry = try IDPrefix.resolve(reference, among: try week.timeOff(endingOnOrAfter: nil), id: \.id, what: "time off")
            try week.removeTimeOff(entry.id)
            return entry
        }
    }

    private func withWeek<T>(_ body: (any WeekRepository, Artisan) throws -> T) throws -> T {
        try context.store.transaction { repositories in
            let artisan = try context.artisan(in: repositories)
            return try body(repositories.week(of: artisan.id), artisan)
        }
    }
}

extension TimeOff {
    /// Time off as typed: whole days from `start` to `end` (default `start`), or from a time on the
    /// first day to a time on the last (both times or neither). Each refusal names the flag.
    public static func validated(start: LocalDate, end: LocalDate?, from fromTime: TimeOfDay?, to toTime: TimeOfDay?,
                                 reason: String?) throws -> TimeOff {
        let end = end ?? start
        guard end >= start else { throw ArtisanError.invalid(field: "--to", "must be on or after \(start) (got \(end))") }
        guard (fromTime == nil) == (toTime == nil) else {
            throw ArtisanError.invalid(field: fromTime == nil ? "--from-time" : "--to-time", "is needed with \(fromTime == nil ? "--to-time" : "--from-time")")
        }
        if let fromTime, let toTime {
            guard fromTime.minutes < 1440 else { throw ArtisanError.invalid(field: "--from-time", "must be before 24:00") }
            guard start < end || fromTime < toTime else {
                throw ArtisanError.invalid(field: "--to-time", "must be after --from-time on a single day")
            }
        }
        return TimeOff(startDate: start, endDate: end, startTime: fromTime, endTime: toTime, reason: reason)
    }
}
