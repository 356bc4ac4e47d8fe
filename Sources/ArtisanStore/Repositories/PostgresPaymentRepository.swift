import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Stripe's events, applied once, and how far its event list has been read.
public struct PostgresPaymentRepository: PaymentRepository {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    public func owner(intentID: String?, checkoutSessionID: String?, bookingID: UUID?) throws -> (artisan: UUID, booking: UUID)? {
        let row = try connection.query("""
            SELECT artisan_id, id FROM bookings
            WHERE deposit_payment_intent_id = \(intentID) OR deposit_checkout_session_id = \(checkoutSessionID) OR id = \(bookingID)
            ORDER BY (deposit_payment_intent_id = \(intentID)) IS TRUE DESC, (deposit_checkout_session_id = \(checkoutSessionID)) IS TRUE DESC
            LIMIT 1
            """).first
        guard let row else { return nil }
        return (try row.decode("artisan_id"), try row.decode("id"))
    }

    /// ON CONFLICT DO NOTHING: a second delivery of one event, even concurrent, waits for the first
    /// to commit and then writes nothing.
    public func recordEvent(_ event: PaymentEvent, booking: UUID?, via: PaymentEventSource, outcome: String) throws -> Bool {
        try !connection.query("""
            INSERT INTO stripe_events (event_id, type, created, booking_id, received_via, outcome)
            VALUES (\(event.id), \(event.type), \(event.created), \(booking), \(via.rawValue), \(outcome))
            ON CONFLICT (event_id) DO NOTHING RETURNING event_id
            """).isEmpty
    }

    public func eventsReadUntil() throws -> Timestamp? {
        try connection.query("SELECT events_read_until FROM payment_sync_state WHERE provider = 'stripe'").first?.decode("events_read_until")
    }

    public func storeEventsReadUntil(_ instant: Timestamp) throws {
        try connection.execute("""
            INSERT INTO payment_sync_state (provider, events_read_until) VALUES ('stripe', \(instant))
            ON CONFLICT (provider) DO UPDATE SET events_read_until = greatest(payment_sync_state.events_read_until, excluded.events_read_until),
                                                 updated_at = artisan_now()
            """)
    }
}
