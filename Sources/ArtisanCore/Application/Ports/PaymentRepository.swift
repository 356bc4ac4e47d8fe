#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the payment events need across artisans: which booking an event concerns, the events
/// already applied (each once), and how far Stripe's event list has been read.
public protocol PaymentRepository {
    /// The artisan and booking an event concerns, by the intent, the Checkout Session or the
    /// booking id of its metadata, in that order.
    func owner(intentID: String?, checkoutSessionID: String?, bookingID: UUID?) throws -> (artisan: UUID, booking: UUID)?
    /// Records an event as applied; false when it was already (nothing written then).
    func recordEvent(_ event: PaymentEvent, booking: UUID?, via: PaymentEventSource, outcome: String) throws -> Bool
    func eventsReadUntil() throws -> Timestamp?
    func storeEventsReadUntil(_ instant: Timestamp) throws
}

public enum PaymentEventSource: String, Sendable { case webhook, poll }
