/// Dates, times and money as a French reader writes them: `mardi 8 janvier 2030 à 10:00`, `45,50 €`.
public enum FrenchFormat {
    static let weekdays = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]
    static let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
                         "décembre"]

    /// `mardi 8 janvier 2030` (1er for the first of the month, as French writes it).
    public static func date(_ date: LocalDate) -> String {
        let day = date.day == 1 ? "1er" : String(date.day)
        return "\(weekdays[date.dayOfWeek % 7]) \(day) \(months[date.month - 1]) \(date.year)"
    }

    /// `10:00`, `14:30`.
    public static func time(minuteOfDay: Int) -> String {
        let hours = minuteOfDay / 60, minutes = minuteOfDay % 60
        return "\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes)"
    }

    /// The wall date and time of `instant` in `zone`: `mardi 8 janvier 2030 à 10:00`.
    public static func dateTime(_ instant: Timestamp, zone: ZoneRules) -> String {
        "\(date(zone.localDate(at: instant))) à \(time(minuteOfDay: zone.localMinuteOfDay(at: instant)))"
    }

    /// `45,50 €`, `1 250,00 €` (a narrow no-break space groups thousands).
    public static func money(_ money: Money) -> String {
        let cents = money.cents.magnitude
        var euros = String(cents / 100)
        var grouped = ""
        while euros.count > 3 {
            grouped = "\u{202F}" + euros.suffix(3) + grouped
            euros.removeLast(3)
        }
        let fraction = cents % 100
        return "\(money.cents < 0 ? "-" : "")\(euros)\(grouped),\(fraction < 10 ? "0" : "")\(fraction) €"
    }
}
