import ArtisanCore
import Foundation

/// The PaymentProvider port over plain values, as Stripe behaves: an idempotency key replays its
/// first answer; calls fail on demand. The wire format itself is tested against fake_stripe.py.
final class FakePayments: PaymentProvider, @unchecked Sendable {
    var intents: [String: PaymentIntentRecord] = [:]
    var sessions: [String: CheckoutRecord] = [:]
    var intentsByKey: [String: String] = [:]
    var sessionsByKey: [String: String] = [:]
    var refundsByKey: [String: RefundRecord] = [:]
    var cancelled: [String] = []
    var expired: [String] = []
    var events: [PaymentEvent] = []
    var calls: [String] = []
    /// The next calls throw this, one per call, until it is empty.
    var failures: [ArtisanError] = []
    var lastExpiry: Timestamp?
    /// The status new refunds get (Stripe's: succeeded, pending, requires_action, failed, canceled).
    var refundStatus = "succeeded"
    static let alreadyPaid = ArtisanError(.invalid, code: "PAYMENT_REFUSED", "Stripe: already paid")

    static let down = ArtisanError(.unavailable, code: "PAYMENT_PROVIDER_UNAVAILABLE", "Stripe: could not connect")

    private func enter(_ call: String) throws {
        calls.append(call)
        if !failures.isEmpty { throw failures.removeFirst() }
    }

    func createIntent(_ charge: DepositCharge) throws -> PaymentIntentRecord {
        try enter("createIntent \(charge.idempotencyKey)")
        let id = intentsByKey[charge.idempotencyKey] ?? "pi_\(intents.count + 1)"
        intentsByKey[charge.idempotencyKey] = id
        let intent = intents[id] ?? PaymentIntentRecord(id: id, status: "requires_payment_method", amountCents: charge.amountCents,
                                                         clientSecret: "\(id)_secret_x")
        intents[id] = intent
        return intent
    }

    func createCheckout(_ charge: DepositCharge, expiresAt: Timestamp) throws -> CheckoutRecord {
        try enter("createCheckout \(charge.idempotencyKey)")
        lastExpiry = expiresAt
        let id = sessionsByKey[charge.idempotencyKey] ?? "cs_\(sessions.count + 1)"
        sessionsByKey[charge.idempotencyKey] = id
        let session = sessions[id] ?? CheckoutRecord(id: id, url: "https://checkout.example/\(id)", status: "open", paymentStatus: "unpaid",
                                                     paymentIntentID: nil)
        sessions[id] = session
        return session
    }

    func intent(_ id: String) throws -> PaymentIntentRecord {
        try enter("intent \(id)")
        guard let intent = intents[id] else { throw ArtisanError.notFound(code: "PAYMENT_NOT_FOUND", "no such intent") }
        return intent
    }

    func checkout(_ id: String) throws -> CheckoutRecord {
        try enter("checkout \(id)")
        guard let session = sessions[id] else { throw ArtisanError.notFound(code: "PAYMENT_NOT_FOUND", "no such session") }
        return session
    }

    func cancelIntent(_ id: String, idempotencyKey: String) throws {
        try enter("cancelIntent \(id)")
        if intents[id]?.status == "succeeded" { throw Self.alreadyPaid }
        cancelled.append(id)
    }

    func expireCheckout(_ id: String) throws {
        try enter("expireCheckout \(id)")
        if sessions[id]?.paymentStatus == "paid" { throw Self.alreadyPaid }
        expired.append(id)
    }

    func refund(intent: String, idempotencyKey: String) throws -> RefundRecord {
        try enter("refund \(intent) \(idempotencyKey)")
        let refund = refundsByKey[idempotencyKey] ?? RefundRecord(id: "re_\(refundsByKey.count + 1)", status: refundStatus)
        refundsByKey[idempotencyKey] = refund
        return refund
    }

    func events(createdSince since: Timestamp) throws -> [PaymentEvent] {
        try enter("events \(since.iso8601())")
        return events.filter { $0.created >= since }.sorted { $0.created < $1.created }
    }

    /// The customer pays `intent` at Stripe (whether or not its event reaches us).
    func paid(_ id: String) {
        guard let intent = intents[id] else { return }
        intents[id] = PaymentIntentRecord(id: id, status: "succeeded", amountCents: intent.amountCents, clientSecret: intent.clientSecret)
    }

    /// An event about `intent` of `type` at `created`, numbered in order.
    func event(_ type: String, intent: String?, session: String? = nil, booking: UUID? = nil, paid: Bool = false,
               at created: String) -> PaymentEvent {
        let event = PaymentEvent(id: "evt_\(events.count + 1)", type: type, created: Timestamp(iso8601: created)!, intentID: intent,
                                 checkoutSessionID: session, bookingID: booking, paymentStatus: session == nil ? nil : (paid ? "paid" : "unpaid"))
        events.append(event)
        return event
    }
}
