import ArtisanStore
import Foundation
import Testing
import TestSupport

/// One test's world for a customer's data: the demo catalogue on the Pro plan, the fake Stripe,
/// a real SMTP server (aiosmtpd), the fake Google Calendar connected, and Marie Curie's history
/// made the way the artisan and the web front make it (see `live()`), beside another customer's.
final class CustomerWorld: @unchecked Sendable {
    static let email = "marie@example.com"
    static let name = "Marie Curie"
    /// As typed, and as stored (compact) and sent by SMS (E.164); not the demo artisan's.
    static let typedPhone = "+33 6 71 82 93 04"
    static let phone = "+33671829304"
    /// What must no longer be found anywhere once she is forgotten.
    static let identifiers = [email, name, phone, "671829304", "Curie"]

    let stripe: StripeWorld
    let sink: SMTPSink
    let google: ProviderFake
    var world: CatalogueWorld { stripe.world }

    init() throws {
        stripe = try StripeWorld()
        sink = try SMTPSink()
        google = try ProviderFake("google")
    }

    deinit { sink.stop() }

    var environment: [String: String] {
        stripe.environment.merging([
            "EMAIL_TRANSPORT": "smtp", "EMAIL_FROM": "Atelier Léa <contact@atelier-lea.fr>", "SMTP_URL": sink.url(),
            "MANAGE_URL_BASE": "https://book.example/manage", "CALENDAR_ENCRYPTION_KEY": OAuthSyncWorld.key,
            "GOOGLE_CLIENT_ID": OAuthSyncWorld.googleClientID, "GOOGLE_CLIENT_SECRET": OAuthSyncWorld.googleClientSecret,
            "GOOGLE_API_BASE": google.url, "GOOGLE_OAUTH_BASE": google.url, "GOOGLE_ACCOUNTS_BASE": google.url,
        ]) { _, new in new }
    }

    /// Moves our clock and the fake Stripe's.
    func at(_ instant: String) throws { try stripe.at(instant) }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> Binary.Result {
        try world.run(arguments, stdin: stdin, environment: environment)
    }

    @discardableResult
    func succeed(_ arguments: [String], stdin: String? = nil) throws -> Binary.Result {
        let result = try run(arguments, stdin: stdin)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return result
    }

    func book(_ service: String, _ date: String, _ time: String, name: String = CustomerWorld.name, email: String = CustomerWorld.email,
              _ extra: [String] = []) throws -> String {
        try world.code(of: jsonObject(succeed(CatalogueWorld.createArguments(service, date, time, name: name, email: email, extra)
                                              + ["--output", "json"]).stdout))
    }

    /// Marie's bookings and the other customer's, by what happened to them.
    struct History {
        /// Tuesday 2026-12-01 10:00, its deposit paid online (webhook), SMS opted in.
        let paid: String
        /// Wednesday 2026-12-02 10:00, booked through the API with an Idempotency-Key (and a retry).
        let online: String
        /// Thursday 2026-12-03 14:00, cancelled by the artisan with a reason naming her.
        let cancelled: String
        /// Pierre Roux's, Tuesday 2026-12-01 15:00.
        let other: String
    }

    static let idempotencyKey = "web-retry-7f3a"

    /// At Tuesday 2026-11-24 09:00 Paris: the artisan's Google calendar holds "Couleur Marie Curie"
    /// and "Dentiste"; Marie books and pays, books again on the web (retrying with the same key),
    /// books a third time and is cancelled; Pierre books; the calendars sync both ways; messages go
    /// by e-mail (her SMS waits: no Twilio).
    func live() throws -> History {
        try succeed(["artisan", "set", "--plan", "pro"])
        try google.control(["events": [
            GoogleSyncTests.timed("couleur", "2026-11-26T10:00:00+01:00", "2026-11-26T11:00:00+01:00", ["summary": "Couleur Marie Curie"]),
            GoogleSyncTests.timed("dentiste", "2026-11-27T10:00:00+01:00", "2026-11-27T11:00:00+01:00", ["summary": "Dentiste"]),
        ]])
        try succeed(["calendars", "connect", "google", "--refresh-token-stdin"], stdin: GoogleSyncTests.refreshToken + "\n")

        let paid = try book("Coupe femme", "2026-12-01", "10:00", ["--phone", Self.typedPhone, "--sms"])
        let intent = try #require(try stripe.intentID(paid))
        for event in try stripe.pay(intent) {
            let body = try stripe.payload(event)
            try succeed(["webhooks", "stripe", "--signature", try stripe.officialSignature(body)], stdin: body)
        }

        let serve = try ServeWorld.start(world, environment: environment)
        defer { serve.stop() }
        let body = try jsonText(["serviceId": try serviceID("Coupe femme"), "date": "2026-12-02", "time": "10:00",
                                 "customer": ["name": Self.name, "email": "Marie@Example.com", "phone": Self.phone]])
        var online = ""
        for _ in 0..<2 {
            let answer = try HTTPExchange(port: serve.port).post("/api/v1/bookings", json: body, headers: [("Idempotency-Key", Self.idempotencyKey)])
            guard answer.status == 201, let code = answer.json["code"] as? String else { throw NotJSON(text: "\(answer)") }
            online = code
        }

        let cancelled = try book("Coloration", "2026-12-03", "14:00")
        try succeed(["bookings", "cancel", cancelled, "--reason", "Marie Curie a appelé : malade"])
        let other = try book("Coupe homme", "2026-12-01", "15:00", name: "Pierre Roux", email: "pierre@example.com", ["--phone", "+33698765432"])
        try succeed(["sync", "calendars"])
        try succeed(["notify", "send"])
        return History(paid: paid, online: online, cancelled: cancelled, other: other)
    }

