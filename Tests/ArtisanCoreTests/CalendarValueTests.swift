import ArtisanCore
import Testing

@Suite("Calendar values")
struct CalendarValueTests {
    @Test("dates parse strictly and refuse impossible days", arguments: [
        ("2030-02-30", false), ("2028-02-29", true), ("2027-02-29", false), ("2026-13-01", false), ("2026-1-01", false),
        ("2026-11-24", true), ("2026/11/24", false), ("", false), ("2026-11-24 ", false), ("0000-01-01", false),
    ])
    func parsing(text: String, valid: Bool) {
        #expect((LocalDate(text) != nil) == valid)
    }

    @Test("day numbers round-trip across eras and leap years")
    func dayNumbers() throws {
        #expect(try #require(LocalDate("1970-01-01")).daysSinceEpoch == 0)
        #expect(try #require(LocalDate("2000-03-01")).daysSinceEpoch == 11_017)
        for days in stride(from: -719_162, through: 2_932_896, by: 997) {
            let date = LocalDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(LocalDate(date.description) == date)
        }
    }

    @Test("day of week: 0 is Sunday, as in the spec")
    func dayOfWeek() throws {
        #expect(try #require(LocalDate("2026-11-22")).dayOfWeek == 0)
        #expect(try #require(LocalDate("2026-11-24")).dayOfWeek == 2)
        #expect(try #require(LocalDate("1969-12-31")).dayOfWeek == 3)
    }

    @Test("timestamps print ISO 8601 with an offset and parse back to the same instant")
    func timestampRoundTrip() throws {
        let instant = try #require(Timestamp(iso8601: "2026-03-29T01:30:00Z"))
        #expect(instant.iso8601(offsetSeconds: 7200) == "2026-03-29T03:30:00+02:00")
        #expect(instant.iso8601(offsetSeconds: -16_200) == "2026-03-28T21:00:00-04:30")
        #expect(Timestamp(iso8601: instant.iso8601(offsetSeconds: 7200)) == instant)
        #expect(instant.adding(minutes: 90).iso8601() == "2026-03-29T03:00:00Z")
        let early = Timestamp(microsecondsSinceEpoch: -1)
        #expect(early.iso8601() == "1969-12-31T23:59:59.999999Z")
    }
}
