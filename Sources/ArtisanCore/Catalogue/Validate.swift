/// The catalogue's input rules, checked before the database sees a value. Each failure is one
/// line naming the field (as the user typed it: the flag) and the rule, exit status 65.
public enum Validate {
    /// At most 255 characters as the database counts them (code points), no control character.
    public static func name(_ text: String, field: String = "--name") throws -> String {
        let trimmed = trimmed(text)
        guard !trimmed.isEmpty else { throw ArtisanError.invalid(field: field, "must not be empty") }
        try limit(trimmed, field: field, maximum: 255)
        try refuseControls(trimmed, field: field, allowing: [])
        return trimmed
    }

    /// Free text: tabs and line breaks allowed, no other control character (nor NUL, which
    /// PostgreSQL refuses).
    public static func text(_ text: String, field: String, maximum: Int) throws -> String? {
        let trimmed = trimmed(text)
        try limit(trimmed, field: field, maximum: maximum)
        try refuseControls(trimmed, field: field, allowing: ["\t", "\n", "\r"])
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The database counts code points: 255 characters built with combining marks may hold more.
    private static func limit(_ text: String, field: String, maximum: Int) throws {
        let count = text.unicodeScalars.count
        guard count <= maximum else {
            throw ArtisanError.invalid(field: field, "must be at most \(maximum) characters (got \(count)\(count == text.count ? "" : " code points"))")
        }
    }

    private static func refuseControls(_ text: String, field: String, allowing allowed: Set<Unicode.Scalar>) throws {
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) else {
            throw ArtisanError.invalid(field: field, allowed.isEmpty ? "must not contain control characters"
                                                                     : "must not contain control characters other than tabs and line breaks")
        }
    }

    /// `local@domain.tld`: one @, no spaces, a dotted domain of letters, digits and hyphens.
    private static let emailLocalCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")

    public static func email(_ text: String, field: String = "--email") throws -> String {
        let address = trimmed(text).lowercased()
        let rule = "must be an e-mail address like name@example.com"
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.count <= 255, parts.count == 2, (1...64).contains(parts[0].count) else { throw ArtisanError.invalid(field: field, rule) }
        let local = parts[0], domain = parts[1]
        guard local.allSatisfy({ emailLocalCharacters.contains($0) }), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw ArtisanError.invalid(field: field, rule)
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
        }), labels.last!.allSatisfy(\.isLetter) else { throw ArtisanError.invalid(field: field, rule) }
        return address
    }

    /// International form: `+` then 8 to 15 digits (E.164); spaces, dots, dashes and brackets
    /// are dropped and a leading `00` is read as `+`. Returns `+33612345678`.
    public static func internationalPhone(_ text: String, field: String = "--phone") throws -> String {
        var compact = trimmed(text).filter { !" .-()".contains($0) }
        if compact.hasPrefix("00") { compact = "+" + compact.dropFirst(2) }
        guard compact.hasPrefix("+"), compact.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              (8...15).contains(compact.count - 1), !compact.dropFirst().hasPrefix("0") else {
            throw ArtisanError.invalid(field: field, "must be an international number: + and country code, e.g. +33 6 12 34 56 78")
        }
        return compact
    }

    /// An IANA zone name known to the system's tz database (`known` looks it up).
    public static func timezone(_ text: String, field: String = "--timezone", known: (String) -> Bool) throws -> String {
        let name = trimmed(text)
        let shaped = !name.isEmpty && !name.contains("..") && !name.hasPrefix("/")
            && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "/_+-".contains($0) }
        guard shaped, known(name) else {
            throw ArtisanError.invalid(field: field, "must be an IANA time zone known to this system, such as Europe/Paris (got '\(name)')")
        }
        return name
    }

    public static func plan(_ text: String, field: String = "--plan") throws -> Artisan.Plan {
        guard let plan = Artisan.Plan(rawValue: trimmed(text).lowercased()) else {
            throw ArtisanError.invalid(field: field, "must be one of starter, pro, business (got '\(text)')")
        }
        return plan
    }

    public static func integer(_ text: String, field: String, in range: ClosedRange<Int>, unit: String) throws -> Int {
        guard let value = Int(trimmed(text)), range.contains(value) else {
            let what = unit.isEmpty ? "a whole number" : "a whole number of \(unit)"
            throw ArtisanError.invalid(field: field, "must be \(what) from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
        }
        return value
    }

    public static func slotMinutes(_ text: String, field: String = "--slot-minutes") throws -> Int {
        guard let value = Int(trimmed(text)), SchedulingSettings.granularities.contains(value) else {
            throw ArtisanError.invalid(field: field, "must be one of \(SchedulingSettings.granularities.map(String.init).joined(separator: ", ")) minutes (got '\(text)')")
        }
        return value
    }

    public static func money(_ text: String, field: String = "--price") throws -> Money {
        guard let money = Money(euros: trimmed(text)) else {
            throw ArtisanError.invalid(field: field, "must be an amount in euros such as 45, 45.5, 45.50 or 45,50 (got '\(text)')")
        }
        return money
    }

    public static func depositRate(_ text: String, field: String = "--deposit-rate") throws -> DepositRate {
        guard let rate = DepositRate(trimmed(text)) else {
            throw ArtisanError.invalid(field: field, "must be between 0 and 1 with at most two decimals, like 0.30, or a whole percentage like 30% (got '\(text)')")
        }
        return rate
    }

    /// A positive multiple of the slot granularity, at most a day.
    public static func duration(_ text: String, granularity: Int, field: String = "--duration") throws -> Int {
        guard let minutes = Int(trimmed(text)), minutes > 0, minutes <= 1440, minutes % granularity == 0 else {
            throw ArtisanError.invalid(field: field, "must be a positive multiple of the \(granularity)-minute slot, at most 1440 minutes (got '\(text)')")
        }
        return minutes
    }

    public static func buffer(_ text: String, field: String) throws -> Int {
        try integer(text, field: field, in: 0...480, unit: "minutes")
    }

    public static func weekdays(_ text: String, field: String = "DAYS") throws -> [Weekday] {
        guard let days = Weekday.parseSet(trimmed(text)), !days.isEmpty else {
            throw ArtisanError.invalid(field: field, "must be days such as mon, mon-fri, sat,sun or lun-ven (got '\(text)')")
        }
        return days
    }

    public static func timeOfDay(_ text: String, field: String) throws -> TimeOfDay {
        guard let time = TimeOfDay(trimmed(text)) else {
            throw ArtisanError.invalid(field: field, "must be a time HH:MM from 00:00 to 24:00 (got '\(text)')")
        }
        return time
    }

    /// `08:30-18:00`, end after start.
    public static func timeRange(_ text: String, field: String = "RANGE") throws -> TimeRange {
        let ends = trimmed(text).split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2 else { throw ArtisanError.invalid(field: field, "must be HH:MM-HH:MM, such as 09:00-17:00 (got '\(text)')") }
        let start = try timeOfDay(String(ends[0]), field: field)
        let end = try timeOfDay(String(ends[1]), field: field)
        guard let range = TimeRange(start: start, end: end) else {
            throw ArtisanError.invalid(field: field, "must end after it starts (got '\(text)')")
        }
        return range
    }

    public static func date(_ text: String, field: String) throws -> LocalDate {
        guard let date = LocalDate(trimmed(text)) else {
            throw ArtisanError.invalid(field: field, "must be a real date YYYY-MM-DD (got '\(text)')")
        }
        return date
    }

    /// `text` without its leading and trailing white space (Unicode's, new lines included).
    public static func trimmed(_ text: some StringProtocol) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[first...last])
    }
}
