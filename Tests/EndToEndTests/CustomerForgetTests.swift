import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `customers forget EMAIL` end to end: the right to be forgotten (spec 6.5).
@Suite("customers forget")
struct CustomerForgetTests {
    /// The accounts: bookings, amounts and deposits per status, which erasure must not change.
    static func accounts(_ connection: PostgresConnection) throws -> [String] {
        try connection.query("""
            SELECT status || ' ' || deposit_payment_status || ' ' || count(*) || ' ' || sum(price_cents) || ' ' || sum(deposit_amount_cents)
                   || ' ' || coalesce(string_agg(deposit_payment_intent_id, ',' ORDER BY deposit_payment_intent_id), '') AS line
            FROM bookings GROUP BY status, deposit_payment_status ORDER BY 1
            """).map { try $0.decode("line", as: String.self) } + connection.query("SELECT count(*)::text AS line FROM stripe_events")
            .map { try $0.decode("line", as: String.self) }
    }

    /// Every row of every table, as text: equal snapshots mean nothing was written.
    static func everything(_ connection: PostgresConnection) throws -> [String: [String]] {
        try snapshot(connection, tables: DatabaseSearch(connection: connection).tables().map(\.table))
    }

    /// A full `pg_dump` of the test database (schema and data), by PostgreSQL's own tool.
    static func dump(_ world: CatalogueWorld) throws -> String {
        let dump = try Subprocess.run(["pg_dump", "--no-owner", world.database.name], environment: world.environment)
        guard dump.succeeded, dump.stdout.contains("COPY public.bookings") else { throw NotJSON(text: "pg_dump: \(dump.stderr)") }
        return dump.stdout
    }

