import ArtisanCore
import ArtisanStore
import Testing

@Suite("Exact values without floating point")
struct NumericAndTimestampTests {
    @Test("numeric scales exactly", arguments: [
        ("0.30", 2, 30), ("1", 2, 100), ("1.00", 2, 100), ("45.5", 2, 4550), ("-0.05", 2, -5), ("0.300", 2, 30),
    ])
    func numericScaling(text: String, scale: Int, expected: Int) throws {
        #expect(try #require(PostgresNumeric(text)).scaled(by: scale) == expected)
    }

    @Test("numeric refuses a value that is not exact at the scale, and text that is not a number")
    func numericRefusals() {
        #expect(PostgresNumeric("0.305")?.scaled(by: 2) == nil)
        #expect(PostgresNumeric("abc") == nil)
        #expect(PostgresNumeric("1e5") == nil)
        #expect(PostgresNumeric("") == nil)
    }

    @Test("ISO 8601 parsing accepts PostgreSQL's offsets", arguments: [
        ("2026-11-24 20:08:46+00", "2026-11-24T20:08:46Z"),
        ("2026-11-24T21:08:46+01:00", "2026-11-24T20:08:46Z"),
        ("2026-11-24 20:08:46.5-03:30", "2026-11-24T23:38:46.500000Z"),
        ("1969-12-31 23:59:59.999999+00", "1969-12-31T23:59:59.999999Z"),
        ("2026-11-24T20:08:46+0100", "2026-11-24T19:08:46Z"),
    ])
    func iso8601(input: String, utc: String) throws {
        #expect(try #require(Timestamp(iso8601: input)).iso8601() == utc)
    }

    @Test("timestamps without an offset, or impossible ones, are refused")
    func iso8601Refusals() {
        #expect(Timestamp(iso8601: "2026-11-24T20:08:46") == nil)
        #expect(Timestamp(iso8601: "2026-02-30T20:08:46Z") == nil)
        #expect(Timestamp(iso8601: "2026-11-24T24:00:00Z") == nil)
    }
}
