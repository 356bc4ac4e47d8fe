/// Just enough RFC 5545 to read busy time from CalDAV and to write bookings as events:
/// line unfolding/folding, text escaping, DATE and DATE-TIME values (UTC, TZID, floating).
public enum ICalendar {
    /// A VEVENT as far as busy time is concerned.
    public struct ParsedEvent: Sendable, Equatable {
        public var uid: String
        public var recurrenceID: String?
        public var summary: String?
        public var start: Timestamp
        public var end: Timestamp
        public var isTransparent: Bool
        public var isCancelled: Bool

        /// Busy unless free (TRANSP:TRANSPARENT) or cancelled.
        public var isBusy: Bool { !isTransparent && !isCancelled && start < end }
    }

    /// The VEVENTs of a calendar object. TZID times use `zone(for:)` (nil: the artisan's zone);
    /// floating times and all-day dates are read in `localZone`, an all-day event blocking whole days.
    public static func events(in text: String, localZone: ZoneRules, zone: (String) -> ZoneRules?) -> [ParsedEvent] {
        var events: [ParsedEvent] = []
        var properties: [(name: String, parameters: [String: String], value: String)]?
        for line in unfolded(text) {
            if line == "BEGIN:VEVENT" { properties = []; continue }
            if line == "END:VEVENT" {
                if let properties, let event = event(from: properties, localZone: localZone, zone: zone) { events.append(event) }
                properties = nil
                continue
            }
            if properties != nil, let property = parse(line) { properties!.append(property) }
        }
        return events
    }

    static func event(from properties: [(name: String, parameters: [String: String], value: String)], localZone: ZoneRules,
                      zone: (String) -> ZoneRules?) -> ParsedEvent? {
        func first(_ name: String) -> (name: String, parameters: [String: String], value: String)? { properties.first { $0.name == name } }
        guard let uid = first("UID")?.value, let startProperty = first("DTSTART"),
              let (start, startIsDate) = instant(startProperty, localZone: localZone, zone: zone) else { return nil }
        var end: Timestamp
        if let endProperty = first("DTEND"), let (value, _) = instant(endProperty, localZone: localZone, zone: zone) {
            end = value
        } else if let duration = first("DURATION").flatMap({ durationSeconds($0.value) }) {
            end = start.adding(seconds: duration)
        } else {
            end = startIsDate ? start.adding(seconds: 86_400) : start
        }
        if startIsDate, let date = first("DTSTART").flatMap({ LocalDate(dateValue: $0.value) }), first("DTEND") == nil, first("DURATION") == nil {
            end = localZone.firstInstant(on: date.adding(days: 1), minuteOfDay: 0)
        }
        return ParsedEvent(uid: uid, recurrenceID: first("RECURRENCE-ID")?.value, summary: first("SUMMARY").map { unescape($0.value) },
                           start: start, end: end, isTransparent: first("TRANSP")?.value.uppercased() == "TRANSPARENT",
                           isCancelled: first("STATUS")?.value.uppercased() == "CANCELLED")
    }

    /// DTSTART/DTEND: `VALUE=DATE:20261124`, `20261124T090000Z`, `TZID=…:20261124T090000`, floating.
    static func instant(_ property: (name: String, parameters: [String: String], value: String), localZone: ZoneRules,
                        zone: (String) -> ZoneRules?) -> (Timestamp, isDate: Bool)? {
        let value = property.value
        if property.parameters["VALUE"]?.uppercased() == "DATE" || value.count == 8 {
            guard let date = LocalDate(dateValue: value) else { return nil }
            return (localZone.firstInstant(on: date, minuteOfDay: 0), true)
        }
        let bytes = Array(value.utf8)
        guard bytes.count >= 15, bytes[8] == UInt8(ascii: "T"), let date = LocalDate(dateValue: String(value.prefix(8))),
              let hour = ASCIIDigits.value(bytes[9..<11]), let minute = ASCIIDigits.value(bytes[11..<13]),
              let second = ASCIIDigits.value(bytes[13..<15]) else { return nil }
        if bytes.count == 16, bytes[15] == UInt8(ascii: "Z") {
            return (Timestamp(date: date, minuteOfDay: hour * 60 + minute).adding(seconds: Int64(second)), false)
        }
        let rules = property.parameters["TZID"].flatMap(zone) ?? localZone
        return (rules.firstInstant(on: date, minuteOfDay: hour * 60 + minute).adding(seconds: Int64(second)), false)
    }

