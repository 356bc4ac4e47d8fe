import ArtisanCore
import Foundation
import Testing

/// The VTIMEZONE and VEVENTs we write, against the system's tz database (Debian's tzdata).
@Suite("iCalendar writer")
struct ICalendarWriterTests {
    static func zone(_ name: String) throws -> ZoneRules {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/\(name)")))
        return try ZoneRules.parse(name: name, bytes: bytes)
    }

    static func instant(_ text: String) throws -> Timestamp { try #require(Timestamp(iso8601: text)) }

    static func event(_ start: String, _ end: String, zone: String) throws -> BookingEvent {
        BookingEvent(bookingID: "b1", uid: "booking-b1@artisanconnect", summary: "Coupe, shampooing; brushing", description: "Réservation AC-7KQ2MX",
                     start: try instant(start), end: try instant(end), timezone: zone)
    }

    /// The unfolded lines of one sub-component kind of the VTIMEZONE, e.g. every DAYLIGHT's.
    static func observances(_ document: String, _ kind: String) -> [[String]] {
        var result: [[String]] = [], current: [String]?
        for line in document.replacing("\r\n ", with: "").split(separator: "\r\n").map(String.init) {
            if line == "BEGIN:\(kind)" { current = [] } else if line == "END:\(kind)" { result.append(current!); current = nil } else { current?.append(line) }
        }
        return result
    }

    /// Every line is a content line of at most 75 octets ending in CRLF, and every date-time is a real wall time.
    static func expectWellFormed(_ document: String) {
        #expect(document.hasSuffix("\r\n"))
        for line in document.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast() {
            #expect(line.utf8.count <= 75, "\(line)")
            #expect(!line.contains("\r") && !line.contains("\n"))
        }
        let dateTime = /^(DTSTART|DTEND|RDATE|DTSTAMP)(;TZID=[^:;]+)?:(\d{8})T([01]\d|2[0-3])[0-5]\d[0-5]\dZ?$/
        for line in document.replacing("\r\n ", with: "").split(separator: "\r\n") where line.hasPrefix("DT") || line.hasPrefix("RDATE") {
            #expect(line.wholeMatch(of: dateTime) != nil, "\(line)")
        }
    }

    /// Our own reader, made to use the document's VTIMEZONE (the zone lookup knows nothing).
    static func readBack(_ document: String) throws -> [ICalendar.ParsedEvent] {
        try ICalendar.events(in: document, localZone: try zone("UTC"), zone: { _ in nil })
    }

    @Test("changes at any local time, written as the wall time before each change", arguments: [
        // Israel's rule says Thursday 26:00: the Friday at 02:00.
        ("Asia/Jerusalem", "2026-03-27T08:00:00Z", "20260327T110000",
         ["RDATE:20260327T020000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0300"], ["RDATE:20261025T020000", "TZOFFSETFROM:+0300", "TZOFFSETTO:+0200"]),
        // Nuuk's say -1:00 and 0:00: the Saturday evening at 23:00, and midnight.
        ("America/Nuuk", "2026-03-29T12:00:00Z", "20260329T110000",
         ["RDATE:20260328T230000", "TZOFFSETFROM:-0200", "TZOFFSETTO:-0100"], ["RDATE:20261025T000000", "TZOFFSETFROM:-0100", "TZOFFSETTO:-0200"]),
        // Lord Howe's daylight saving time is thirty minutes.
        ("Australia/Lord_Howe", "2026-10-04T01:00:00Z", "20261004T120000",
         ["RDATE:20261004T020000", "TZOFFSETFROM:+1030", "TZOFFSETTO:+1100"], ["RDATE:20260405T020000", "TZOFFSETFROM:+1100", "TZOFFSETTO:+1030"]),
    ])
    func changes(name: String, start: String, local: String, daylight: [String], standard: [String]) throws {
        let begin = try Self.instant(start)
        let event = BookingEvent(bookingID: "b1", uid: "b1@test", summary: "s", description: "d", start: begin, end: begin.adding(minutes: 60), timezone: name)
        let document = ICalendar.calendar([event], zone: try Self.zone(name), stamp: try Self.instant("2026-01-01T10:00:00Z"), name: "Léa")
        Self.expectWellFormed(document)
        #expect(Self.observances(document, "DAYLIGHT").contains { Set(daylight).isSubset(of: $0) })
        #expect(Self.observances(document, "STANDARD").contains { Set(standard).isSubset(of: $0) })
        #expect(!document.contains("RRULE"))
        #expect(document.contains("DTSTART;TZID=\(name):\(local)\r\n"))
        #expect(try Self.readBack(document).map { [$0.start, $0.end] } == [[event.start, event.end]])
    }

    @Test("Europe/Paris: the last Sundays of March and October; an hour shown twice is written in UTC")
    func paris() throws {
        let events = [try Self.event("2026-10-25T00:00:00Z", "2026-10-25T01:30:00Z", zone: "Europe/Paris"),
                      try Self.event("2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z", zone: "Europe/Paris")]
        let document = ICalendar.calendar(events, zone: try Self.zone("Europe/Paris"), stamp: try Self.instant("2026-10-01T10:00:00Z"), name: "Léa")
        Self.expectWellFormed(document)
        #expect(Self.observances(document, "DAYLIGHT").flatMap { $0 }.contains("RDATE:20260329T020000"))
        #expect(Self.observances(document, "STANDARD").flatMap { $0 }.contains("RDATE:20261025T030000"))
        // 02:00 and 02:30 happen twice that night: a TZID time would mean the first of each.
        #expect(document.contains("DTSTART:20261025T000000Z\r\n") && document.contains("DTEND:20261025T013000Z\r\n"))
        #expect(document.contains("DTSTART;TZID=Europe/Paris:20261025T030000\r\n"))
        #expect(try Self.readBack(document).map { [$0.start, $0.end] } == events.map { [$0.start, $0.end] })
        // The VTIMEZONE covers the year before and the year after.
        #expect(document.contains("RDATE:20270328T020000") && document.contains("DTSTART:20250101T000000"))
    }

    @Test("zones without changes get one STANDARD with their offset", arguments: [("UTC", "+0000", "20261124T090000"), ("Asia/Kolkata", "+0530", "20261124T143000")])
    func fixedOffset(name: String, offset: String, local: String) throws {
        let document = ICalendar.calendar([try Self.event("2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z", zone: name)],
                                          zone: try Self.zone(name), stamp: try Self.instant("2026-11-01T00:00:00Z"), name: "Léa")
        Self.expectWellFormed(document)
        #expect(Self.observances(document, "STANDARD") == [["DTSTART:20250101T000000", "TZOFFSETFROM:\(offset)", "TZOFFSETTO:\(offset)"]])
        #expect(Self.observances(document, "DAYLIGHT").isEmpty)
        #expect(document.contains("DTSTART;TZID=\(name):\(local)"))
        #expect(try Self.readBack(document).map(\.start) == [try Self.instant("2026-11-24T09:00:00Z")])
    }

    @Test("DTSTAMP is the instant the document is written, whatever the events' times")
    func stamp() throws {
        let event = try Self.event("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", zone: "Europe/Paris")
        let paris = try Self.zone("Europe/Paris")
        for written in ["2026-11-24T08:15:00Z", "2027-01-05T17:42:10Z"] {
            let document = ICalendar.calendar([event], zone: paris, stamp: try Self.instant(written), name: "Léa")
            #expect(document.contains("DTSTAMP:\(ICalendar.utcDateTime(try Self.instant(written)))\r\n"))
            #expect(!document.contains("DTSTAMP:20261201T090000Z"))
        }
    }

    @Test("text is escaped and long lines folded without splitting a character")
    func folding() throws {
        let long = String(repeating: "é", count: 100)
        let folded = ICalendar.folded("SUMMARY:" + long)
        #expect(folded.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(folded.replacing("\r\n ", with: "") == "SUMMARY:\(long)\r\n")
        #expect(ICalendar.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne")
    }
}
