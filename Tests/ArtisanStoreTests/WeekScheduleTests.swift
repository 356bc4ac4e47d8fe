import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

@Suite("An artisan's week read in one query")
struct WeekScheduleTests {
    @Test("schedule() holds exactly what the three single reads hold, in their order, and nothing of another artisan")
    func scheduleMatchesSingleReads() throws {
        let database = try TestDatabase.migrated()
        let connection = try database.connect()
        func artisan(_ email: String) throws -> UUID {
            try connection.query("INSERT INTO artisans (display_name, email) VALUES ('A', \(email)) RETURNING id")[0].decode("id")
        }
        let week = PostgresWeekRepository(connection: connection, artisan: try artisan("lea@example.com"))
        let other = PostgresWeekRepository(connection: connection, artisan: try artisan("other@example.com"))
        func hours(_ start: Int, _ end: Int) -> TimeRange { TimeRange(start: TimeOfDay(minutes: start)!, end: TimeOfDay(minutes: end)!)! }
        for day in [5, 2, 3] { try week.setOpening(Weekday(number: day)!, hours(540, 1080)) }
        try week.addBreak(BreakRule(day: Weekday(number: 3)!, hours: hours(900, 915)))
        try week.addBreak(BreakRule(day: Weekday(number: 3)!, hours: hours(720, 780)))
        try week.addBreak(BreakRule(day: Weekday(number: 2)!, hours: hours(720, 780)))
        try week.addTimeOff(TimeOff(startDate: LocalDate(year: 2026, month: 8, day: 1)!, endDate: LocalDate(year: 2026, month: 8, day: 20)!,
                                    reason: "Congés"))
        try week.addTimeOff(TimeOff(startDate: LocalDate(year: 2026, month: 7, day: 14)!, endDate: LocalDate(year: 2026, month: 7, day: 14)!,
                                    startTime: TimeOfDay(minutes: 840), endTime: TimeOfDay(minutes: 1080)))
        try week.addTimeOff(TimeOff(startDate: LocalDate(year: 2026, month: 7, day: 14)!, endDate: LocalDate(year: 2026, month: 7, day: 14)!,
                                    startTime: TimeOfDay(minutes: 600), endTime: TimeOfDay(minutes: 660)))
        try other.setOpening(Weekday(number: 1)!, hours(480, 600))
        try other.addBreak(BreakRule(day: Weekday(number: 1)!, hours: hours(500, 510)))
        try other.addTimeOff(TimeOff(startDate: LocalDate(year: 2026, month: 9, day: 1)!, endDate: LocalDate(year: 2026, month: 9, day: 2)!))

        let schedule = try week.schedule()
        #expect(schedule.opening == (try week.openingRules()))
        #expect(schedule.breaks == (try week.breakRules()))
        #expect(schedule.timeOff == (try week.timeOff(endingOnOrAfter: nil)))
        #expect(schedule.opening.map(\.day.number) == [2, 3, 5])
        #expect(schedule.breaks.map(\.hours.start.minutes) == [720, 720, 900])
        #expect(schedule.timeOff.map { $0.startTime?.minutes } == [600, 840, nil])
    }
}