    /// `P1D`, `PT1H30M`, `P1W`, `-PT15M` in seconds.
    static func durationSeconds(_ text: String) -> Int64? {
        var negative = false
        var rest = Substring(text)
        if rest.hasPrefix("-") { negative = true; rest = rest.dropFirst() } else if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst()
        var total: Int64 = 0, number: Int64 = 0, inTime = false, sawDigit = false
        for character in rest {
            if let digit = character.wholeNumberValue { number = number * 10 + Int64(digit); sawDigit = true; continue }
            let unit: Int64
            switch character {
            case "T": inTime = true; continue
            case "W": unit = 604_800
            case "D": unit = 86_400
            case "H" where inTime: unit = 3600
            case "M" where inTime: unit = 60
            case "S" where inTime: unit = 1
            default: return nil
            }
            guard sawDigit else { return nil }
            total += number * unit
            number = 0
            sawDigit = false
        }
        return negative ? -total : total
    }

    // MARK: - Lines

    static func unfolded(_ text: String) -> [String] {
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += raw.dropFirst()
            } else {
                lines.append(String(raw))
            }
        }
        return lines
    }

    /// `NAME;PARAM=value;PARAM="quoted":VALUE`
    static func parse(_ line: String) -> (name: String, parameters: [String: String], value: String)? {
        var inQuotes = false
        var colon: String.Index?
        for index in line.indices {
            if line[index] == "\"" { inQuotes.toggle() }
            if line[index] == ":", !inQuotes { colon = index; break }
        }
        guard let colon else { return nil }
        let head = line[..<colon].split(separator: ";")
        guard let name = head.first else { return nil }
        var parameters: [String: String] = [:]
        for parameter in head.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parameters[pair[0].uppercased()] = String(pair[1]).replacing("\"", with: "") }
        }
        return (name.uppercased(), parameters, String(line[line.index(after: colon)...]))
    }

    public static func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing(";", with: "\\;").replacing(",", with: "\\,").replacing("\n", with: "\\n")
    }

    static func unescape(_ text: String) -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                result.append(character == "n" || character == "N" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Folds a content line at 75 octets, never inside a UTF-8 sequence, with CRLF endings.
    public static func folded(_ line: String) -> String {
        var output = ""
        var current = ""
        var length = 0
        for character in line {
            let size = character.utf8.count
            if length + size > (output.isEmpty ? 75 : 74) {
                output += current + "\r\n "
                current = ""
                length = 0
            }
            current.append(character)
            length += size
        }
        return output + current + "\r\n"
    }

    // MARK: - Writing

    /// `20261124T090000` in the zone's local time.
    public static func localDateTime(_ instant: Timestamp, zone: ZoneRules) -> String {
        let date = zone.localDate(at: instant)
        let minute = zone.localMinuteOfDay(at: instant)
        return compact(date) + "T" + ASCIIDigits.padded(minute / 60, width: 2) + ASCIIDigits.padded(minute % 60, width: 2) + "00"
    }

    public static func utcDateTime(_ instant: Timestamp) -> String {
        let iso = instant.iso8601()  // 2026-11-24T09:00:00Z
        return iso.prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
    }

    static func compact(_ date: LocalDate) -> String { date.description.filter { $0 != "-" } }

    /// One VEVENT for a booking, its times in the artisan's zone (TZID), stable UID.
    public static func vevent(_ event: BookingEvent, zone: ZoneRules, stamp: Timestamp) -> String {
        [
            "BEGIN:VEVENT",
            "UID:\(event.uid)",
            "DTSTAMP:\(utcDateTime(stamp))",
            "DTSTART;TZID=\(zone.name):\(localDateTime(event.start, zone: zone))",
            "DTEND;TZID=\(zone.name):\(localDateTime(event.end, zone: zone))",
            "SUMMARY:\(escape(event.summary))",
            "DESCRIPTION:\(escape(event.description))",
            "TRANSP:OPAQUE",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ].map(folded).joined()
    }

    /// A whole calendar: the zone's VTIMEZONE, then the events.
    public static func calendar(_ events: [BookingEvent], zone: ZoneRules, stamp: Timestamp, name: String) -> String {
        var text = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ArtisanConnect//artisanctl//FR", "CALSCALE:GREGORIAN",
                    "X-WR-CALNAME:\(escape(name))", "X-WR-TIMEZONE:\(zone.name)"].map(folded).joined()
        text += vtimezone(zone)
        for event in events { text += vevent(event, zone: zone, stamp: stamp) }
        return text + folded("END:VCALENDAR")
    }

    /// The zone's current rule as a VTIMEZONE (STANDARD, plus DAYLIGHT with yearly RRULEs when it has DST).
    public static func vtimezone(_ zone: ZoneRules) -> String {
        func offset(_ seconds: Int) -> String {
            let sign = seconds < 0 ? "-" : "+"
            let magnitude = abs(seconds)
            return sign + ASCIIDigits.padded(magnitude / 3600, width: 2) + ASCIIDigits.padded(magnitude / 60 % 60, width: 2)
        }
        func rrule(_ rule: PosixRule.DateRule) -> (start: String, rrule: String?) {
            let time = ASCIIDigits.padded(rule.time / 3600, width: 2) + ASCIIDigits.padded(rule.time / 60 % 60, width: 2) + "00"
            if case .monthWeekDay(let month, let week, let weekday) = rule.kind {
                let days = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
                return (compact(rule.date(in: 1970)) + "T" + time, "FREQ=YEARLY;BYMONTH=\(month);BYDAY=\(week == 5 ? -1 : week)\(days[weekday])")
            }
            return (compact(rule.date(in: 1970)) + "T" + time, nil)
        }
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(zone.name)"]
        let rule = zone.footer ?? PosixRule(standardOffset: zone.initialOffset)
        if let daylight = rule.daylight {
            let standard = rrule(daylight.end), summer = rrule(daylight.start)
            lines += ["BEGIN:DAYLIGHT", "TZOFFSETFROM:\(offset(rule.standardOffset))", "TZOFFSETTO:\(offset(daylight.offset))",
                      "DTSTART:\(summer.start)"] + (summer.rrule.map { ["RRULE:\($0)"] } ?? []) + ["END:DAYLIGHT"]
            lines += ["BEGIN:STANDARD", "TZOFFSETFROM:\(offset(daylight.offset))", "TZOFFSETTO:\(offset(rule.standardOffset))",
                      "DTSTART:\(standard.start)"] + (standard.rrule.map { ["RRULE:\($0)"] } ?? []) + ["END:STANDARD"]
        } else {
            lines += ["BEGIN:STANDARD", "TZOFFSETFROM:\(offset(rule.standardOffset))", "TZOFFSETTO:\(offset(rule.standardOffset))",
                      "DTSTART:19700101T000000", "END:STANDARD"]
        }
        lines.append("END:VTIMEZONE")
        return lines.map(folded).joined()
    }
}

extension LocalDate {
    /// `20261124`
    init?(dateValue text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, let year = ASCIIDigits.value(bytes[0..<4]), let month = ASCIIDigits.value(bytes[4..<6]),
              let day = ASCIIDigits.value(bytes[6..<8]) else { return nil }
        self.init(year: year, month: month, day: day)
    }
}
