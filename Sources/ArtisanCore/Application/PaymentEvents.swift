#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Stripe's events applied to deposits, each once (webhook or polling, whichever comes first) and
/// forward only: a late or replayed event never moves a status back.
extension PaymentService {
    /// What applying one event did.
    public enum EventResult: String, Sendable {
        /// The deposit moved to a new status.
        case applied
        /// The deposit was already there or further on.
        case unchanged
        /// This event was applied before.
        case duplicate
        /// A type we do not act on, or no booking of ours.
        case ignored
    }

    public struct EventOutcome: Sendable {
        public let result: EventResult
        public let bookingCode: String?
        public let depositStatus: Booking.DepositStatus?
        public var notes: [String] = []
    }

    /// The status an event type moves a deposit to; nil for types we acknowledge and ignore.
    static func target(of event: PaymentEvent) -> Booking.DepositStatus? {
        switch event.type {
        case "payment_intent.amount_capturable_updated": .authorized
        case "payment_intent.succeeded": .captured
        case "checkout.session.completed": event.paymentStatus == "paid" ? .captured : nil
        case "payment_intent.payment_failed", "payment_intent.canceled": .failed
        case "charge.refunded": .refunded
        default: nil
        }
    }

    private struct Duplicate: Error {}

    /// Applies one event. A payment that arrives for a cancelled booking (released for want of
    /// payment, or cancelled meanwhile) is refunded at once.
    public func receive(_ event: PaymentEvent, via source: PaymentEventSource) throws -> EventOutcome {
        let applied: (outcome: EventOutcome, refund: (Booking, UUID)?)
        do {
            applied = try context.store.transaction { repositories in
                let (outcome, booking, artisan) = try apply(event, repositories)
                guard try repositories.payments.recordEvent(event, booking: booking?.id, via: source, outcome: outcome.result.rawValue) else {
                    throw Duplicate()
                }
                let refundDue = outcome.result == .applied && booking?.payment.refundStatus == .pending
                return (outcome, refundDue ? booking.flatMap { booking in artisan.map { (booking, $0) } } : nil)
            }
        } catch is Duplicate {
            return EventOutcome(result: .duplicate, bookingCode: nil, depositStatus: nil)
        }
        var outcome = applied.outcome
        if let (booking, artisan) = applied.refund, let note = settleRefund(booking, artisan: artisan) { outcome.notes.append(note) }
        return outcome
    }

    private func apply(_ event: PaymentEvent, _ repositories: any Repositories) throws -> (EventOutcome, Booking?, UUID?) {
        let ignored = EventOutcome(result: .ignored, bookingCode: nil, depositStatus: nil)
        guard let target = Self.target(of: event),
              let owner = try repositories.payments.owner(intentID: event.intentID, checkoutSessionID: event.checkoutSessionID,
                                                          bookingID: event.bookingID) else { return (ignored, nil, nil) }
        let bookings = repositories.bookings(of: owner.artisan)
        guard var booking = try bookings.find(id: owner.booking, forUpdate: true), booking.payment.provider == .stripe, isOwn(event, booking) else {
            return (ignored, nil, nil)
        }
        guard booking.depositStatus.advances(to: target) else {
            return (EventOutcome(result: .unchanged, bookingCode: booking.publicCode, depositStatus: booking.depositStatus), booking, owner.artisan)
        }
        booking.depositStatus = target
        booking.payment.intentID = booking.payment.intentID ?? event.intentID
        if target == .refunded {
            booking.payment.refundStatus = .succeeded
        } else if target == .captured, !booking.status.isActive {
            booking.payment.refundStatus = .pending
        }
        try bookings.savePayment(booking)
        try bookings.recordEvent(booking.id, kind: "deposit_\(target.rawValue)", details: ["stripe_event": event.id, "type": event.type],
                                 at: context.clock.now())
        return (EventOutcome(result: .applied, bookingCode: booking.publicCode, depositStatus: target), booking, owner.artisan)
    }

    /// An event about another intent than the booking's own (found by its metadata) is not ours to apply.
    private func isOwn(_ event: PaymentEvent, _ booking: Booking) -> Bool {
        if let intent = event.intentID, let own = booking.payment.intentID, intent != own { return false }
        if let session = event.checkoutSessionID, let own = booking.payment.checkoutSessionID, session != own { return false }
        return true
    }
}
