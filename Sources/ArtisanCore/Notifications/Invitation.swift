/// A booking as an iCalendar invitation for the customer's e-mail: METHOD:REQUEST, and on
/// cancellation METHOD:CANCEL with the same UID and a higher SEQUENCE, so calendar apps update
/// the event they already hold.
extension ICalendar {
    public static func invitation(uid: String, summary: String, description: String, start: Timestamp, end: Timestamp, zone: ZoneRules,
                                  organizer: (name: String, email: String), attendee: (name: String, email: String), stamp: Timestamp,
                                  sequence: Int, cancelled: Bool) -> String {
        let years = [start, end, stamp].map { zone.localDate(at: $0).year }
        let first = LocalDate(year: max(2, (years.min() ?? 2) - 1), month: 1, day: 1) ?? LocalDate(year: 2, month: 1, day: 1)!
        let last = LocalDate(year: min(9998, (years.max() ?? 9998) + 1), month: 12, day: 31) ?? LocalDate(year: 9998, month: 12, day: 31)!
        var text = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ArtisanConnect//artisanctl//FR", "CALSCALE:GREGORIAN",
                    "METHOD:\(cancelled ? "CANCEL" : "REQUEST")"].map(folded).joined()
        text += vtimezone(zone, from: zone.firstInstant(on: first, minuteOfDay: 0), to: zone.firstInstant(on: last, minuteOfDay: 1440))
        text += [
            "BEGIN:VEVENT",
            "UID:\(uid)",
            "SEQUENCE:\(sequence)",
            "DTSTAMP:\(utcDateTime(stamp))",
            dateTimeProperty("DTSTART", start, zone: zone),
            dateTimeProperty("DTEND", end, zone: zone),
            "SUMMARY:\(escape(summary))",
            "DESCRIPTION:\(escape(description))",
            "ORGANIZER;CN=\(parameter(organizer.name)):mailto:\(organizer.email)",
            "ATTENDEE;CN=\(parameter(attendee.name));RSVP=FALSE:mailto:\(attendee.email)",
            "STATUS:\(cancelled ? "CANCELLED" : "CONFIRMED")",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ].map(folded).joined()
        return text + folded("END:VCALENDAR")
    }

    /// A parameter value: quoted, without the characters a quoted value cannot hold.
    static func parameter(_ value: String) -> String {
        "\"" + String(value.unicodeScalars.filter { $0 != "\"" && $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init)) + "\""
    }
}
