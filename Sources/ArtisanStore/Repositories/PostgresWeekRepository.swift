import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's week: opening hours (one range per day), breaks, and time off.
public struct PostgresWeekRepository: WeekRepository {
    let connection: PostgresConnection
    let artisan: UUID

    public init(connection: PostgresConnection, artisan: UUID) {
        self.connection = connection
        self.artisan = artisan
    }

    // MARK: Opening hours

    public func openingRules() throws -> [OpeningRule] {
        Self.ordered(try connection.query("SELECT id, day_of_week, start_minutes, end_minutes FROM opening_rules WHERE artisan_id = \(artisan)")
            .map(Self.rule))
    }

    public func setOpening(_ day: Weekday, _ hours: TimeRange) throws {
        try connection.execute("""
            INSERT INTO opening_rules (artisan_id, day_of_week, start_minutes, end_minutes)
            VALUES (\(artisan), \(day.number), \(hours.start.minutes), \(hours.end.minutes))
            ON CONFLICT (artisan_id, day_of_week) DO UPDATE SET start_minutes = EXCLUDED.start_minutes, end_minutes = EXCLUDED.end_minutes
            """)
    }

    @discardableResult
    public func clearOpening(_ day: Weekday) throws -> Int {
        try connection.execute("DELETE FROM opening_rules WHERE artisan_id = \(artisan) AND day_of_week = \(day.number)")
    }

    // MARK: Breaks

    public func breakRules() throws -> [BreakRule] {
        Self.ordered(try connection.query("SELECT id, day_of_week, start_minutes, end_minutes FROM break_rules WHERE artisan_id = \(artisan)")
            .map(Self.rule))
    }

    public func addBreak(_ rule: BreakRule) throws {
        try connection.execute("""
            INSERT INTO break_rules (id, artisan_id, day_of_week, start_minutes, end_minutes)
            VALUES (\(rule.id), \(artisan), \(rule.day.number), \(rule.hours.start.minutes), \(rule.hours.end.minutes))
            """)
    }

    @discardableResult
    public func removeBreak(_ id: UUID) throws -> Int {
        try connection.execute("DELETE FROM break_rules WHERE artisan_id = \(artisan) AND id = \(id)")
    }

    // MARK: Time off

    /// Time off ending on or after `from` (all of it with nil), in date order.
    public func timeOff(endingOnOrAfter from: LocalDate?) throws -> [TimeOff] {
        try connection.query("""
            SELECT id, start_date, end_date, start_minutes, end_minutes, reason FROM time_off
            WHERE artisan_id = \(artisan) AND \(when: from, "end_date >= {}")
            ORDER BY start_date, start_minutes NULLS FIRST
            """).map(Self.timeOff)
    }

    public func addTimeOff(_ timeOff: TimeOff) throws {
        try connection.execute("""
            INSERT INTO time_off (id, artisan_id, start_date, end_date, start_minutes, end_minutes, reason)
            VALUES (\(timeOff.id), \(artisan), \(timeOff.startDate), \(timeOff.endDate), \(timeOff.startTime?.minutes),
                    \(timeOff.endTime?.minutes), \(timeOff.reason))
            """)
    }

    @discardableResult
    public func removeTimeOff(_ id: UUID) throws -> Int {
        try connection.execute("DELETE FROM time_off WHERE artisan_id = \(artisan) AND id = \(id)")
    }

    // MARK: All at once

    /// One round trip instead of three: the booking path reads the whole week in every transaction.
    public func schedule() throws -> AvailabilityEngine.Week {
        let rows = try connection.query("""
            SELECT 'opening' AS kind, id, day_of_week, start_minutes, end_minutes, NULL::date AS start_date, NULL::date AS end_date,
                   NULL::text AS reason
            FROM opening_rules WHERE artisan_id = \(artisan)
            UNION ALL
            SELECT 'break', id, day_of_week, start_minutes, end_minutes, NULL, NULL, NULL FROM break_rules WHERE artisan_id = \(artisan)
            UNION ALL
            SELECT 'time_off', id, NULL, start_minutes, end_minutes, start_date, end_date, reason FROM time_off WHERE artisan_id = \(artisan)
            """)
        var opening: [WeeklyRule] = [], breaks: [WeeklyRule] = [], timeOff: [TimeOff] = []
        for row in rows {
            switch try row.decode("kind", as: String.self) {
            case "opening": opening.append(try Self.rule(row))
            case "break": breaks.append(try Self.rule(row))
            default: timeOff.append(try Self.timeOff(row))
            }
        }
        return .init(opening: Self.ordered(opening), breaks: Self.ordered(breaks),
                     timeOff: timeOff.sorted { ($0.startDate, $0.startTime?.minutes ?? -1) < ($1.startDate, $1.startTime?.minutes ?? -1) })
    }

    // MARK: Decoding

    private static func rule(_ row: Row) throws -> WeeklyRule {
        WeeklyRule(id: try row.decode("id"), day: try day(row), hours: try range(row))
    }

    private static func timeOff(_ row: Row) throws -> TimeOff {
        TimeOff(
            id: try row.decode("id"), startDate: try row.decode("start_date"), endDate: try row.decode("end_date"),
            startTime: try row.decode("start_minutes", as: Int?.self).flatMap(TimeOfDay.init(minutes:)),
            endTime: try row.decode("end_minutes", as: Int?.self).flatMap(TimeOfDay.init(minutes:)),
            reason: try row.decode("reason", as: String?.self)
        )
    }

    /// By day, then start: one opening range per day, several breaks.
    private static func ordered(_ rules: [WeeklyRule]) -> [WeeklyRule] {
        rules.sorted { ($0.day, $0.hours.start) < ($1.day, $1.hours.start) }
    }

    private static func day(_ row: Row) throws -> Weekday {
        guard let day = Weekday(number: try row.decode("day_of_week")) else {
            throw DatabaseError(kind: .decoding, message: "column day_of_week is not 0 to 6", column: "day_of_week")
        }
        return day
    }

    private static func range(_ row: Row) throws -> TimeRange {
        guard let start = TimeOfDay(minutes: try row.decode("start_minutes")), let end = TimeOfDay(minutes: try row.decode("end_minutes")),
              let range = TimeRange(start: start, end: end) else {
            throw DatabaseError(kind: .decoding, message: "columns start_minutes/end_minutes are not a range of the day", column: "start_minutes")
        }
        return range
    }
}
