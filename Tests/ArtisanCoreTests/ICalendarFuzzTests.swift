import ArtisanCore
import Foundation
import Testing
import TestSupport

/// Valid calendars, mutated at random (seeded), fed to the reader: it returns events or refuses a
/// time zone, and never traps or hangs. `ARTISANCTL_FUZZ_SEED=<n>` replays a run (SeededGenerator
/// is SplitMix64, in AvailabilityEngineTests.swift).
@Suite("iCalendar reader fuzz")
struct ICalendarFuzzTests {
    static let seed = ProcessInfo.processInfo.environment["ARTISANCTL_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_125
    static let cases = 2000

    /// Our own feed (its TZID renamed so the VTIMEZONE is read), an Outlook-style object, and a mixed one.
    static func seeds() throws -> [String] {
        let jerusalem = try ICalendarWriterTests.zone("Asia/Jerusalem")
        let events = try ["2026-03-27T08:00:00Z", "2026-10-25T00:30:00Z", "2027-01-15T12:00:00Z"].map { start in
            let begin = try ICalendarWriterTests.instant(start)
            return BookingEvent(bookingID: start, uid: start + "@test", summary: "Coupe; brushing, «shampooing»", description: "Réservation\nAC-7KQ2MX",
                                start: begin, end: begin.adding(minutes: 90), timezone: "Asia/Jerusalem")
        }
        let ours = ICalendar.calendar(events, zone: jerusalem, stamp: try ICalendarWriterTests.instant("2026-11-24T08:00:00Z"), name: "Léa")
        let outlook = ICalendarReaderTests.document(ICalendarReaderTests.windowsParis, [
            ["DTSTART;TZID=W. Europe Standard Time:20261129T090000", "DTEND;TZID=W. Europe Standard Time:20261129T103000", "SUMMARY:Chantier"],
            ["DTSTART;TZID=W. Europe Standard Time:20260329T023000", "DURATION:PT2H", "RECURRENCE-ID:20260329T013000Z"],
        ])
        let mixed = ICalendarReaderTests.document([], [
            ["DTSTART;VALUE=DATE:20261127", "DTEND;VALUE=DATE:20261128"], ["DTSTART:20261126T080000Z", "DURATION:-P1W2DT3H4M5S"],
            ["DTSTART:20261126T080000", "TRANSP:TRANSPARENT", "BEGIN:VALARM", "TRIGGER:-PT15M", "END:VALARM"],
        ])
        return [ours.replacing("TZID=Asia/Jerusalem", with: "TZID=Custom").replacing("TZID:Asia/Jerusalem", with: "TZID:Custom"), outlook, mixed]
    }

    static let hostileLines = [
        "DURATION:P99999999999999999999W", "DURATION:-P9223372036854775807D", "DTSTART:99981231T235960", "DTSTART;TZID=Custom:00020101T000000",
        "DTEND;TZID=W. Europe Standard Time:99981231T235959", "DTSTART;TZID=Nowhere:20261126T080000", "TZOFFSETFROM:+2359", "TZOFFSETTO:-9999",
        "RRULE:FREQ=YEARLY;BYMONTH=" + String(repeating: "3,", count: 5000) + "10;BYDAY=-1SU", "RRULE:FREQ=YEARLY;COUNT=99999999999999999999",
        "RRULE:FREQ=YEARLY;BYDAY=99999999999999999999SU;BYMONTH=3", "RRULE:FREQ=YEARLY;UNTIL=00000000T000000Z", "RDATE:" + String(repeating: "20260329T020000,", count: 2000),
        "DTSTART:00020101T000000", "BEGIN:VTIMEZONE", "END:VTIMEZONE", "BEGIN:VEVENT", "END:VEVENT", "BEGIN:STANDARD", "END:DAYLIGHT",
        "END:VCALENDAR", "UID:", ":", ";;;;", "DTSTART;TZID=\"unterminated:20261126T080000", String(repeating: "BEGIN:X\r\n", count: 20_000),
        "SUMMARY:" + String(repeating: "\\", count: 10_001), "X-LONG:" + String(repeating: "é", count: 200_000),
    ]

    static func mutate(_ text: String, _ random: inout SeededGenerator) -> String {
        var bytes = Array(text.utf8)
        func position() -> Int { Int.random(in: 0...bytes.count, using: &random) }
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<7, using: &random) {
            case 0:  // a run of digits becomes huge, negative or empty
                if let start = bytes.indices.filter({ (48...57).contains(bytes[$0]) }).randomElement(using: &random) {
                    let end = bytes[start...].firstIndex(where: { !(48...57).contains($0) }) ?? bytes.count
                    bytes.replaceSubrange(start..<end, with: Array(["99999999999999999999", "-1", "", "0000", "9223372036854775808"].randomElement(using: &random)!.utf8))
                }
            case 1:  // a range deleted
                let start = position()
                bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...200, using: &random)))
            case 2:  // random bytes, structure characters and invalid UTF-8 included
                let noise: [UInt8] = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                    [UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "\""), 13, 10, 32, 0xFF, 0xC3, UInt8.random(in: 0...255, using: &random)].randomElement(using: &random)!
                }
                bytes.insert(contentsOf: noise, at: position())
            case 3:  // a hostile line
                bytes.insert(contentsOf: Array(("\r\n" + hostileLines.randomElement(using: &random)! + "\r\n").utf8), at: position())
            case 4:  // a line repeated
                var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
                let line = lines.randomElement(using: &random)!
                lines.insert(contentsOf: Array(repeating: line, count: Int.random(in: 1...300, using: &random)), at: Int.random(in: 0...lines.count, using: &random))
                bytes = Array(lines.joined(separator: "\r\n").utf8)
            case 5:  // cut short
                bytes.removeSubrange(position()...)
            default:  // two lines swapped
                var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
                lines.swapAt(Int.random(in: 0..<lines.count, using: &random), Int.random(in: 0..<lines.count, using: &random))
                bytes = Array(lines.joined(separator: "\r\n").utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("mutated calendars: events or an unknown time zone, never a trap or a hang")
    func mutations() throws {
        print("iCalendar reader fuzz: seed \(Self.seed), \(Self.cases) cases (ARTISANCTL_FUZZ_SEED=\(Self.seed) replays them)")
        let seeds = try Self.seeds()
        let paris = try ICalendarWriterTests.zone("Europe/Paris")
        var random = SeededGenerator(seed: Self.seed)
        var read = 0, refused = 0
        for index in 0..<Self.cases {
            let text = Self.mutate(seeds[index % seeds.count], &random)
            do {
                let events = try ICalendar.events(in: text, localZone: paris, zone: { $0 == "Europe/Paris" ? paris : nil })
                read += events.filter(\.isBusy).count
            } catch is ICalendar.UnknownTimeZone {
                refused += 1
            } catch {
                Issue.record("seed \(Self.seed), case \(index): \(error)")
            }
        }
        // The mutations leave most objects readable: the generator exercises the reader, not only its refusals.
        print("iCalendar reader fuzz: \(read) busy events read, \(refused) objects refused for their time zone")
        #expect(read > Self.cases / 2 && refused > 0, "seed \(Self.seed)")
    }
}