    func serviceID(_ name: String) throws -> String {
        try world.connection.query("SELECT id::text AS id FROM services WHERE name = \(name)")[0].decode("id")
    }

    /// `customers export EMAIL`, which must succeed, read by Foundation's JSON reader.
    func export(_ email: String = CustomerWorld.email) throws -> [String: Any] {
        try jsonObject(succeed(["customers", "export", email]).stdout)
    }

    /// The events sync wrote into the fake Google calendar (not the artisan's own), as JSON text each.
    func calendarEvents() throws -> [String] {
        let events = ((try google.get("/_control") as? [String: Any])?["events"] as? [String: [[String: Any]]])?[GoogleSyncTests.primary] ?? []
        return try events.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .filter { $0.contains("Réservation AC-") }
    }
}

/// An independent look at the database, from its catalogue (information_schema) rather than from
/// our code: which rows of which tables concern a customer.
struct DatabaseSearch {
    let connection: PostgresConnection

    /// Every table of the public schema with its one-column primary key.
    func tables() throws -> [(table: String, key: String)] {
        try connection.query("""
            SELECT t.table_name, k.column_name FROM information_schema.tables t
            JOIN information_schema.table_constraints c ON c.table_schema = t.table_schema AND c.table_name = t.table_name
                 AND c.constraint_type = 'PRIMARY KEY'
            JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
            WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY t.table_name
            """).map { (try $0.decode("table_name"), try $0.decode("column_name")) }
    }

    /// The columns, table by table, that are foreign keys to `bookings`.
    func referencesToBookings() throws -> [String: [String]] {
        var columns: [String: [String]] = [:]
        for row in try connection.query("""
            SELECT k.table_name, k.column_name FROM information_schema.referential_constraints r
            JOIN information_schema.key_column_usage k ON k.constraint_schema = r.constraint_schema AND k.constraint_name = r.constraint_name
            JOIN information_schema.constraint_column_usage u ON u.constraint_schema = r.unique_constraint_schema
                 AND u.constraint_name = r.unique_constraint_name
            WHERE u.table_name = 'bookings'
            """) {
            columns[try row.decode("table_name"), default: []].append(try row.decode("column_name"))
        }
        return columns
    }

    /// The primary keys, table by table, of the rows whose text holds one of `terms` (ignoring
    /// case) or that point to one of the bookings whose e-mail is `email`.
    func rows(naming terms: [String], bookingsOf email: String) throws -> [String: Set<String>] {
        let ids = try connection.query("SELECT id::text AS id FROM bookings WHERE lower(customer_email) = lower(\(email))")
            .map { try $0.decode("id", as: String.self) }
        let patterns = PostgresArray(terms.map { "%" + $0 + "%" }), bookings = PostgresArray(ids)
        let references = try referencesToBookings()
        var found: [String: Set<String>] = [:]
        for (table, key) in try tables() {
            func keys(_ query: SQLQuery) throws -> Set<String> { Set(try connection.query(query).map { try $0.decode("k", as: String.self) }) }
            var rows = try keys("SELECT t.\(unsafeSQL: key)::text AS k FROM \(unsafeSQL: table) t WHERE t::text ILIKE ANY(\(patterns)::text[])")
            for column in (references[table] ?? []) + (table == "bookings" ? ["id"] : []) {
                rows.formUnion(try keys("""
                    SELECT t.\(unsafeSQL: key)::text AS k FROM \(unsafeSQL: table) t WHERE t.\(unsafeSQL: column)::text = ANY(\(bookings)::text[])
                    """))
            }
            if !rows.isEmpty { found[table] = rows }
        }
        return found
    }
}
