import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The query that must always find 0: two active bookings of one artisan whose buffered spans overlap.
let overlappingActivePairs: SQLQuery = """
    SELECT count(*) AS n FROM bookings a JOIN bookings b
      ON a.id < b.id AND a.artisan_id = b.artisan_id AND a.occupied && b.occupied
    WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
    """

/// What raw database errors look like: none of it may reach the user of a booking command.
let rawDatabaseWords = ["exclusion", "constraint", "conflicting key", "SQLSTATE", "violates"]

/// The public code's form: `AC-` and six characters without look-alikes.
var publicCodePattern: Regex<Substring> { #/^AC-[A-HJ-NP-Z2-9]{6}$/# }

extension CatalogueWorld {
    /// A world with the README's demo catalogue applied through the binary: Léa Martin, Europe/Paris,
    /// Coupe femme (60 min, 45.50 €, 30 %), Coloration (90 min, 72 €, 40 %, 15 min after),
    /// Coupe homme (30 min, 25 €, 20 %); open Tuesday to Saturday, breaks Tuesday to Friday
    /// 12:30–13:30, time off 2026-12-24 to 26; 30-minute slots, 2 h notice, 60-day horizon,
    /// 24 h cancellation deadline.
    static func demo(now: String = CatalogueWorld.now) throws -> CatalogueWorld {
        let world = try CatalogueWorld(now: now)
        try world.succeed("catalog", "apply", "-f", demoCatalogue.path)
        return world
    }

    /// `bookings create …` arguments.
    static func createArguments(_ service: String, _ date: String, _ time: String, name: String = "Marie Curie",
                                email: String = "marie@example.com", _ extra: [String] = []) -> [String] {
        ["bookings", "create", "--service", service, "--date", date, "--time", time, "--name", name, "--email", email] + extra
    }

    /// Books a slot, which must succeed, and returns the booking as JSON.
    @discardableResult
    func create(_ service: String, _ date: String, _ time: String, name: String = "Marie Curie", email: String = "marie@example.com",
                _ extra: [String] = [], environment extra2: [String: String] = [:]) throws -> [String: Any] {
        try jsonObject(succeed(Self.createArguments(service, date, time, name: name, email: email, extra) + ["--output", "json"],
                               environment: extra2).stdout)
    }

    /// Books a slot and returns only its public code.
    @discardableResult
    func createCode(_ service: String, _ date: String, _ time: String, name: String = "Marie Curie",
                    email: String = "marie@example.com", _ extra: [String] = []) throws -> String {
        try code(of: create(service, date, time, name: name, email: email, extra))
    }

    func code(of booking: [String: Any]) throws -> String {
        guard let code = booking["code"] as? String else { throw NotJSON(text: "\(booking)") }
        return code
    }

    /// The free slots of `days` days from `date`, as JSON records.
    func slots(_ service: String, from date: String, days: Int = 1, environment extra: [String: String] = [:]) throws -> [[String: Any]] {
        try jsonArray(succeed(["availability", "--service", service, "--date", date, "--days", "\(days)", "--output", "json"],
                              environment: extra).stdout)
    }

    /// The free start times (HH:MM) of one day.
    func freeTimes(_ service: String, on date: String, environment extra: [String: String] = [:]) throws -> [String] {
        try slots(service, from: date, environment: extra).map { $0["time"] as? String ?? "?" }
    }

    /// The public codes `bookings list …` prints, in its order.
    func listedCodes(_ arguments: String...) throws -> [String] {
        try jsonArray(succeed(["bookings", "list"] + arguments + ["--output", "json"]).stdout).map { $0["code"] as? String ?? "?" }
    }

    /// Every row of bookings and booking_events, as text: equal snapshots mean nothing was written.
    func bookingState() throws -> [String] {
        try connection.query("SELECT 'b ' || t::text AS row FROM bookings t ORDER BY t::text").map { try $0.decode("row", as: String.self) }
            + connection.query("SELECT 'e ' || t::text AS row FROM booking_events t ORDER BY t::text").map { try $0.decode("row", as: String.self) }
    }

    func countOf(_ query: SQLQuery) throws -> Int {
        try connection.query(query)[0].decode("n")
    }

    /// The kinds of a booking's events, sorted (they share one instant under ARTISANCTL_NOW).
    func eventKinds(_ code: String) throws -> [String] {
        try connection.query("""
            SELECT e.kind FROM booking_events e JOIN bookings b ON b.id = e.booking_id WHERE b.public_code = \(code) ORDER BY e.kind
            """).map { try $0.decode("kind", as: String.self) }
    }

    /// A refused booking command: run as is, then with `--json`. Both must exit `status`, print
    /// nothing on stdout, leave bookings and booking_events as they were, and never show a raw
    /// database error. The plain run's first stderr line must be `artisanctl: error: ` then
    /// `message…` (when given), any further line a hint; the JSON run's error must carry `code`.
    @discardableResult
    func expectBookingRefused(_ arguments: [String], status: Int32, code: String?, message: String? = nil,
                              environment extra: [String: String] = [:],
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let before = try bookingState()
        let plain = try run(arguments, environment: extra)
        let command = "artisanctl \(arguments.joined(separator: " "))"
        #expect(plain.status == status, "\(command): \(plain.stderr)", sourceLocation: sourceLocation)
        #expect(plain.stdout.isEmpty, "\(command) printed \(plain.stdout)", sourceLocation: sourceLocation)
        let errorLines = lines(plain.stderr)
        let first = errorLines.first ?? ""
        #expect(first.hasPrefix("artisanctl: error: " + (message ?? "")), "\(command): \(plain.stderr)", sourceLocation: sourceLocation)
        #expect(errorLines.dropFirst().allSatisfy { $0.hasPrefix("hint: ") }, "more than one line of error: \(plain.stderr)",
                sourceLocation: sourceLocation)
        for word in rawDatabaseWords {
            #expect(!plain.stderr.contains(word), "raw database error: \(plain.stderr)", sourceLocation: sourceLocation)
        }
        if let code {
            let json = try run(arguments + ["--json"], environment: extra)
            #expect(json.status == status, "\(command) --json: \(json.stderr)", sourceLocation: sourceLocation)
            #expect(json.stdout.isEmpty, sourceLocation: sourceLocation)
            let error = try jsonObject(json.stderr)["error"] as? [String: Any]
            #expect(error?["code"] as? String == code, "\(command) --json: \(json.stderr)", sourceLocation: sourceLocation)
        }
        #expect(try bookingState() == before, "\(command) changed bookings or booking_events", sourceLocation: sourceLocation)
        return first
    }
}
