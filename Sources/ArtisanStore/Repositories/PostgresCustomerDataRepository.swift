import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the database holds about one customer of an artisan, and its erasure (see the
/// customer_erasure migration).
public struct PostgresCustomerDataRepository: CustomerDataRepository {
    let connection: PostgresConnection
    let artisan: UUID

    public init(connection: PostgresConnection, artisan: UUID) {
        self.connection = connection
        self.artisan = artisan
    }

    public func bookings(email: String, forUpdate: Bool) throws -> [CustomerRows.Booking] {
        try connection.query("""
            SELECT \(unsafeSQL: PostgresBookingRepository.columns), b.updated_at, b.anonymised_at
            FROM bookings b JOIN services s ON s.id = b.service_id
            WHERE b.artisan_id = \(artisan) AND lower(b.customer_email) = lower(\(email))
            ORDER BY b.start_datetime, b.public_code \(unsafeSQL: forUpdate ? "FOR UPDATE OF b" : "")
            """).map { row in
            CustomerRows.Booking(booking: try PostgresBookingRepository.decode(row), createdAt: try row.decode("created_at"),
                                 updatedAt: try row.decode("updated_at"), anonymisedAt: try row.decode("anonymised_at", as: Timestamp?.self))
        }
    }

    public func rows(linkedTo bookings: [UUID]) throws -> CustomerRows {
        let ids = PostgresArray(bookings)
        var rows = CustomerRows()
        rows.events = try connection.query("""
            SELECT id, booking_id, at, kind, details::text AS details FROM booking_events
            WHERE booking_id = ANY(\(ids)::uuid[]) ORDER BY at, id
            """).map(Self.event)
        rows.notifications = try connection.query("""
            SELECT \(unsafeSQL: PostgresNotificationRepository.columns), sent_at FROM notifications
            WHERE artisan_id = \(artisan) AND booking_id = ANY(\(ids)::uuid[]) ORDER BY created_at, id
            """).map { row in
            CustomerRows.Notification(message: try PostgresNotificationRepository.decode(row), sentAt: try row.decode("sent_at", as: Timestamp?.self))
        }
        rows.paymentEvents = try connection.query("""
            SELECT event_id, type, created, booking_id, received_via, outcome, applied_at FROM stripe_events
            WHERE booking_id = ANY(\(ids)::uuid[]) ORDER BY created, event_id
            """).map { row in
            CustomerRows.PaymentEvent(id: try row.decode("event_id"), type: try row.decode("type"), created: try row.decode("created"),
                                      bookingID: try row.decode("booking_id", as: UUID?.self), receivedVia: try row.decode("received_via"),
                                      outcome: try row.decode("outcome"), appliedAt: try row.decode("applied_at"))
        }
        rows.idempotencyKeys = try connection.query("""
            SELECT \(unsafeSQL: Self.keyColumns) FROM idempotency_keys WHERE booking_id = ANY(\(ids)::uuid[]) ORDER BY created_at, key
            """).map(Self.idempotencyKey)
        rows.calendarBlocks = try connection.query("""
            SELECT \(unsafeSQL: Self.blockColumns) FROM external_busy_blocks
            WHERE artisan_id = \(artisan) AND booking_id = ANY(\(ids)::uuid[]) ORDER BY start_datetime, id
            """).map(Self.block)
        return rows
    }

    /// `strpos` on lowered text rather than ILIKE: a term holding `%` or `_` means itself.
    public func rows(mentioning terms: [String], notLinkedTo bookings: [UUID]) throws -> CustomerRows {
        let terms = PostgresArray(terms.map { $0.lowercased() })
        var rows = CustomerRows()
        rows.idempotencyKeys = try connection.query("""
            SELECT \(unsafeSQL: Self.keyColumns) FROM idempotency_keys
            WHERE booking_id IS NULL
              AND EXISTS (SELECT 1 FROM unnest(\(terms)::text[]) AS t(term)
                          WHERE strpos(lower(key), t.term) > 0 OR strpos(lower(coalesce(response_body, '')), t.term) > 0)
            ORDER BY created_at, key
            """).map(Self.idempotencyKey)
        rows.calendarBlocks = try connection.query("""
            SELECT \(unsafeSQL: Self.blockColumns) FROM external_busy_blocks
            WHERE artisan_id = \(artisan) AND source = 'external' AND NOT (coalesce(booking_id = ANY(\(PostgresArray(bookings))::uuid[]), false))
              AND EXISTS (SELECT 1 FROM unnest(\(terms)::text[]) AS t(term) WHERE strpos(lower(coalesce(summary, '')), t.term) > 0)
            ORDER BY start_datetime, id
            """).map(Self.block)
        return rows
    }

    // MARK: - Erasure

    public func anonymise(booking: UUID, at: Timestamp) throws {
        try connection.execute("""
            UPDATE bookings SET customer_name = \(Customer.anonymisedName), customer_email = NULL, customer_phone = NULL,
                   notifications_email = false, notifications_sms = false, anonymised_at = \(at), updated_at = \(at)
            WHERE id = \(booking) AND artisan_id = \(artisan)
            """)
    }

    public func saveDetails(ofEvent id: UUID, _ details: [String: String]) throws {
        try connection.execute("""
            UPDATE booking_events SET details = \(try JSONStrings.text(details))::jsonb
            WHERE id = \(id) AND booking_id IN (SELECT id FROM bookings WHERE artisan_id = \(artisan))
            """)
    }

    public func saveErased(_ notification: OutboxMessage) throws {
        try connection.execute("""
            UPDATE notifications SET recipient = \(notification.recipient), recipient_name = \(notification.recipientName),
                   payload = \(try JSONStrings.text(notification.variables))::jsonb, provider_message_id = \(notification.providerMessageID),
                   last_error = \(notification.lastError), status = \(notification.status.rawValue), claimed_until = NULL,
                   updated_at = artisan_now()
            WHERE id = \(notification.id) AND artisan_id = \(artisan)
            """)
    }

    public func saveErased(_ key: CustomerRows.IdempotencyKey) throws {
        try connection.execute("""
            UPDATE idempotency_keys SET request_digest = \(key.requestDigest), response_body = \(key.responseBody) WHERE key = \(key.key)
            """)
    }

    public func saveSummary(ofBlock id: UUID, _ summary: String?) throws {
        try connection.execute("""
            UPDATE external_busy_blocks SET summary = \(summary), updated_at = artisan_now() WHERE id = \(id) AND artisan_id = \(artisan)
            """)
    }

    public func requestRewrite(ofEventsOf bookings: [UUID]) throws -> Int {
        try connection.execute("""
            UPDATE external_busy_blocks SET rewrite_requested = true, updated_at = artisan_now()
            WHERE artisan_id = \(artisan) AND source = 'booking' AND booking_id = ANY(\(PostgresArray(bookings))::uuid[])
            """)
    }

    // MARK: - Rows

    static let keyColumns = "key, request_digest, booking_id, status_code, response_body, created_at"
    static let blockColumns = "id, provider_id, source, booking_id, external_event_id, summary, start_datetime, end_datetime"

    static func event(_ row: Row) throws -> CustomerRows.Event {
        guard let details = JSONStrings.object(try row.decode("details", as: String.self)) else {
            throw DatabaseError(kind: .decoding, message: "a booking event's details are not an object of strings", column: "details")
        }
        return CustomerRows.Event(id: try row.decode("id"), bookingID: try row.decode("booking_id"), at: try row.decode("at"),
                                  kind: try row.decode("kind"), details: details)
    }

    static func idempotencyKey(_ row: Row) throws -> CustomerRows.IdempotencyKey {
        CustomerRows.IdempotencyKey(key: try row.decode("key"), requestDigest: try row.decode("request_digest"),
                                    bookingID: try row.decode("booking_id", as: UUID?.self), statusCode: try row.decode("status_code", as: Int?.self),
                                    responseBody: try row.decode("response_body", as: String?.self), createdAt: try row.decode("created_at"))
    }

    static func block(_ row: Row) throws -> CustomerRows.CalendarBlock {
        CustomerRows.CalendarBlock(id: try row.decode("id"), provider: try row.decode("provider_id"), source: try row.decode("source"),
                                   bookingID: try row.decode("booking_id", as: UUID?.self),
                                   eventID: try row.decode("external_event_id", as: String?.self), summary: try row.decode("summary", as: String?.self),
                                   start: try row.decode("start_datetime"), end: try row.decode("end_datetime"))
    }
}
