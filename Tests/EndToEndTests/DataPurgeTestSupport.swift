import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The tables `data purge` deletes from or unlinks in.
let retentionTables = ["bookings", "booking_events", "notifications", "external_busy_blocks", "stripe_events", "idempotency_keys"]

/// Old history written with SQL around each category's cut-off, for a purge at `now` with the
/// default 2 years: for every category a row a second past its cut-off, one exactly at it and one a
/// second inside, plus the rows its rule keeps or removes for another reason. Rows are named by
/// their public code, external event id, idempotency key, event id or key.
struct RetentionHistory {
    /// The purge's clock.
    static let now = "2028-11-24T09:00:00Z"
    /// Two years before: bookings, messages and Stripe events before this go.
    static let cutoff = "2026-11-24T09:00:00Z"
    /// 24 hours before: Idempotency-Keys before this go.
    static let keyCutoff = "2028-11-23T09:00:00Z"

    /// What a purge at `now` keeps, by table (each row named as above).
    static let kept: [String: Set<String>] = [
        "bookings": ["AC-ATCUT1", "AC-INSID1", "AC-REFUND", "AC-FUTURE", "AC-REWRIT"],
        "booking_events": ["AC-ATCUT1 created"],
        "notifications": ["sent-at-cutoff", "sent-inside", "pending-old", "sent-old-of-future-booking"],
        "external_busy_blocks": ["ext-at-now", "ext-inside", "export-of-AC-INSID1", "export-of-AC-REWRIT"],
        "stripe_events": ["evt_at_cutoff", "evt_inside", "evt_of_AC-OUT001"],
        "idempotency_keys": ["key-at-cutoff", "key-inside", "key-of-AC-OUT001"],
    ]

    /// What a purge at `now` removes, by category, as its JSON reports it.
    static let removed = ["bookings": 3, "notifications": 4, "busyBlocks": 2, "webhookEvents": 2, "idempotencyKeys": 1]
    /// What goes with the three bookings: their audit trail, messages and calendar export records.
    static let alongside = ["bookingEvents": 3, "notifications": 2, "calendarExports": 1]

    /// Writes the history into `world`'s database (the demo catalogue applied).
    static func seed(_ world: CatalogueWorld) throws {
        let c = world.connection
        func at(_ seconds: Int, from base: String = cutoff) -> String { Timestamp(iso8601: base)!.adding(seconds: Int64(seconds)).iso8601() }

        // Bookings over (start + 60 min) a second before, exactly at and a second after the cut-off
        // (two cancelled: active ones may not overlap); cancelled and rescheduled ones long over; one
        // whose refund is owed; one still to come; one whose export waits for its rewrite (below).
        try book(c, "AC-OUT001", start: at(-3601), status: "cancelled")
        try book(c, "AC-ATCUT1", start: at(-3600), status: "confirmed")
        try book(c, "AC-INSID1", start: at(-3599), status: "cancelled")
        try book(c, "AC-CANCEL", start: "2025-01-10T09:00:00Z", status: "cancelled")
        try book(c, "AC-RESCHD", start: "2026-06-01T09:00:00Z", status: "rescheduled")
        try book(c, "AC-REFUND", start: "2025-02-01T09:00:00Z", status: "cancelled", refund: "pending")
        try book(c, "AC-FUTURE", start: at(86_400, from: now), status: "confirmed")
        try book(c, "AC-REWRIT", start: "2025-03-01T09:00:00Z", status: "cancelled")

        for (code, kind) in [("AC-OUT001", "created"), ("AC-OUT001", "cancelled"), ("AC-ATCUT1", "created"), ("AC-CANCEL", "created")] {
            try c.execute("""
                INSERT INTO booking_events (booking_id, at, kind, details)
                SELECT id, start_datetime - interval '1 day', \(kind), '{}'::jsonb FROM bookings WHERE public_code = \(code)
                """)
        }

        // Messages: at, just past and inside the cut-off; failed and cancelled long ago; pending
        // long ago; of a booking still to come, of a booking kept but over, of bookings purged.
        try notify(c, "sent-past-cutoff", status: "sent", at: at(-1))
        try notify(c, "sent-at-cutoff", status: "sent", at: cutoff)
        try notify(c, "sent-inside", status: "sent", at: at(1))
        try notify(c, "failed-old", status: "failed", at: "2025-01-01T00:00:00Z")
        try notify(c, "cancelled-old", status: "cancelled", at: "2025-01-01T00:00:00Z")
        try notify(c, "pending-old", status: "pending", at: "2025-01-01T00:00:00Z")
        try notify(c, "sent-old-of-future-booking", status: "sent", at: "2025-01-01T00:00:00Z", booking: "AC-FUTURE")
        try notify(c, "sent-old-of-kept-booking", status: "sent", at: "2025-01-01T00:00:00Z", booking: "AC-INSID1")
        try notify(c, "pending-of-AC-OUT001", status: "pending", at: at(1), booking: "AC-OUT001")
        try notify(c, "sent-of-AC-CANCEL", status: "sent", at: "2025-01-09T00:00:00Z", booking: "AC-CANCEL")

        // Busy time imported: over a second before now, exactly at now, a second after, long ago;
        // and the export records of two bookings (they go with their booking only).
        try block(c, "ext-past-now", end: at(-1, from: now))
        try block(c, "ext-at-now", end: now)
        try block(c, "ext-inside", end: at(1, from: now))
        try block(c, "ext-old", end: "2020-03-01T10:00:00Z")
        try block(c, "export-of-AC-INSID1", end: "2026-11-24T09:00:01Z", booking: "AC-INSID1")
        try block(c, "export-of-AC-OUT001", end: "2026-11-24T08:59:59Z", booking: "AC-OUT001")
        // A forgotten customer's booking whose exported event the next sync must still write again.
        try block(c, "export-of-AC-REWRIT", end: "2025-03-01T10:00:00Z", booking: "AC-REWRIT")
        try c.execute("UPDATE external_busy_blocks SET rewrite_requested = true WHERE external_event_id = 'export-of-AC-REWRIT'")

        // Stripe events applied around the cut-off, long ago, and one that names a purged booking.
        for (id, applied, booking) in [("evt_past_cutoff", at(-1), nil), ("evt_at_cutoff", cutoff, nil), ("evt_inside", at(1), nil),
                                       ("evt_old", "2025-03-01T00:00:00Z", nil), ("evt_of_AC-OUT001", at(86_400), "AC-OUT001")] as [(String, String, String?)] {
            try c.execute("""
                INSERT INTO stripe_events (event_id, type, created, booking_id, received_via, outcome, applied_at)
                VALUES (\(id), 'payment_intent.succeeded', \(applied)::timestamptz, (SELECT id FROM bookings WHERE public_code = \(booking)),
                        'webhook', 'applied', \(applied)::timestamptz)
                """)
        }

        // Idempotency-Keys around their 24 hours, and one that names a purged booking.
        for (key, created, booking) in [("key-past-cutoff", at(-1, from: keyCutoff), nil), ("key-at-cutoff", keyCutoff, nil),
                                        ("key-inside", at(1, from: keyCutoff), nil), ("key-of-AC-OUT001", at(-3600, from: now), "AC-OUT001")]
                                        as [(String, String, String?)] {
            try c.execute("""
                INSERT INTO idempotency_keys (key, request_digest, booking_id, locked_until, created_at)
                VALUES (\(key), repeat('a', 64), (SELECT id FROM bookings WHERE public_code = \(booking)), \(created)::timestamptz,
                        \(created)::timestamptz)
                """)
        }
    }

