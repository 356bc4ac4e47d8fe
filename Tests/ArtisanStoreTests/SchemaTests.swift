import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The schema's own rules: what the database refuses even if the application forgot to.
@Suite("Schema constraints")
struct SchemaTests {
    let world: ArtisanFixture
    var connection: PostgresConnection { world.connection }
    var artisan: UUID { world.artisan }
    var service: UUID { world.service }

    init() throws { world = try ArtisanFixture(serviceMinutes: 60, priceCents: 4500, depositRate: 0.30) }

    func book(_ start: String, minutes: Int = 60, status: String = "confirmed", before: Int = 0, after: Int = 0, code: String) throws {
        try world.book(Timestamp(iso8601: start)!, minutes: minutes, status: status, before: before, after: after, code: code)
    }

    @Test("the database refuses two overlapping active bookings of one artisan")
    func overlapRefused() throws {
        try book("2030-01-07T09:00:00Z", code: "AC-AAAAAA")
        let error = #expect(throws: DatabaseError.self) { try book("2030-01-07T09:30:00Z", code: "AC-BBBBBB") }
        #expect(error?.kind == .exclusionViolation)
        #expect(error?.constraint == "bookings_no_overlap")
    }

    @Test("bookings that touch without overlapping are allowed")
    func touchingAllowed() throws {
        try book("2030-01-07T09:00:00Z", code: "AC-AAAAAA")
        try book("2030-01-07T10:00:00Z", code: "AC-BBBBBB")
        try book("2030-01-07T08:00:00Z", code: "AC-CCCCCC")
        #expect(try connection.query("SELECT 1 FROM bookings").count == 3)
    }

    @Test("a cancelled booking frees its slot; a rescheduled one still holds it")
    func onlyActiveBookingsBlock() throws {
        try book("2030-01-07T09:00:00Z", status: "cancelled", code: "AC-AAAAAA")
        try book("2030-01-07T09:00:00Z", code: "AC-BBBBBB")
        try connection.execute("UPDATE bookings SET status = 'rescheduled' WHERE public_code = 'AC-BBBBBB'")
        #expect(throws: DatabaseError.self) { try book("2030-01-07T09:30:00Z", code: "AC-CCCCCC") }
    }

    @Test("buffers are part of the occupied interval the database checks")
    func buffersEnforced() throws {
        try book("2030-01-07T09:00:00Z", after: 30, code: "AC-AAAAAA")
        let error = #expect(throws: DatabaseError.self) { try book("2030-01-07T10:15:00Z", code: "AC-BBBBBB") }
        #expect(error?.kind == .exclusionViolation)
        try book("2030-01-07T10:30:00Z", code: "AC-CCCCCC")
    }

