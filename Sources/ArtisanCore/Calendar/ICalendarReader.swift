/// Busy time from a calendar object (CalDAV): its VEVENTs and their instants. A TZID is read from
/// the system's tz database, else from the object's own VTIMEZONE of that name; one that is neither
/// fails the read instead of being guessed, since a wrong guess shows the artisan free when busy.
extension ICalendar {
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

    /// A TZID that is not in the tz database and that the object does not define in a way we read.
    public struct UnknownTimeZone: Error, Equatable, CustomStringConvertible {
        public let tzid: String
        /// The object has a VTIMEZONE of that name, with a rule we do not read.
        public let isDefined: Bool

        public var description: String {
            isDefined
                ? "the time zone '\(tzid)' is not in the tz database and its VTIMEZONE uses rules artisanctl does not read"
                : "the time zone '\(tzid)' is neither in the tz database nor defined by a VTIMEZONE in the event"
        }
    }

    /// The VEVENTs of a calendar object. TZID times use `zone(for:)` (the tz database), else the
    /// object's VTIMEZONE, else throw `UnknownTimeZone`; floating times and all-day dates are read in
    /// `localZone`, an all-day event blocking whole days.
    public static func events(in text: String, localZone: ZoneRules, zone: (String) -> ZoneRules?) throws -> [ParsedEvent] {
        let (vevents, vtimezones) = Component.eventsAndTimeZones(in: text)
        // VTIMEZONE rules are followed to the last year an event names, and no further.
        let lastYear = vevents.flatMap(\.properties).filter { $0.name == "DTSTART" || $0.name == "DTEND" }
            .compactMap { LocalDate(dateValue: String($0.value.prefix(8)))?.year }.max() ?? 1970
        let definitions = Dictionary(vtimezones.compactMap { vtimezone in vtimezone.first("TZID").map { ($0.value, vtimezone) } },
                                     uniquingKeysWith: { _, last in last })
        var resolved: [String: ZoneRules] = [:]
        var budget = VTimeZoneReader.yearBudget
        func rules(_ tzid: String) throws -> ZoneRules {
            if let known = resolved[tzid] { return known }
            let definition = definitions[tzid]
            guard let found = zone(tzid) ?? definition.flatMap({ VTimeZoneReader.rules($0, named: tzid, through: lastYear + 1, budget: &budget) }) else {
                throw UnknownTimeZone(tzid: tzid, isDefined: definition != nil)
            }
            resolved[tzid] = found
            return found
        }
        var events: [ParsedEvent] = []
        for vevent in vevents {
            if let event = try event(vevent, localZone: localZone, rules: rules) { events.append(event) }
        }
        return events
    }

    static func event(_ vevent: Component, localZone: ZoneRules, rules: (String) throws -> ZoneRules) throws -> ParsedEvent? {
        guard let uid = vevent.first("UID")?.value, let startProperty = vevent.first("DTSTART"),
              let (start, startDate) = try instant(startProperty, localZone: localZone, rules: rules) else { return nil }
        let end: Timestamp
        if let endProperty = vevent.first("DTEND"), let (value, _) = try instant(endProperty, localZone: localZone, rules: rules) {
            end = value
        } else if let duration = vevent.first("DURATION").flatMap({ durationSeconds($0.value) }) {
            end = start.adding(seconds: duration)
        } else if let startDate {
            end = localZone.firstInstant(on: startDate.adding(days: 1), minuteOfDay: 0)
        } else {
            end = start
        }
        return ParsedEvent(uid: uid, recurrenceID: vevent.first("RECURRENCE-ID")?.value, summary: vevent.first("SUMMARY").map { unescape($0.value) },
                           start: start, end: end, isTransparent: vevent.first("TRANSP")?.value.uppercased() == "TRANSPARENT",
                           isCancelled: vevent.first("STATUS")?.value.uppercased() == "CANCELLED")
    }

    /// DTSTART/DTEND: `VALUE=DATE:20261124` (its day returned too), `20261124T090000Z`,
    /// `TZID=…:20261124T090000`, floating.
    static func instant(_ property: Property, localZone: ZoneRules,
                        rules: (String) throws -> ZoneRules) throws -> (Timestamp, date: LocalDate?)? {
        if property.parameters["VALUE"]?.uppercased() == "DATE" || property.value.utf8.count == 8 {
            guard let date = LocalDate(dateValue: property.value) else { return nil }
            return (localZone.firstInstant(on: date, minuteOfDay: 0), date)
        }
        guard let wall = WallTime(property.value) else { return nil }
        if wall.isUTC { return (Timestamp(secondsSinceEpoch: wall.wallSeconds), nil) }
        return (wall.instant(in: try property.parameters["TZID"].map(rules) ?? localZone), nil)
    }

    /// Longer durations are refused: no calendar means them, and they would overflow an instant.
    static let longestDuration: Int64 = 10_000 * 366 * 86_400

    /// `P1D`, `PT1H30M`, `P1W`, `-PT15M` in seconds; nil when malformed or longer than `longestDuration`.
    static func durationSeconds(_ text: String) -> Int64? {
        var rest = Substring(text)
        let negative = rest.hasPrefix("-")
        if negative || rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard rest.hasPrefix("P") else { return nil }
        var total: Int64 = 0, number: Int64 = 0, inTime = false, sawDigit = false
        for byte in rest.dropFirst().utf8 {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard number < 1_000_000_000 else { return nil }
                number = number * 10 + Int64(byte - UInt8(ascii: "0"))
                sawDigit = true
                continue
            }
            let unit: Int64
            switch byte {
            case UInt8(ascii: "T"): inTime = true; continue
            case UInt8(ascii: "W"): unit = 604_800
            case UInt8(ascii: "D"): unit = 86_400
            case UInt8(ascii: "H") where inTime: unit = 3600
            case UInt8(ascii: "M") where inTime: unit = 60
            case UInt8(ascii: "S") where inTime: unit = 1
            default: return nil
            }
            guard sawDigit else { return nil }
            total += number * unit
            guard total <= longestDuration else { return nil }
            number = 0
            sawDigit = false
        }
        guard !sawDigit else { return nil }
        return negative ? -total : total
    }

    /// A component's properties, and for a VTIMEZONE its STANDARD and DAYLIGHT observances.
    struct Component {
        let name: String
        var properties: [Property] = []
        var observances: [Component] = []

        func first(_ name: String) -> Property? { properties.first { $0.name == name } }

        /// The VEVENTs and VTIMEZONEs of a document, wherever they are nested. An END closes the
        /// innermost open component when it names it and is ignored otherwise; a component left open
        /// is dropped. Nothing else is kept, so hostile nesting builds no deep tree.
        static func eventsAndTimeZones(in text: String) -> (events: [Component], timeZones: [Component]) {
            var open: [Component] = []
            var events: [Component] = [], timeZones: [Component] = []
            for line in unfolded(text) {
                guard let property = parse(line) else { continue }
                switch property.name {
                case "BEGIN":
                    open.append(Component(name: property.value.uppercased()))
                case "END":
                    guard open.last?.name == property.value.uppercased() else { continue }
                    let closed = open.removeLast()
                    if closed.name == "VEVENT" { events.append(closed) }
                    if closed.name == "VTIMEZONE" { timeZones.append(closed) }
                    if closed.name == "STANDARD" || closed.name == "DAYLIGHT", open.last?.name == "VTIMEZONE" {
                        open[open.count - 1].observances.append(closed)
                    }
                default:
                    if !open.isEmpty { open[open.count - 1].properties.append(property) }
                }
            }
            return (events, timeZones)
        }
    }
}
