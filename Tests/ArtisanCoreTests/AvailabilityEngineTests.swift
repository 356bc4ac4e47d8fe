import ArtisanCore
import Foundation
import Testing
import TestSupport

@Suite("Availability engine")
struct AvailabilityEngineTests {
    static func zone(_ name: String) throws -> ZoneRules {
        try ZoneRules.parse(name: name, bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/\(name)"))))
    }

    static func range(_ text: String) -> TimeRange { try! Validate.timeRange(text) }
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }
    static func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    static let monday = day("2030-01-07")
    static let service = Service(name: "Coupe", durationMinutes: 60, price: Money(cents: 4500), depositRate: DepositRate(hundredths: 30)!)
    static let longAgo = at("2029-12-01T00:00:00Z")

    func engine(zone: String = "Europe/Paris", hours: String = "09:00-12:00", days: [Int] = [1], breaks: [(Int, String)] = [],
                timeOff: [TimeOff] = [], settings: SchedulingSettings = SchedulingSettings()) throws -> AvailabilityEngine {
        var settings = settings
        settings.horizonDays = 730
        settings.minimumNoticeMinutes = 0
        return AvailabilityEngine(
            zone: try Self.zone(zone), settings: settings,
            week: .init(opening: days.map { OpeningRule(day: Weekday(number: $0)!, hours: Self.range(hours)) },
                        breaks: breaks.map { BreakRule(day: Weekday(number: $0.0)!, hours: Self.range($0.1)) },
                        timeOff: timeOff))
    }

    func times(_ slots: [AvailabilityEngine.Slot]) -> [String] { slots.map { TimeOfDay(minutes: $0.minuteOfDay)!.description } }

    @Test("slots start every granularity from opening and end by closing")
    func grid() throws {
        let slots = try engine().slots(for: Self.service, from: Self.monday, days: 1, busy: [], now: Self.longAgo)
        #expect(times(slots) == ["09:00", "09:30", "10:00", "10:30", "11:00"])
        #expect(slots[0].start == Self.at("2030-01-07T08:00:00Z"))
        #expect(slots[0].end == Self.at("2030-01-07T09:00:00Z"))
        #expect(slots[0].offsetSeconds == 3600)
    }

    @Test("closed days offer nothing")
    func closedDay() throws {
        #expect(try engine(days: [2]).slots(for: Self.service, from: Self.monday, days: 1, busy: [], now: Self.longAgo).isEmpty)
    }

    @Test("a break removes the slots it overlaps; touching it is fine")
    func breakInTheMiddle() throws {
        let slots = try engine(breaks: [(1, "10:00-10:30")]).slots(for: Self.service, from: Self.monday, days: 1, busy: [], now: Self.longAgo)
        #expect(times(slots) == ["09:00", "10:30", "11:00"])
    }

    @Test("breaks at the edges of the day")
    func breaksAtEdges() throws {
        let slots = try engine(breaks: [(1, "09:00-09:30"), (1, "11:30-12:00")]).slots(for: Self.service, from: Self.monday, days: 1, busy: [], now: Self.longAgo)
        #expect(times(slots) == ["09:30", "10:00", "10:30"])
    }

    @Test("whole-day and partial time off")
    func timeOff() throws {
        let wholeDay = TimeOff(startDate: Self.monday, endDate: Self.monday)
        #expect(try engine(timeOff: [wholeDay]).slots(for: Self.service, from: Self.monday, days: 1, busy: [], now: Self.longAgo).isEmpty)
        let afternoonBefore = TimeOff(startDate: Self.monday.adding(days: -1), endDate: Self.monday, startTime: TimeOfDay("14:00"), endTime: TimeOfDay("10:00"))
        let slots = try engine(timeOff: [afternoonBefore]).slots(for: Self.service, from: Self.monday, days: 1, busy: [], now: Self.longAgo)
        #expect(times(slots) == ["10:00", "10:30", "11:00"])
    }

    @Test("bookings that touch are allowed, overlapping ones are not")
    func busyIntervals() throws {
        let booked = Interval(start: Self.at("2030-01-07T09:00:00Z"), end: Self.at("2030-01-07T10:00:00Z"))  // 10:00-11:00 local
        let slots = try engine().slots(for: Self.service, from: Self.monday, days: 1, busy: [booked], now: Self.longAgo)
        #expect(times(slots) == ["09:00", "11:00"])
    }

    @Test("buffers: the new slot's buffered span must not overlap, and may cross closing time")
    func buffers() throws {
        var withBuffers = Self.service
        withBuffers.bufferBeforeMinutes = 30
        withBuffers.bufferAfterMinutes = 30
        let booked = Interval(start: Self.at("2030-01-07T09:00:00Z"), end: Self.at("2030-01-07T09:30:00Z"))  // 10:00-10:30 local
        let slots = try engine().slots(for: withBuffers, from: Self.monday, days: 1, busy: [booked], now: Self.longAgo)
        // 09:00 ends 10:00 + 30 min buffer overlaps; 11:00 starts with its buffer at 10:30: touching.
        #expect(times(slots) == ["11:00"])
    }