    @Test("moving a booking onto another one is refused too")
    func updateChecked() throws {
        try book("2030-01-07T09:00:00Z", code: "AC-AAAAAA")
        try book("2030-01-07T11:00:00Z", code: "AC-BBBBBB")
        let error = #expect(throws: DatabaseError.self) {
            try connection.execute("UPDATE bookings SET start_datetime = '2030-01-07 09:30:00+00' WHERE public_code = 'AC-BBBBBB'")
        }
        #expect(error?.kind == .exclusionViolation)
    }

    @Test("the spec's CHECK constraints hold", arguments: [
        "UPDATE artisans SET plan = 'gold'",
        "UPDATE services SET duration_minutes = 47",
        "UPDATE services SET duration_minutes = 1445",
        "UPDATE services SET buffer_after_minutes = -5",
        "UPDATE artisans SET slot_granularity_minutes = 7",
        "INSERT INTO time_off (artisan_id, start_date, end_date) SELECT id, '2030-01-02', '2030-01-01' FROM artisans",
        "INSERT INTO time_off (artisan_id, start_date, end_date, start_minutes) SELECT id, '2030-01-02', '2030-01-02', 600 FROM artisans",
        "UPDATE services SET duration_minutes = 0",
        "UPDATE services SET base_price_cents = -1",
        "UPDATE services SET deposit_rate = 1.01",
        "INSERT INTO opening_rules (artisan_id, day_of_week, start_minutes, end_minutes) SELECT id, 7, 0, 60 FROM artisans",
        "INSERT INTO opening_rules (artisan_id, day_of_week, start_minutes, end_minutes) SELECT id, 1, 600, 600 FROM artisans",
        "INSERT INTO opening_rules (artisan_id, day_of_week, start_minutes, end_minutes) SELECT id, 1, 0, 1441 FROM artisans",
        "INSERT INTO break_rules (artisan_id, day_of_week, start_minutes, end_minutes) SELECT id, -1, 0, 60 FROM artisans",
        "INSERT INTO external_busy_blocks (artisan_id, provider_id, source, start_datetime, end_datetime) SELECT id, 'google', 'elsewhere', now(), now() + interval '1 hour' FROM artisans",
        "INSERT INTO external_busy_blocks (artisan_id, provider_id, source, start_datetime, end_datetime) SELECT id, 'google', 'external', now(), now() FROM artisans",
    ])
    func checkConstraints(statement: String) throws {
        let error = #expect(throws: DatabaseError.self) { try connection.execute(SQLQuery(stringLiteral: statement)) }
        #expect(error?.kind == .checkViolation)
    }

    @Test("booking statuses and deposit statuses are the spec's sets")
    func bookingChecks() throws {
        try book("2030-01-07T09:00:00Z", code: "AC-AAAAAA")
        #expect(throws: DatabaseError.self) { try connection.execute("UPDATE bookings SET status = 'done'") }
        #expect(throws: DatabaseError.self) { try connection.execute("UPDATE bookings SET deposit_payment_status = 'paid'") }
        try connection.execute("UPDATE bookings SET deposit_payment_status = 'captured'")
    }

    @Test("unique rules: artisan e-mail, public code, one opening rule per day, one connection per provider")
    func uniqueConstraints() throws {
        #expect(throws: DatabaseError.self) {
            try connection.execute("INSERT INTO artisans (display_name, email) VALUES ('Other', 'lea@example.com')")
        }
        try book("2030-01-07T09:00:00Z", code: "AC-AAAAAA")
        #expect(throws: DatabaseError.self) { try book("2030-01-08T09:00:00Z", code: "AC-AAAAAA") }
        try connection.execute("INSERT INTO opening_rules (artisan_id, day_of_week, start_minutes, end_minutes) VALUES (\(artisan), 1, 540, 1020)")
        #expect(throws: DatabaseError.self) {
            try connection.execute("INSERT INTO opening_rules (artisan_id, day_of_week, start_minutes, end_minutes) VALUES (\(artisan), 1, 600, 700)")
        }
        try connection.execute("INSERT INTO calendar_connections (artisan_id, provider_id, access_token_encrypted) VALUES (\(artisan), 'google', 'x')")
        #expect(throws: DatabaseError.self) {
            try connection.execute("INSERT INTO calendar_connections (artisan_id, provider_id, access_token_encrypted) VALUES (\(artisan), 'google', 'y')")
        }
    }

    @Test("a service or artisan with bookings cannot be deleted; an event belongs to a booking")
    func foreignKeys() throws {
        try book("2030-01-07T09:00:00Z", code: "AC-AAAAAA")
        let error = #expect(throws: DatabaseError.self) { try connection.execute("DELETE FROM services") }
        #expect(error?.kind == .foreignKeyViolation)
        #expect(throws: DatabaseError.self) { try connection.execute("DELETE FROM artisans") }
        let booking: UUID = try connection.query("SELECT id FROM bookings")[0].decode("id")
        try connection.execute("INSERT INTO booking_events (booking_id, kind, details) VALUES (\(booking), 'created', '{\"by\":\"test\"}')")
        #expect(throws: DatabaseError.self) {
            try connection.execute("INSERT INTO booking_events (booking_id, kind) VALUES (\(UUID()), 'created')")
        }
    }

    @Test("the spec's indexes exist")
    func indexes() throws {
        let names = Set(try connection.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'").map { try $0.decode("indexname", as: String.self) })
        for index in ["idx_artisans_email", "idx_services_artisan_active", "idx_opening_rules_artisan", "idx_break_rules_artisan",
                      "idx_bookings_public_code", "idx_bookings_artisan_status", "idx_bookings_customer_email",
                      "idx_bookings_start_datetime", "idx_external_busy_artisan_range", "idx_external_busy_booking",
                      "idx_calendar_connections_artisan", "bookings_no_overlap", "idx_booking_events_booking",
                      "idx_services_active_name", "idx_time_off_artisan_range"] {
            #expect(names.contains(index), "missing index \(index)")
        }
    }
}
