import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `customers export EMAIL` end to end: the right of access (spec 6.5).
@Suite("customers export")
struct CustomerExportTests {
    /// Where each table's rows appear in the document, and the field holding their primary key.
    static let sections = ["bookings": ("bookings", "id"), "booking_events": ("bookingEvents", "id"), "notifications": ("notifications", "id"),
                           "stripe_events": ("paymentEvents", "id"), "idempotency_keys": ("idempotencyKeys", "key"),
                           "external_busy_blocks": ("calendarBlocks", "id")]

    @Test("the export holds exactly the rows that name the customer or point to her bookings, table by table, found by searching every table")
    func everyRow() throws {
        let w = try CustomerWorld()
        let history = try w.live()
        let document = try w.export("MARIE@Example.COM")
        let found = try DatabaseSearch(connection: w.world.connection)
            .rows(naming: [CustomerWorld.email, CustomerWorld.name, CustomerWorld.phone], bookingsOf: CustomerWorld.email)
        #expect(Set(found.keys).isSubset(of: Set(Self.sections.keys)), "tables naming her that the export has no section for: \(found.keys.sorted())")
        for (table, (section, field)) in Self.sections {
            let exported = Set((document[section] as? [[String: Any]] ?? []).compactMap { $0[field] as? String })
            #expect(exported == found[table] ?? [], "\(table): exported \(exported.sorted()), in the database \((found[table] ?? []).sorted())")
        }
        // Every kind of record is really there, so the comparison above compared something.
        for table in Self.sections.keys { #expect(!(found[table] ?? []).isEmpty, "no row of \(table) in the history") }
        let codes = (document["bookings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(Set(codes) == [history.paid, history.online, history.cancelled])
        #expect(!(try w.succeed(["customers", "export", CustomerWorld.email]).stdout.contains("Pierre")))
    }

    @Test("the document: stable camelCase fields, null rather than missing, instants with the artisan's offset, payment references")
    func documentShape() throws {
        let w = try CustomerWorld()
        let history = try w.live()
        let document = try w.export()
        #expect(Set(document.keys) == ["email", "exportedAt", "artisan", "bookings", "bookingEvents", "notifications", "paymentEvents",
                                       "idempotencyKeys", "calendarBlocks"])
        #expect(document["email"] as? String == CustomerWorld.email && document["exportedAt"] as? String == "2026-11-24T09:00:00+01:00")
        let bookings = try #require(document["bookings"] as? [[String: Any]])
        let paid = try #require(bookings.first { $0["code"] as? String == history.paid })
        #expect(paid["start"] as? String == "2026-12-01T10:00:00+01:00" && paid["priceCents"] as? Int == 4550 && paid["depositCents"] as? Int == 1365)
        #expect(paid["depositStatus"] as? String == "captured")
        let customer = try #require(paid["customer"] as? [String: Any])
        #expect(customer["name"] as? String == CustomerWorld.name && customer["email"] as? String == CustomerWorld.email)
        #expect(customer["phone"] as? String == CustomerWorld.phone)
        let deposit = try #require(paid["deposit"] as? [String: Any])
        #expect((deposit["paymentIntentId"] as? String)?.hasPrefix("pi_") == true && deposit["refundId"] is NSNull)
        #expect(paid["anonymisedAt"] is NSNull)
        let payments = try #require(document["paymentEvents"] as? [[String: Any]])
        #expect(payments.contains { $0["type"] as? String == "payment_intent.succeeded" && $0["bookingCode"] as? String == history.paid })
        let keys = try #require(document["idempotencyKeys"] as? [[String: Any]])
        #expect(keys.map { $0["key"] as? String } == [CustomerWorld.idempotencyKey] && keys.first?["bookingCode"] as? String == history.online)
        let messages = try #require(document["notifications"] as? [[String: Any]])
        #expect(messages.contains { $0["channel"] as? String == "sms" && $0["recipient"] as? String == CustomerWorld.phone
                                    && $0["status"] as? String == "pending" })
        #expect(messages.contains { $0["kind"] as? String == "confirmation" && $0["recipient"] as? String == CustomerWorld.email
                                    && $0["status"] as? String == "sent" && ($0["sentAt"] as? String)?.hasSuffix("+01:00") == true })
        let blocks = try #require(document["calendarBlocks"] as? [[String: Any]])
        #expect(blocks.contains { $0["source"] as? String == "external" && $0["summary"] as? String == "Couleur Marie Curie" })
        #expect(!blocks.contains { $0["summary"] as? String == "Dentiste" })
        let events = try #require(document["bookingEvents"] as? [[String: Any]])
        #expect(events.contains { ($0["details"] as? [String: Any])?["reason"] as? String == "Marie Curie a appelé : malade" })
        // Every field of every record is present, null when empty: the field sets are the same from record to record.
        for section in ["bookings", "bookingEvents", "notifications", "paymentEvents", "idempotencyKeys", "calendarBlocks"] {
            let records = document[section] as? [[String: Any]] ?? []
            #expect(Set(records.map { Set($0.keys) }).count <= 1, "\(section): \(records.map { $0.keys.sorted() })")
        }
    }

    @Test("an e-mail no booking holds is 66, a malformed one 65 naming EMAIL, a missing one 64: one line, nothing on stdout")
    func refusals() throws {
        let w = try CatalogueWorld.demo()
        _ = try w.createCode("Coupe femme", "2026-12-01", "10:00")
        for (email, status, text) in [("nobody@example.com", Int32(66), "no booking holds this e-mail"),
                                      ("marie@", 65, "EMAIL: must be an e-mail address"), ("", 65, "EMAIL:")] {
            let result = try w.run(["customers", "export", email])
            #expect(result.status == status && result.stdout.isEmpty, "\(email): \(result.output)")
            #expect(lines(result.stderr).first?.contains(text) == true && lines(result.stderr).dropFirst().allSatisfy { $0.hasPrefix("hint: ") },
                    "\(email): \(result.stderr)")
        }
        let json = try w.run(["customers", "export", "nobody@example.com", "--json"])
        #expect((try jsonObject(json.stderr)["error"] as? [String: Any])?["code"] as? String == "CUSTOMER_NOT_FOUND")
        #expect(try w.run(["customers", "export"]).status == 64)
    }
}