    @Test("after forget, a full pg_dump holds neither her e-mail, name nor phone; the accounts are unchanged; the next sync rewrites her calendar events")
    func erasesEverywhere() throws {
        let w = try CustomerWorld()
        let history = try w.live()
        // A week later every booking of hers is over.
        try w.at("2026-12-08T09:00:00+01:00")
        let before = try Self.accounts(w.world.connection)
        let dumpBefore = try Self.dump(w.world)
        for text in CustomerWorld.identifiers { #expect(dumpBefore.contains(text), "the history never wrote \(text)") }
        #expect(try w.calendarEvents().contains { $0.contains(CustomerWorld.name) && $0.contains(CustomerWorld.email) })
        let pierre = try w.world.connection.query("SELECT t::text AS row FROM bookings t WHERE public_code = \(history.other)")[0].values

        let forgot = try w.run(["customers", "forget", CustomerWorld.email, "--yes", "--json"])
        #expect(forgot.status == 0, "\(forgot.stderr)")
        let report = try jsonObject(forgot.stdout)
        #expect(report["bookings"] as? Int == 3 && report["cancelled"] as? [String] == [])
        #expect(report["email"] == nil && !forgot.stdout.localizedCaseInsensitiveContains(CustomerWorld.email), "the report names the customer")
        #expect((report["notifications"] as? Int ?? 0) >= 6 && report["notificationsCancelled"] as? Int == 1, "\(report)")
        #expect(report["idempotencyKeys"] as? Int == 1 && report["calendarBlocks"] as? Int == 1 && report["calendarEvents"] as? Int == 2)
        #expect(report["bookingEvents"] as? Int == 1, "\(report)")

        let dump = try Self.dump(w.world)
        for text in CustomerWorld.identifiers {
            #expect(!dump.localizedCaseInsensitiveContains(text), "the dump still holds \(text)")
        }
        #expect(dump.contains("Anonymisé") && dump.contains("Pierre Roux") && dump.contains("pierre@example.com"))
        #expect(try Self.accounts(w.world.connection) == before)
        #expect(try w.world.connection.query("SELECT t::text AS row FROM bookings t WHERE public_code = \(history.other)")[0].values == pierre)
        let search = try DatabaseSearch(connection: w.world.connection).rows(naming: CustomerWorld.identifiers, bookingsOf: CustomerWorld.email)
        #expect(search.isEmpty, "\(search)")
        for arguments in [["bookings", "list", "--all", "--customer", "Curie", "--json"], ["bookings", "list", "--all", "--customer", "671829304", "--json"]] {
            #expect(try jsonArray(w.succeed(arguments).stdout).isEmpty)
        }
        let shown = try jsonObject(w.succeed(["bookings", "show", history.paid, "--json"]).stdout)
        #expect(shown["customerName"] as? String == "Anonymisé" && shown["customerEmail"] == nil && shown["priceCents"] as? Int == 4550)

        // The paid booking is over: only the erasure makes the sync write its event again.
        let sync = try w.succeed(["sync", "calendars"]).stdout
        #expect(sync.contains("moved 2"), "\(sync)")
        let events = try w.calendarEvents()
        #expect(!events.isEmpty && events.allSatisfy { event in !CustomerWorld.identifiers.contains { event.contains($0) } }, "\(events)")
        #expect(events.contains { $0.contains("Anonymisé") && $0.contains(history.paid) })
        #expect(!(try w.succeed(["sync", "calendars"]).stdout.contains("moved 2")))
    }

    @Test("an upcoming booking is refused (65, one line, nothing written); --cancel cancels it with the booking rules (refund) and erases")
    func upcoming() throws {
        let w = try CustomerWorld()
        let history = try w.live()
        let before = try Self.everything(w.world.connection)
        let refused = try w.run(["customers", "forget", CustomerWorld.email, "--yes"])
        #expect(refused.status == 65 && refused.stdout.isEmpty, "\(refused.output)")
        #expect(lines(refused.stderr).first?.contains("the customer has 2 upcoming bookings (\(history.paid) on 2026-12-01 at 10:00, \(history.online)") == true,
                "\(refused.stderr)")
        #expect(lines(refused.stderr).count == 2 && lines(refused.stderr)[1].contains("--cancel"))
        #expect(try Self.everything(w.world.connection) == before)

        let refunds = try w.stripe.refunds.count
        let forgot = try w.run(["customers", "forget", CustomerWorld.email, "--cancel", "--yes", "--json"])
        #expect(forgot.status == 0, "\(forgot.stderr)")
        #expect(try jsonObject(forgot.stdout)["cancelled"] as? [String] == [history.paid, history.online])
        for code in [history.paid, history.online] { #expect(try w.stripe.bookingStatus(code) == "cancelled") }
        #expect(try w.stripe.depositStatus(history.paid) == "refunded" && w.stripe.refunds.count == refunds + 1)
        #expect(try w.world.eventKinds(history.paid).contains("cancelled"))
        #expect(try w.world.countOf("SELECT count(*) AS n FROM bookings WHERE customer_email IS NOT NULL AND customer_email <> 'pierre@example.com'") == 0)
        // The cancellation went to her before she was forgotten.
        let mails = try (0..<w.sink.count).map { try MailOracle.read(w.sink.eml($0 + 1)) }
        #expect(mails.contains { (($0["headers"] as? [String: Any])?["Subject"] as? String)?.contains("annul") == true
                                 && (($0["headers"] as? [String: Any])?["To"] as? String)?.contains(CustomerWorld.email) == true })
    }

    @Test("as the clock moves: refused while her booking is ahead or under way, accepted once it is over, without --cancel")
    func timeMoves() throws {
        let w = try CatalogueWorld.demo()
        let code = try w.createCode("Coupe femme", "2026-12-01", "10:00")
        for now in ["2026-11-30T10:00:00+01:00", "2026-12-01T10:59:00+01:00"] {
            let result = try w.run(["customers", "forget", "marie@example.com", "--yes"], environment: ["ARTISANCTL_NOW": now])
            #expect(result.status == 65 && result.stderr.contains(code), "\(now): \(result.output)")
        }
        let result = try w.run(["customers", "forget", "marie@example.com", "--yes"], environment: ["ARTISANCTL_NOW": "2026-12-01T11:00:00+01:00"])
        #expect(result.status == 0, "\(result.output)")
        #expect(try w.value("SELECT status FROM bookings WHERE public_code = \(code)") == "confirmed")
        #expect(try w.value("SELECT anonymised_at::text FROM bookings WHERE public_code = \(code)")?.hasPrefix("2026-12-01 10:00:00") == true)
    }

    @Test("off a terminal --yes is required (64, nothing written); a second forget is 66; export then finds nothing either")
    func confirmationAndSecondRun() throws {
        let w = try CatalogueWorld.demo(now: "2026-12-08T09:00:00+01:00")
        try w.connection.execute("""
            INSERT INTO bookings (public_code, artisan_id, service_id, customer_name, customer_email, customer_phone, start_datetime,
                                  duration_minutes, price_cents, deposit_amount_cents, deposit_rate)
            SELECT 'AC-PAST22', artisan_id, id, 'Marie Curie', 'marie@example.com', '0612345678', '2026-12-01T09:00:00Z', 60, 4550, 1365, 0.30
            FROM services WHERE name = 'Coupe femme'
            """)
        let before = try Self.everything(w.connection)
        let unconfirmed = try w.run("customers", "forget", "marie@example.com")
        #expect(unconfirmed.status == 64 && unconfirmed.stdout.isEmpty && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.output)")
        #expect(try Self.everything(w.connection) == before)

        let table = try w.run("customers", "forget", "Marie@Example.com", "-y")
        #expect(table.status == 0 && table.stdout.contains("BOOKINGS") && table.stdout.contains("1 anonymised")
                && !table.stdout.lowercased().contains("marie"), "\(table.output)")
        let again = try w.run("customers", "forget", "marie@example.com", "--yes")
        #expect(again.status == 66 && again.stdout.isEmpty && lines(again.stderr).count <= 2, "\(again.output)")
        #expect(lines(again.stderr).first == "artisanctl: error: no booking holds this e-mail")
        #expect(try w.run("customers", "export", "marie@example.com").status == 66)
        #expect(try w.run("customers", "forget", "marie@", "--yes").status == 65)
    }
}
