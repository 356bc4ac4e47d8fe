/// The values every flag, argument and catalogue field of the walk meets, by name.
enum HostileValues {
    static let all: [(name: String, value: String)] = [
        ("huge", "99999999999999999999"),
        ("huge negative", "-99999999999999999999"),
        ("Int64.max + 1", "9223372036854775808"),
        ("-1", "-1"),
        ("0", "0"),
        ("nan", "nan"),
        ("inf", "inf"),
        ("1e999", "1e999"),
        ("empty", ""),
        ("100,000 characters", String(repeating: "x", count: 100_000)),
        ("terminal escape", "\u{1b}[31m"),
        ("tab and newline", "\t\n"),
        ("SQL", "'; DROP TABLE bookings; --"),
        ("LIKE wildcards", "%_%"),
        ("2026-02-30", "2026-02-30"),
        ("2026-13-01", "2026-13-01"),
        ("25:61", "25:61"),
        ("24:01", "24:01"),
        ("unknown zone", "Mars/Olympus"),
        ("path traversal", "../../etc/passwd"),
        ("unicode", "Zoë 日本語 🎉 ٣٤"),
        ("300 combining marks", String(repeating: "e\u{301}", count: 300)),
        ("a flag", "--help"),
    ]

    /// The values that are numbers to a JSON reader, also written bare into the catalogue document.
    static let jsonNumbers = ["99999999999999999999", "-99999999999999999999", "9223372036854775808", "-1", "0", "1e999"]
}
