/// Bookings as an iCalendar document: the artisan's VTIMEZONE, built from the zone's real
/// transitions, and one VEVENT per booking.
extension ICalendar {
    /// A whole calendar, written at `stamp` (every DTSTAMP): the zone's VTIMEZONE over the years of
    /// the events and of `stamp` (one more on each side), then the events.
    public static func calendar(_ events: [BookingEvent], zone: ZoneRules, stamp: Timestamp, name: String) -> String {
        var text = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ArtisanConnect//artisanctl//FR", "CALSCALE:GREGORIAN",
                    "X-WR-CALNAME:\(escape(name))", "X-WR-TIMEZONE:\(zone.name)"].map(folded).joined()
        let years = (events.flatMap { [$0.start, $0.end] } + [stamp]).map { zone.localDate(at: $0).year }
        // Zone rules cover years 1 to 9999 and look a day to either side.
        let first = LocalDate(year: max(2, years.min()! - 1), month: 1, day: 1)!
        let last = LocalDate(year: min(9998, years.max()! + 1), month: 12, day: 31)!
        text += vtimezone(zone, from: zone.firstInstant(on: first, minuteOfDay: 0), to: zone.firstInstant(on: last, minuteOfDay: 1440))
        for event in events { text += vevent(event, zone: zone, stamp: stamp) }
        return text + folded("END:VCALENDAR")
    }

    /// One VEVENT for a booking, with a stable UID.
    static func vevent(_ event: BookingEvent, zone: ZoneRules, stamp: Timestamp) -> String {
        [
            "BEGIN:VEVENT",
            "UID:\(event.uid)",
            "DTSTAMP:\(utcDateTime(stamp))",
            dateTimeProperty("DTSTART", event.start, zone: zone),
            dateTimeProperty("DTEND", event.end, zone: zone),
            "SUMMARY:\(escape(event.summary))",
            "DESCRIPTION:\(escape(event.description))",
            "TRANSP:OPAQUE",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ].map(folded).joined()
    }

    /// `DTSTART;TZID=Europe/Paris:20261124T090000`, the wall time in the zone; in UTC instead when
    /// that wall time would not name this instant alone (an hour the clock shows twice).
    static func dateTimeProperty(_ name: String, _ instant: Timestamp, zone: ZoneRules) -> String {
        let date = zone.localDate(at: instant), minute = zone.localMinuteOfDay(at: instant)
        guard zone.instants(on: date, minuteOfDay: minute) == [instant] else { return "\(name):\(utcDateTime(instant))" }
        return "\(name);TZID=\(zone.name):\(dateTime(wallSeconds: instant.secondsSinceEpoch + Int64(zone.offset(at: instant))))"
    }

    /// The zone as a VTIMEZONE for instants in `[start, end)`: a STANDARD with the offset in force at
    /// `start`, then each kind of change in the range (same offsets before and after) as one STANDARD
    /// or DAYLIGHT whose DTSTART and RDATEs are its wall times before the change. DAYLIGHT is a clock
    /// moved forward by two hours at most; a larger jump (Samoa's across the date line) is STANDARD.
    /// Listing the changes themselves, rather than a rule, writes zones whose rules change at -1:00
    /// or 26:00, or have changed over the years, exactly.
    public static func vtimezone(_ zone: ZoneRules, from start: Timestamp, to end: Timestamp) -> String {
        var kinds: [(offsetBefore: Int, offsetAfter: Int, onsets: [String])] = []
        for change in zone.transitions(from: start, to: end) {
            let onset = dateTime(wallSeconds: change.instant.secondsSinceEpoch + Int64(change.offsetBefore))
            if let index = kinds.firstIndex(where: { $0.offsetBefore == change.offsetBefore && $0.offsetAfter == change.offsetAfter }) {
                kinds[index].onsets.append(onset)
            } else {
                kinds.append((change.offsetBefore, change.offsetAfter, [onset]))
            }
        }
        let initial = zone.offset(at: start)
        let observances = [(initial, initial, [dateTime(wallSeconds: start.secondsSinceEpoch + Int64(initial))])] + kinds
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(zone.name)"]
        for (before, after, onsets) in observances {
            let kind = after > before && after - before <= 7200 ? "DAYLIGHT" : "STANDARD"
            lines += ["BEGIN:\(kind)", "DTSTART:\(onsets[0])"] + onsets.dropFirst().map { "RDATE:\($0)" }
            lines += ["TZOFFSETFROM:\(utcOffset(before))", "TZOFFSETTO:\(utcOffset(after))", "END:\(kind)"]
        }
        lines.append("END:VTIMEZONE")
        return lines.map(folded).joined()
    }
}
