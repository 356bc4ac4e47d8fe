/// The bookable slots of a service over a range of days (the spec's SlotAvailabilityService).
/// Pure: everything it needs is passed in, so it is tested without a database or a clock.
///
/// Slot starts are the wall-clock times `opening + k × granularity` of each day in the artisan's
/// zone: a time the clock skips (spring) is not offered, a time it shows twice (autumn) is offered
/// once, at its first occurrence. A slot lasts the service's duration in real minutes and ends no
/// later than the day's closing instant. It is offered when it overlaps no break and no time off,
/// when its buffered span `[start − buffer before, end + buffer after)` overlaps no busy interval
/// (other bookings' buffered spans, external calendar blocks), when it starts at least the
/// minimum notice after now, and no later than the booking horizon.
public struct AvailabilityEngine: Sendable {
    public struct Week: Sendable {
        public let opening: [OpeningRule]
        public let breaks: [BreakRule]
        public let timeOff: [TimeOff]

        public init(opening: [OpeningRule], breaks: [BreakRule], timeOff: [TimeOff]) {
            self.opening = opening
            self.breaks = breaks
            self.timeOff = timeOff
        }
    }

    public struct Slot: Sendable, Equatable {
        public let date: LocalDate
        /// The wall-clock start, minutes since midnight.
        public let minuteOfDay: Int
        public let start: Timestamp
        public let end: Timestamp
        /// The zone's offset at the start, for printing with the right `+01:00`.
        public let offsetSeconds: Int
    }

    public let zone: ZoneRules
    public let settings: SchedulingSettings
    public let week: Week

    public init(zone: ZoneRules, settings: SchedulingSettings, week: Week) {
        self.zone = zone
        self.settings = settings
        self.week = week
    }

    /// The span of real time the engine looks at for `days` days from `from`: what the caller
    /// must fetch busy intervals for (widened by the service's buffers).
    public func window(from: LocalDate, days: Int, bufferBefore: Int, bufferAfter: Int) -> Interval {
        Interval(start: zone.firstInstant(on: from, minuteOfDay: 0).adding(minutes: -bufferBefore - 60),
                 end: zone.firstInstant(on: from.adding(days: days), minuteOfDay: 0).adding(minutes: bufferAfter + 60))
    }

    /// Every bookable slot of `service` from `from` for `days` days, in time order.
    /// `busy` may come in any order; it is merged once and swept.
    public func slots(for service: Service, from: LocalDate, days: Int, busy: [Interval], now: Timestamp) -> [Slot] {
        let earliest = now.adding(minutes: settings.minimumNoticeMinutes)
        let latest = now.adding(minutes: settings.horizonDays * 1440)
        var busySweep = IntervalSweep(busy)
        var closedSweep = IntervalSweep(closures(from: from, days: days))
        var slots: [Slot] = []
        for offset in 0..<max(days, 0) {
            let date = from.adding(days: offset)
            guard let hours = week.opening.first(where: { $0.day.number == date.dayOfWeek })?.hours else { continue }
            let closing = instant(date, hours.end.minutes)
            var minute = hours.start.minutes
            while minute < hours.end.minutes {
                defer { minute += settings.slotMinutes }
                // The first occurrence only; none in a spring-forward gap.
                guard let start = zone.instants(on: date, minuteOfDay: minute).first else { continue }
                let end = start.adding(minutes: service.durationMinutes)
                guard end <= closing else { break }
                guard start >= earliest, start <= latest else { continue }
                let buffered = Interval(start: start.adding(minutes: -service.bufferBeforeMinutes), end: end.adding(minutes: service.bufferAfterMinutes))
                // Both sweeps see non-decreasing query starts: slot starts only grow.
                let closed = closedSweep.overlaps(Interval(start: start, end: end))
                let taken = busySweep.overlaps(buffered)
                if !closed && !taken {
                    slots.append(Slot(date: date, minuteOfDay: minute, start: start, end: end, offsetSeconds: zone.offset(at: start)))
                }
            }
        }
        return slots
    }

    /// Breaks and time off of the range, as real-time intervals.
    func closures(from: LocalDate, days: Int) -> [Interval] {
        var intervals: [Interval] = []
        let last = from.adding(days: days)
        for offset in 0..<max(days, 0) {
            let date = from.adding(days: offset)
            for rule in week.breaks where rule.day.number == date.dayOfWeek {
                intervals.append(Interval(start: instant(date, rule.hours.start.minutes), end: instant(date, rule.hours.end.minutes)))
            }
        }
        for entry in week.timeOff where entry.endDate >= from && entry.startDate <= last {
            let start = instant(entry.startDate, entry.startTime?.minutes ?? 0)
            let end = entry.endTime.map { instant(entry.endDate, $0.minutes) } ?? instant(entry.endDate.adding(days: 1), 0)
            intervals.append(Interval(start: start, end: end))
        }
        return intervals
    }

    /// The instant of a wall-clock minute (1440 = the next midnight); a skipped time maps to the jump.
    func instant(_ date: LocalDate, _ minute: Int) -> Timestamp {
        minute >= 1440 ? zone.firstInstant(on: date.adding(days: 1), minuteOfDay: minute - 1440) : zone.firstInstant(on: date, minuteOfDay: minute)
    }
}
