/// How a booking's deposit is collected, beyond its status: by whom, through what, until when the
/// slot waits for it, and the refund when there is one.
public struct DepositPayment: Sendable, Equatable {
    public enum Provider: String, Sendable, CaseIterable { case stripe, manual }
    public enum Method: String, Sendable, CaseIterable {
        /// The web front pays with Stripe Elements (the spec's flow).
        case paymentIntent = "payment_intent"
        /// The customer pays on Stripe's page, from a link the artisan sends.
        case checkoutSession = "checkout_session"
        /// Cash or card terminal, recorded by the artisan.
        case inPerson = "in_person"
    }
    public enum RefundStatus: String, Sendable, CaseIterable { case pending, succeeded, failed }

    public var provider: Provider?
    public var method: Method?
    public var intentID: String?
    public var checkoutSessionID: String?
    public var checkoutURL: String?
    /// An unpaid online deposit releases the slot at this instant (nil: never).
    public var holdUntil: Timestamp?
    public var refundStatus: RefundStatus?
    public var refundID: String?
    /// When the deposit was asked for: the booking's creation instant, stored as its `created_at`
    /// (pay links derive their expiry from it, so a retry sends the same parameters).
    public var requestedAt: Timestamp?

    public init(provider: Provider? = nil, method: Method? = nil, intentID: String? = nil, checkoutSessionID: String? = nil,
                checkoutURL: String? = nil, holdUntil: Timestamp? = nil, refundStatus: RefundStatus? = nil, refundID: String? = nil,
                requestedAt: Timestamp? = nil) {
        self.provider = provider
        self.method = method
        self.intentID = intentID
        self.checkoutSessionID = checkoutSessionID
        self.checkoutURL = checkoutURL
        self.holdUntil = holdUntil
        self.refundStatus = refundStatus
        self.refundID = refundID
        self.requestedAt = requestedAt
    }

    /// Collected through Stripe but nothing created there yet (Stripe was unreachable).
    public var awaitsStripe: Bool {
        provider == .stripe && intentID == nil && checkoutSessionID == nil
    }
}

/// The deposit's status moves forward only: a late or replayed event never undoes a later one.
/// pending → failed (the customer may retry) → authorized → captured → refunded; waived is
/// outside that line and only a payment in person leaves it.
extension Booking.DepositStatus {
    var rank: Int {
        switch self {
        case .pending, .waived: 0
        case .failed: 1
        case .authorized: 2
        case .captured: 3
        case .refunded: 4
        }
    }

    /// Whether an event may move a deposit from this status to `next`.
    public func advances(to next: Booking.DepositStatus) -> Bool {
        guard self != .waived, next != .waived, next != .pending else { return false }
        return next.rank > rank
    }

    /// Still to be paid.
    public var isUnpaid: Bool { self == .pending || self == .failed }
}

extension Service {
    /// Why Stripe will not collect this service's deposit, when it will not (below its minimum).
    public var stripeDepositWarning: String? {
        guard deposit.cents > 0, deposit.cents < DepositCharge.stripeMinimumCents else { return nil }
        return "the deposit of '\(name)' (\(deposit) €) is below Stripe's minimum charge of 0.50 €: it will be waived on every booking"
    }
}
