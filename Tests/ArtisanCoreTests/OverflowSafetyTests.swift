import ArtisanCore
import Foundation
import Testing

/// Numbers from outside that used to trap (arithmetic overflow, negative ranges, force unwraps):
/// each is now refused, or clamped to a documented bound.
@Suite("Overflow-safe parsing and arithmetic")
struct OverflowSafetyTests {
    static let huge = "99999999999999999999"

    @Test("digits past Int's range are not a number; Int.max itself is")
    func digits() {
        #expect(ASCIIDigits.value(Array(Self.huge.utf8)) == nil)
        #expect(ASCIIDigits.value(Array("9223372036854775808".utf8)) == nil)
        #expect(ASCIIDigits.value(Array("9223372036854775807".utf8)) == Int.max)
        #expect(ASCIIDigits.value(Array(String(repeating: "0", count: 100_000).utf8)) == 0)
    }

    @Test("huge amounts are refused, the largest one is accepted", arguments: [huge, "9223372036854775807", "12345678", "99999999.99"])
    func hugeMoney(text: String) {
        #expect(Money(euros: text) == nil)
        #expect(throws: ArtisanError.self) { try Validate.money(text) }
    }

    @Test("the largest amount")
    func largestMoney() {
        #expect(Money(euros: "9999999.99")?.cents == 999_999_999)
    }

    @Test("huge and oddly written rates are refused", arguments: [huge + "%", huge, "92233720368547758", "92233720368547758.5", "1000%", "0100%", "00.30", "-1%"])
    func hugeRates(text: String) {
        #expect(DepositRate(text) == nil)
    }

    @Test("times, days and dates made of huge numbers are refused")
    func hugeWeekValues() {
        #expect(TimeOfDay(Self.huge + ":00") == nil)
        #expect(Weekday(name: Self.huge) == nil)
        #expect(Weekday(name: "+1") == nil)
        #expect(Weekday.parseSet("\(Self.huge)-fri") == nil)
        #expect(LocalDate(Self.huge) == nil)
        #expect(LocalDate("9999-99-99") == nil)
    }

    @Test("day numbers stop at 0001-01-01 and 9999-12-31")
    func dayNumbersClamp() throws {
        #expect(LocalDate(daysSinceEpoch: .max).description == "9999-12-31")
        #expect(LocalDate(daysSinceEpoch: .min).description == "0001-01-01")
        let today = try #require(LocalDate("2026-11-24"))
        #expect(today.adding(days: .max).description == "9999-12-31")
        #expect(today.adding(days: .min).description == "0001-01-01")
        #expect(today.adding(days: 7).description == "2026-12-01")
    }

    @Test("instants stop at 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z")
    func instantsClamp() throws {
        let now = try #require(Timestamp(iso8601: "2026-11-24T09:00:00+01:00"))
        #expect(now.adding(seconds: .max).iso8601() == "9999-12-31T23:59:59.999999Z")
        #expect(now.adding(seconds: .min).iso8601() == "0001-01-01T00:00:00Z")
        #expect(now.adding(minutes: .max) == Timestamp(microsecondsSinceEpoch: .max))
        #expect(now.adding(minutes: .min) == Timestamp(microsecondsSinceEpoch: .min))
        #expect(Timestamp(secondsSinceEpoch: .max).microseconds == Timestamp.range.upperBound)
        #expect(Timestamp(date: try #require(LocalDate("2026-11-24")), minuteOfDay: .max) == Timestamp(microsecondsSinceEpoch: .max))
        // A provider's `expires_in` of Int.max: the token simply never expires.
        #expect(now.adding(seconds: Int64(Int.max)) > now)
    }

    @Test("ISO 8601 instants outside 0001…9999 or with impossible offsets are refused", arguments: [
        "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+00:01", "10000-01-01T00:00:00Z", "2026-11-24T09:00:00+01:60",
        "2026-11-24T09:00:00+16:00", "2026-11-24T09:00:00+01:00:99", "2026-11-24T09:00:00." + String(repeating: "9", count: 10_000),
        "2026-11-24T09:00:00" + huge + "Z",
    ])
    func badInstants(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("the extreme instants themselves parse")
    func extremeInstants() {
        #expect(Timestamp(iso8601: "0001-01-01T00:00:00Z")?.microseconds == Timestamp.range.lowerBound)
        #expect(Timestamp(iso8601: "9999-12-31T23:59:59.999999Z")?.microseconds == Timestamp.range.upperBound)
        #expect(Timestamp(iso8601: "2026-11-24T09:00:00.1234567890Z")?.iso8601() == "2026-11-24T09:00:00.123456Z")
    }

    @Test("POSIX TZ strings with huge or impossible numbers are refused", arguments: [
        "CET-" + huge, "CET-25", "CET-1:60", "CET-1:", "CET-1CEST-" + huge + ",M3.5.0,M10.5.0/3", "CET-1CEST,M3.5.0/168,M10.5.0/3",
        "CET-1CEST,M" + huge + ".5.0,M10.5.0/3", "CET-1CEST,J" + huge + ",M10.5.0", "CET-1CEST,M3.5.0,M10.5.0/-" + huge,
    ])
    func badPosixRules(text: String) {
        #expect(PosixRule(text) == nil)
    }

    @Test("RFC 8536's extended rule times (−167 to 167 hours) are accepted")
    func extendedRuleTimes() throws {
        let rule = try #require(PosixRule("XXX3YYY,M3.5.0/-167,M10.5.0/167:59:59"))
        #expect(rule.daylight?.start.time == -167 * 3600)
        #expect(rule.daylight?.end.time == 167 * 3600 + 59 * 60 + 59)
    }

    @Test("a rule's day in any year, and its offset at any instant, never trap")
    func rulesAtTheEdges() throws {
        let rule = try #require(PosixRule("CET-1CEST,M3.5.0,M10.5.0/3"))
        for year in [Int.min / 1_000_000, -1, 0, 1, 9999, 10_000, Int.max / 1_000_000] {
            _ = rule.daylight?.start.date(in: year)
        }
        for seconds in [Int64.min, -62_135_596_800, 0, 253_402_300_799, Int64.max] {
            #expect([3600, 7200].contains(rule.offset(at: seconds)))
        }
    }

    @Test("zone rules answer at the first and last instants")
    func zoneAtTheEdges() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/Europe/Paris")))
        let paris = try ZoneRules.parse(name: "Europe/Paris", bytes: bytes)
        for instant in [Timestamp(microsecondsSinceEpoch: .min), Timestamp(microsecondsSinceEpoch: .max)] {
            _ = paris.localDate(at: instant)
            _ = paris.localMinuteOfDay(at: instant)
            _ = instant.iso8601(offsetSeconds: paris.offset(at: instant))
        }
        #expect(paris.localDate(at: Timestamp(microsecondsSinceEpoch: .max)).description == "9999-12-31")
        _ = paris.instants(on: LocalDate(daysSinceEpoch: .max), minuteOfDay: 1440)
        _ = paris.firstInstant(on: LocalDate(daysSinceEpoch: .min), minuteOfDay: 0)
    }
}

