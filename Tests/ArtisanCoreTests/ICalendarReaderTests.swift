import ArtisanCore
import Foundation
import Testing

/// Reading busy time: TZIDs from the tz database, else from the object's VTIMEZONE, else refused.
@Suite("iCalendar reader")
struct ICalendarReaderTests {
    static func zone(_ name: String) throws -> ZoneRules { try ICalendarWriterTests.zone(name) }
    static func instant(_ text: String) throws -> Timestamp { try ICalendarWriterTests.instant(text) }

    /// What Outlook and Exchange write: a Windows zone name and its rule as yearly RRULEs since 1601.
    static let windowsParis: [String] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vtimezone_w_europe.ics")
        return ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }()

    static let windowsNewYork = [
        "BEGIN:VTIMEZONE", "TZID:Eastern Standard Time",
        "BEGIN:STANDARD", "DTSTART:16010101T020000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400",
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE",
    ]

    static func document(_ timeZones: [String], _ events: [[String]]) -> String {
        (["BEGIN:VCALENDAR", "VERSION:2.0"] + timeZones + events.enumerated().flatMap { index, lines in
            ["BEGIN:VEVENT", "UID:e\(index)@test"] + lines + ["END:VEVENT"]
        } + ["END:VCALENDAR", ""]).joined(separator: "\r\n")
    }

    static func read(_ text: String) throws -> [ICalendar.ParsedEvent] {
        try ICalendar.events(in: text, localZone: try zone("Europe/Paris"), zone: { name in try? zone(name) })
    }

    @Test("a Windows TZID is read with its VTIMEZONE's RRULEs: summer, winter and both changes of 2026")
    func windowsZone() throws {
        let text = Self.document(Self.windowsParis + Self.windowsNewYork, [
            ["DTSTART;TZID=W. Europe Standard Time:20260715T100000", "DTEND;TZID=W. Europe Standard Time:20260715T110000"],
            ["DTSTART;TZID=\"W. Europe Standard Time\":20261215T100000", "DURATION:PT1H"],
            ["DTSTART;TZID=W. Europe Standard Time:20260329T013000", "DTEND;TZID=W. Europe Standard Time:20260329T033000"],
            ["DTSTART;TZID=Eastern Standard Time:20260308T013000", "DTEND;TZID=Eastern Standard Time:20261101T013000"],
        ])
        let events = try Self.read(text)
        #expect(events.map { [$0.start, $0.end] } == [
            [try Self.instant("2026-07-15T08:00:00Z"), try Self.instant("2026-07-15T09:00:00Z")],
            [try Self.instant("2026-12-15T09:00:00Z"), try Self.instant("2026-12-15T10:00:00Z")],
            [try Self.instant("2026-03-29T00:30:00Z"), try Self.instant("2026-03-29T01:30:00Z")],
            // 01:30 on 1 November happens twice in New York: the first, in daylight time.
            [try Self.instant("2026-03-08T06:30:00Z"), try Self.instant("2026-11-01T05:30:00Z")],
        ])
    }

    @Test("an IANA TZID is read from the tz database, even when a VTIMEZONE says otherwise")
    func databaseFirst() throws {
        let wrong = ["BEGIN:VTIMEZONE", "TZID:Europe/Paris", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                     "TZOFFSETFROM:+0500", "TZOFFSETTO:+0500", "END:STANDARD", "END:VTIMEZONE"]
        let events = try Self.read(Self.document(wrong, [["DTSTART;TZID=Europe/Paris:20260715T100000", "DTEND;TZID=Europe/Paris:20260715T110000"]]))
        #expect(events.map(\.start) == [try Self.instant("2026-07-15T08:00:00Z")])
    }

    @Test("an unknown TZID is refused, never read in the artisan's zone")
    func unknownZone() throws {
        let event = [["DTSTART;TZID=Mars/Olympus_Mons:20260715T100000", "DTEND;TZID=Mars/Olympus_Mons:20260715T110000"]]
        let unknown = #expect(throws: ICalendar.UnknownTimeZone.self) { try Self.read(Self.document([], event)) }
        #expect(unknown?.tzid == "Mars/Olympus_Mons" && unknown?.isDefined == false)
        // A VTIMEZONE whose rule we do not read is not guessed either.
        let monthly = ["BEGIN:VTIMEZONE", "TZID:Mars/Olympus_Mons", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0100",
                       "TZOFFSETTO:+0200", "RRULE:FREQ=MONTHLY;BYDAY=1SU", "END:STANDARD", "END:VTIMEZONE"]
        let error = #expect(throws: ICalendar.UnknownTimeZone.self) { try Self.read(Self.document(monthly, event)) }
        #expect(error?.isDefined == true)
        #expect(error?.description.contains("'Mars/Olympus_Mons'") == true)
    }

    @Test("a VTIMEZONE of RDATEs with an unknown name (our own writer's form) is read")
    func rdates() throws {
        let zone = ["BEGIN:VTIMEZONE", "TZID:Custom", "BEGIN:STANDARD", "DTSTART:20250101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0100", "END:STANDARD",
                    "BEGIN:DAYLIGHT", "DTSTART:20250330T020000", "RDATE:20260329T020000,20270328T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
                    "BEGIN:STANDARD", "DTSTART:20251026T030000", "RDATE:20261025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
                    "END:VTIMEZONE"]
        let events = try Self.read(Self.document(zone, [["DTSTART;TZID=Custom:20260715T100000", "DTEND;TZID=Custom:20261215T100000"]]))
        #expect(events.map { [$0.start, $0.end] } == [[try Self.instant("2026-07-15T08:00:00Z"), try Self.instant("2026-12-15T09:00:00Z")]])
    }

    @Test("all-day, UTC and floating times; free and cancelled events are not busy")
    func kinds() throws {
        let events = try Self.read(Self.document([], [
            ["DTSTART;VALUE=DATE:20261127", "SUMMARY:Salon\\, Paris"],
            ["DTSTART:20261126T080000Z", "DTEND:20261126T090000Z", "TRANSP:TRANSPARENT"],
            ["DTSTART:20261126T080000", "DURATION:PT30M", "STATUS:CANCELLED"],
        ]))
        #expect(events.map { [$0.start, $0.end] } == [
            [try Self.instant("2026-11-26T23:00:00Z"), try Self.instant("2026-11-27T23:00:00Z")],
            [try Self.instant("2026-11-26T08:00:00Z"), try Self.instant("2026-11-26T09:00:00Z")],
            [try Self.instant("2026-11-26T07:00:00Z"), try Self.instant("2026-11-26T07:30:00Z")],
        ])
        #expect(events.map(\.isBusy) == [true, false, false])
        #expect(events[0].summary == "Salon, Paris")
    }

    @Test("durations: overflow, garbage and absurd lengths are refused (the event then has no length), never trapped", arguments: [
        ("PT1H30M", Int64(5400)), ("-PT15M", -900), ("P1W", 604_800), ("P1DT1S", 86_401),
        ("P99999999999999999999W", 0), ("P9999999999W", 0), ("PT", 0), ("PT15", 0), ("P1H", 0), ("", 0), ("PXD", 0),
        ("P" + String(repeating: "999999999W", count: 1000), 0),
    ] as [(String, Int64)])
    func durations(text: String, seconds: Int64) throws {
        let event = try #require(try Self.read(Self.document([], [["DTSTART:20261126T080000Z", "DURATION:\(text)"]])).first)
        #expect(event.end.secondsSinceEpoch - event.start.secondsSinceEpoch == seconds)
    }
}
