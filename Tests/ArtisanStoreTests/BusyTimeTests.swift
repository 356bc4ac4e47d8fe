import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The busy time availability subtracts, as the store reads it: active bookings with their buffers
/// and external calendar blocks, merged by PostgreSQL where they overlap or touch.
@Suite("Busy time read from the store")
struct BusyTimeTests {
    let world: ArtisanFixture

    init() throws { world = try ArtisanFixture(serviceMinutes: 30, priceCents: 2500, depositRate: 0.20) }

    @discardableResult
    func book(_ time: String, after: Int = 0, status: String = "confirmed", code: String) throws -> UUID {
        try world.book(at(time), status: status, after: after, code: code)
    }

    func block(_ start: String, _ end: String, source: String = "external", of owner: UUID? = nil) throws {
        try world.connection.execute("""
            INSERT INTO external_busy_blocks (artisan_id, provider_id, source, summary, start_datetime, end_datetime)
            VALUES (\(owner ?? world.artisan), 'google', \(source), 'Busy', \(at(start)), \(at(end)))
            """)
    }

    func at(_ time: String) -> Timestamp { Timestamp(iso8601: "2030-01-07T\(time):00Z")! }

    /// Read on a connection of each kind, eight times each (past the prepared statement's fifth
    /// run, when PostgreSQL weighs the generic plan): every reading must agree.
    func busy(_ start: String = "00:00", _ end: String = "23:59", excluding booking: UUID? = nil) throws -> [String] {
        var readings: Set<[String]> = []
        for session in [world.connection, try world.database.connect(genericPlans: true)] {
            let store = PostgresBookingRepository(connection: session, artisan: world.artisan)
            for _ in 0..<8 {
                readings.insert(try store.busyIntervals(in: Interval(start: at(start), end: at(end)), excluding: booking).map { interval in
                    "\(interval.start.iso8601().dropFirst(11).prefix(5))–\(interval.end.iso8601().dropFirst(11).prefix(5))"
                })
            }
        }
        #expect(readings.count == 1, "\(readings)")
        return readings.first ?? []
    }

    @Test("overlapping and touching spans come as one interval each, in order; cancelled bookings and mirrored blocks are not busy")
    func merged() throws {
        try book("14:00", code: "AC-AAAAAA")
        try book("10:00", code: "AC-BBBBBB")
        try book("10:30", after: 15, code: "AC-CCCCCC")
        try book("16:00", status: "cancelled", code: "AC-DDDDDD")
        try block("11:00", "12:00")
        try block("13:00", "13:30")
        try block("15:00", "15:30", source: "booking")
        let other: UUID = try world.connection.query("""
            INSERT INTO artisans (display_name, email) VALUES ('Autre', 'autre@example.com') RETURNING id
            """)[0].decode("id")
        try block("17:00", "18:00", of: other)
        #expect(try busy() == ["10:00–12:00", "13:00–13:30", "14:00–14:30"])
    }

    @Test("a span that reaches into the window comes whole; the excluded booking is not busy")
    func windowAndExclusion() throws {
        let early = try book("09:00", code: "AC-AAAAAA")
        try book("09:30", code: "AC-BBBBBB")
        try block("12:00", "13:00")
        #expect(try busy("09:15", "12:30") == ["09:00–10:00", "12:00–13:00"])
        #expect(try busy("09:15", "12:30", excluding: early) == ["09:30–10:00", "12:00–13:00"])
        #expect(try busy("10:00", "12:00") == [])
    }
}