    @Test("minimum notice and horizon")
    func noticeAndHorizon() throws {
        var settings = SchedulingSettings()
        settings.minimumNoticeMinutes = 60
        var engine = try engine(settings: settings)
        engine = AvailabilityEngine(zone: engine.zone, settings: SchedulingSettings(slotMinutes: 30, minimumNoticeMinutes: 60, horizonDays: 1, cancellationDeadlineHours: 24), week: engine.week)
        let now = Self.at("2030-01-07T08:10:00Z")  // 09:10 local
        #expect(times(engine.slots(for: Self.service, from: Self.monday, days: 1, busy: [], now: now)) == ["10:30", "11:00"])
        #expect(engine.slots(for: Self.service, from: Self.monday.adding(days: 7), days: 1, busy: [], now: now).isEmpty)
    }

    @Test("a day open 00:00–24:00 offers its last slot ending at midnight")
    func wholeDay() throws {
        let short = Service(name: "Court", durationMinutes: 30, price: Money(cents: 100), depositRate: DepositRate(hundredths: 0)!)
        let slots = try engine(hours: "00:00-24:00").slots(for: short, from: Self.monday, days: 1, busy: [], now: Self.longAgo)
        #expect(slots.count == 48)
        #expect(times(slots).last == "23:30")
        #expect(slots.last?.end == Self.at("2030-01-07T23:00:00Z"))
    }

    @Test("spring forward in Paris: 02:00 and 02:30 do not exist and are not offered", arguments: [("Europe/Paris", "2026-03-29"), ("America/New_York", "2026-03-08")])
    func springForward(zone: String, date: String) throws {
        let short = Service(name: "Court", durationMinutes: 30, price: Money(cents: 100), depositRate: DepositRate(hundredths: 0)!)
        let sunday = Self.day(date)
        let slots = try engine(zone: zone, hours: "00:00-24:00", days: [0]).slots(for: short, from: sunday, days: 1, busy: [], now: Self.at("2025-01-01T00:00:00Z"))
        #expect(!times(slots).contains("02:00"))
        #expect(!times(slots).contains("02:30"))
        #expect(slots.count == 46)
        // Every slot lasts 30 real minutes, and they never overlap.
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0.end <= $1.start })
    }

    @Test("fall back: a wall time seen twice is offered once, at its first occurrence", arguments: [("Europe/Paris", "2026-10-25", "01:00"), ("America/New_York", "2026-11-01", "01:00")])
    func fallBack(zone: String, date: String, repeated: String) throws {
        let short = Service(name: "Court", durationMinutes: 30, price: Money(cents: 100), depositRate: DepositRate(hundredths: 0)!)
        let sunday = Self.day(date)
        let rules = try Self.zone(zone)
        let slots = try engine(zone: zone, hours: "00:00-24:00", days: [0]).slots(for: short, from: sunday, days: 1, busy: [], now: Self.at("2025-01-01T00:00:00Z"))
        #expect(slots.count == 48)
        #expect(Set(times(slots)).count == 48)
        let repeatedMinute = TimeOfDay(repeated)!.minutes + (zone == "Europe/Paris" ? 60 : 0)
        let slot = try #require(slots.first { $0.minuteOfDay == repeatedMinute })
        #expect(slot.start == rules.instants(on: sunday, minuteOfDay: repeatedMinute).first)
        #expect(rules.instants(on: sunday, minuteOfDay: repeatedMinute).count == 2)
    }

    @Test("the sweep gives exactly what a naive check gives, on random busy intervals")
    func sweepMatchesNaiveCheck() throws {
        var generator = SeededGenerator(seed: 42)
        let engine = try engine(hours: "08:00-20:00", days: [0, 1, 2, 3, 4, 5, 6], breaks: [(2, "12:00-13:00")])
        var service = Self.service
        service.bufferAfterMinutes = 15
        let start = Self.monday
        let base = Self.at("2030-01-07T00:00:00Z")
        let busy = (0..<3000).map { _ -> Interval in
            let begin = base.adding(minutes: Int.random(in: 0..<(60 * 24 * 60), using: &generator))
            return Interval(start: begin, end: begin.adding(minutes: Int.random(in: 5...240, using: &generator)))
        }
        let slots = engine.slots(for: service, from: start, days: 60, busy: busy, now: Self.longAgo)
        let all = engine.slots(for: service, from: start, days: 60, busy: [], now: Self.longAgo)
        let naive = all.filter { slot in
            let buffered = Interval(start: slot.start, end: slot.end.adding(minutes: 15))
            return !busy.contains { $0.overlaps(buffered) }
        }
        #expect(slots == naive)
        #expect(!slots.isEmpty && slots.count < all.count)
    }
}