    private static func book(_ c: PostgresConnection, _ code: String, start: String, status: String, refund: String? = nil) throws {
        try c.execute("""
            INSERT INTO bookings (public_code, artisan_id, service_id, status, customer_name, customer_email, start_datetime,
                                  duration_minutes, price_cents, deposit_amount_cents, deposit_rate, deposit_refund_status)
            SELECT \(code), artisan_id, id, \(status), 'Client Ancien', 'ancien@example.com', \(start)::timestamptz, 60, 4550, 1365, 0.30,
                   \(refund)
            FROM services WHERE name = 'Coupe femme'
            """)
    }

    private static func notify(_ c: PostgresConnection, _ key: String, status: String, at: String, booking: String? = nil) throws {
        try c.execute("""
            INSERT INTO notifications (id, artisan_id, booking_id, kind, channel, recipient, payload, status, next_attempt_at,
                                       idempotency_key, sent_at, created_at, updated_at)
            SELECT gen_random_uuid(), a.id, (SELECT id FROM bookings WHERE public_code = \(booking)), 'confirmation', 'email',
                   'ancien@example.com', '{}'::jsonb, \(status), \(at)::timestamptz, \(key),
                   CASE WHEN \(status) = 'sent' THEN \(at)::timestamptz END, \(at)::timestamptz - interval '1 minute', \(at)::timestamptz
            FROM artisans a
            """)
    }

    private static func block(_ c: PostgresConnection, _ eventID: String, end: String, booking: String? = nil) throws {
        try c.execute("""
            INSERT INTO external_busy_blocks (artisan_id, provider_id, source, summary, start_datetime, end_datetime, booking_id,
                                              external_event_id)
            SELECT a.id, 'google', \(booking == nil ? "external" : "booking"), 'Occupé', \(end)::timestamptz - interval '1 hour',
                   \(end)::timestamptz, (SELECT id FROM bookings WHERE public_code = \(booking)), \(eventID)
            FROM artisans a
            """)
    }

    /// The names of the rows left in each table (booking events as `CODE kind`).
    static func remaining(_ connection: PostgresConnection) throws -> [String: Set<String>] {
        let queries: [String: SQLQuery] = [
            "bookings": "SELECT public_code AS name FROM bookings",
            "booking_events": "SELECT b.public_code || ' ' || e.kind AS name FROM booking_events e JOIN bookings b ON b.id = e.booking_id",
            "notifications": "SELECT idempotency_key AS name FROM notifications",
            "external_busy_blocks": "SELECT external_event_id AS name FROM external_busy_blocks",
            "stripe_events": "SELECT event_id AS name FROM stripe_events",
            "idempotency_keys": "SELECT key AS name FROM idempotency_keys",
        ]
        return try queries.mapValues { query in Set(try connection.query(query).map { try $0.decode("name", as: String.self) }) }
    }
}

extension CatalogueWorld {
    /// Every row of the tables a purge touches, as text: equal snapshots mean nothing changed.
    func retentionSnapshot() throws -> [String: [String]] { try EndToEndTests.snapshot(connection, tables: retentionTables) }

    /// `data purge arguments… --json` at the clock `now`, which must exit `status`: its records by category.
    func purge(_ arguments: [String], at now: String, status: Int32 = 0, environment extra: [String: String] = [:],
               sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: [String: Any]] {
        let result = try run(["data", "purge"] + arguments + ["--json"], environment: extra.merging(["ARTISANCTL_NOW": now]) { $1 })
        #expect(result.status == status, "data purge \(arguments) at \(now): \(result.stderr)", sourceLocation: sourceLocation)
        var records: [String: [String: Any]] = [:]
        for record in try jsonArray(result.stdout) { records[record["category"] as? String ?? "?"] = record }
        return records
    }
}

/// The counts of a purge's records, by category.
func counts(_ records: [String: [String: Any]]) -> [String: Int] {
    records.compactMapValues { $0["count"] as? Int }
}