/// TZif headers are read from the file: their counts are checked before anything is allocated or skipped.
@Suite("TZif counts from the file")
struct TZifCountTests {
    /// A version 1 TZif file: one type of offset `offset`, then `transitions`.
    static func file(counts: [Int32]? = nil, offset: Int32 = 3600, transitions: [Int32] = []) -> [UInt8] {
        func bigEndian(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        let declared = counts ?? [0, 0, 0, Int32(transitions.count), 1, 4]
        var bytes = Array("TZif".utf8) + [0] + [UInt8](repeating: 0, count: 15) + declared.flatMap(bigEndian)
        bytes += transitions.flatMap(bigEndian) + transitions.map { _ in UInt8(0) }
        bytes += bigEndian(offset) + [0, 0] + Array("CET\0".utf8)
        return bytes
    }

    @Test("a well-formed file parses")
    func wellFormed() throws {
        let rules = try ZoneRules.parse(name: "x", bytes: Self.file(transitions: [0, 100]))
        #expect(rules.offset(at: Timestamp(secondsSinceEpoch: 50)) == 3600)
    }

    @Test("negative or impossible counts are refused", arguments: [
        [0, 0, 0, -1, 1, 4], [0, 0, 0, 0, -1, 4], [0, 0, -5, 0, 1, 4], [-1, 0, 0, 0, 1, 4], [0, 0, 0, 0, 1, Int32.min],
        [0, 0, 0, Int32.max, 1, 4], [0, 0, 0, 0, Int32.max, 4], [0, 0, Int32.max, 0, 1, 4], [Int32.max, Int32.max, Int32.max, Int32.max, Int32.max, Int32.max],
        [0, 0, 0, 0, 0, 4],
    ] as [[Int32]])
    func badCounts(counts: [Int32]) {
        #expect(throws: ZoneRules.ParseError.self) { try ZoneRules.parse(name: "x", bytes: Self.file(counts: counts)) }
    }

    @Test("offsets beyond ±26 hours and unordered transitions are refused")
    func badValues() {
        for offset in [Int32.min, -90_000, 93_600, Int32.max] {
            #expect(throws: ZoneRules.ParseError.self) { try ZoneRules.parse(name: "x", bytes: Self.file(offset: offset)) }
        }
        #expect(throws: ZoneRules.ParseError.self) { try ZoneRules.parse(name: "x", bytes: Self.file(transitions: [100, 0])) }
    }

    @Test("every prefix of a real file is refused or parsed, never a trap")
    func prefixes() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/America/New_York")))
        for length in 0..<bytes.count { _ = try? ZoneRules.parse(name: "x", bytes: Array(bytes[0..<length])) }
    }
}

@Suite("Text the database would refuse")
struct DatabaseTextTests {
    @Test("names count code points, as the database does")
    func codePoints() throws {
        #expect(throws: ArtisanError.self) { try Validate.name(String(repeating: "e\u{301}", count: 200)) }
        #expect(try Validate.name(String(repeating: "é", count: 255)).count == 255)
        #expect(throws: ArtisanError.self) { try Validate.text(String(repeating: "e\u{301}", count: 300), field: "--reason", maximum: 500) }
    }

    @Test("free text refuses NUL and escapes, keeps tabs and line breaks")
    func controls() throws {
        #expect(throws: ArtisanError.self) { try Validate.text("a\u{0}b", field: "--reason", maximum: 500) }
        #expect(throws: ArtisanError.self) { try Validate.text("\u{1b}[31mred", field: "--reason", maximum: 500) }
        #expect(try Validate.text("two\tcolumns\nand lines", field: "--reason", maximum: 500) == "two\tcolumns\nand lines")
    }
}
