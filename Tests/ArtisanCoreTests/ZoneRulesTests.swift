import ArtisanCore
import Foundation
import Testing

/// Against the system's tz database (Debian's tzdata), and the POSIX rules alone.
@Suite("Time zone rules")
struct ZoneRulesTests {
    func zone(_ name: String) throws -> ZoneRules {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/\(name)")))
        return try ZoneRules.parse(name: name, bytes: bytes)
    }

    func instant(_ text: String) throws -> Timestamp { try #require(Timestamp(iso8601: text)) }

    @Test("Paris: +01:00 in winter, +02:00 in summer, changes on the last Sundays of March and October")
    func paris() throws {
        let paris = try zone("Europe/Paris")
        #expect(paris.offset(at: try instant("2026-01-15T12:00:00Z")) == 3600)
        #expect(paris.offset(at: try instant("2026-07-15T12:00:00Z")) == 7200)
        #expect(paris.offset(at: try instant("2026-03-29T00:59:59Z")) == 3600)
        #expect(paris.offset(at: try instant("2026-03-29T01:00:00Z")) == 7200)
        #expect(paris.offset(at: try instant("2026-10-25T00:59:59Z")) == 7200)
        #expect(paris.offset(at: try instant("2026-10-25T01:00:00Z")) == 3600)
    }

    @Test("spring forward: 02:30 does not exist in Paris on 2026-03-29")
    func gap() throws {
        let paris = try zone("Europe/Paris")
        let day = try #require(LocalDate("2026-03-29"))
        #expect(paris.instants(on: day, minuteOfDay: 150).isEmpty)
        #expect(paris.instants(on: day, minuteOfDay: 180) == [try instant("2026-03-29T01:00:00Z")])
        #expect(paris.firstInstant(on: day, minuteOfDay: 150) == (try instant("2026-03-29T01:30:00Z")))
    }

    @Test("fall back: 02:30 happens twice in Paris on 2026-10-25, the first at +02:00")
    func overlap() throws {
        let paris = try zone("Europe/Paris")
        let day = try #require(LocalDate("2026-10-25"))
        #expect(paris.instants(on: day, minuteOfDay: 150) == [try instant("2026-10-25T00:30:00Z"), try instant("2026-10-25T01:30:00Z")])
    }

    @Test("New York: both changes of 2026 at 02:00 local")
    func newYork() throws {
        let newYork = try zone("America/New_York")
        #expect(newYork.instants(on: try #require(LocalDate("2026-03-08")), minuteOfDay: 150).isEmpty)
        #expect(newYork.instants(on: try #require(LocalDate("2026-11-01")), minuteOfDay: 90).count == 2)
        #expect(newYork.offset(at: try instant("2026-06-01T12:00:00Z")) == -4 * 3600)
    }

    @Test("far future instants follow the footer's POSIX rule")
    func footer() throws {
        let paris = try zone("Europe/Paris")
        #expect(paris.offset(at: try instant("2080-07-01T12:00:00Z")) == 7200)
        #expect(paris.offset(at: try instant("2080-12-01T12:00:00Z")) == 3600)
        let rule = try #require(PosixRule("CET-1CEST,M3.5.0,M10.5.0/3"))
        #expect(rule.offset(at: try instant("2026-03-29T01:00:00Z").secondsSinceEpoch) == 7200)
        #expect(rule.offset(at: try instant("2026-03-29T00:59:59Z").secondsSinceEpoch) == 3600)
        let southern = try #require(PosixRule("<-03>3"))
        #expect(southern.offset(at: 0) == -10_800)
        let sydney = try #require(PosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3"))
        #expect(sydney.offset(at: try instant("2026-01-15T00:00:00Z").secondsSinceEpoch) == 11 * 3600)
        #expect(sydney.offset(at: try instant("2026-07-15T00:00:00Z").secondsSinceEpoch) == 10 * 3600)
    }

    @Test("local dates and minutes of the day")
    func localFields() throws {
        let paris = try zone("Europe/Paris")
        let late = try instant("2026-11-24T23:30:00Z")
        #expect(paris.localDate(at: late) == LocalDate("2026-11-25"))
        #expect(paris.localMinuteOfDay(at: late) == 30)
    }

    @Test("bytes that are not TZif are refused")
    func notTZif() {
        #expect(throws: ZoneRules.ParseError.self) { try ZoneRules.parse(name: "x", bytes: Array("hello".utf8)) }
    }
}
