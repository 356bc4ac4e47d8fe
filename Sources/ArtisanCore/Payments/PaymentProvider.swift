#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The payment processor (Stripe) as the deposit use cases need it. Every call that creates or
/// changes something carries an idempotency key derived from our own booking id, so a retry after
/// a lost answer can never charge twice. Failures are `ArtisanError`s whose kind decides the exit
/// status: `.permission` (key refused), `.invalid` (request refused, card declined), `.notFound`,
/// `.temporary` (429 or 5xx after retries), `.unavailable` (unreachable, timed out).
public protocol PaymentProvider: Sendable {
    func createIntent(_ charge: DepositCharge) throws -> PaymentIntentRecord
    func createCheckout(_ charge: DepositCharge, expiresAt: Timestamp) throws -> CheckoutRecord
    func intent(_ id: String) throws -> PaymentIntentRecord
    func checkout(_ id: String) throws -> CheckoutRecord
    /// Cancels an intent that is not yet paid; one already cancelled is not an error, one already
    /// paid is (`.invalid`).
    func cancelIntent(_ id: String, idempotencyKey: String) throws
    /// Expires an open Checkout Session; one already expired is not an error, one already paid is (`.invalid`).
    func expireCheckout(_ id: String) throws
    /// Refunds an intent's payment; one already refunded is `.invalid` naming `charge_already_refunded`.
    func refund(intent: String, idempotencyKey: String) throws -> RefundRecord
    /// Every event created at or after `since`, all pages read, oldest first.
    func events(createdSince since: Timestamp) throws -> [PaymentEvent]
}

/// A deposit to collect for one booking.
public struct DepositCharge: Sendable, Equatable {
    /// Stripe refuses to charge less than this in euros (`amount_too_small`).
    public static let stripeMinimumCents = 50

    public let bookingID: UUID
    public let publicCode: String
    public let amountCents: Int
    public let currency: String
    /// Names the service and the code, as the customer sees it on the payment page and statement.
    public let description: String
    public let idempotencyKey: String
    /// Checkout only: where Stripe sends the customer after paying.
    public let successURL: String?

    public init(bookingID: UUID, publicCode: String, amountCents: Int, currency: String = "eur", description: String,
                idempotencyKey: String, successURL: String? = nil) {
        self.bookingID = bookingID
        self.publicCode = publicCode
        self.amountCents = amountCents
        self.currency = currency
        self.description = description
        self.idempotencyKey = idempotencyKey
        self.successURL = successURL
    }
}

/// A PaymentIntent as read back: its status as Stripe names it (requires_payment_method,
/// requires_capture, succeeded, canceled…) and the client secret the web front needs.
public struct PaymentIntentRecord: Sendable, Equatable {
    public let id: String
    public let status: String
    public let amountCents: Int
    public let clientSecret: String?

    public init(id: String, status: String, amountCents: Int, clientSecret: String?) {
        self.id = id
        self.status = status
        self.amountCents = amountCents
        self.clientSecret = clientSecret
    }
}

/// A Checkout Session: its payment page URL, status (open, complete, expired), payment status
/// (paid, unpaid) and, once paid, the PaymentIntent behind it.
public struct CheckoutRecord: Sendable, Equatable {
    public let id: String
    public let url: String?
    public let status: String
    public let paymentStatus: String
    public let paymentIntentID: String?

    public init(id: String, url: String?, status: String, paymentStatus: String, paymentIntentID: String?) {
        self.id = id
        self.url = url
        self.status = status
        self.paymentStatus = paymentStatus
        self.paymentIntentID = paymentIntentID
    }
}

public struct RefundRecord: Sendable, Equatable {
    public let id: String
    /// pending, requires_action, succeeded, failed or canceled.
    public let status: String

    public init(id: String, status: String) {
        self.id = id
        self.status = status
    }
}

/// One Stripe event, reduced to what the deposit rules read. The object is a PaymentIntent, a
/// Charge (`charge.refunded`) or a Checkout Session; `intentID` is the intent it concerns
/// (a charge's `payment_intent`, a session's `payment_intent`), `bookingID` comes from the
/// object's `metadata[booking_id]` when present.
public struct PaymentEvent: Sendable, Equatable {
    public let id: String
    public let type: String
    public let created: Timestamp
    public let intentID: String?
    public let checkoutSessionID: String?
    public let bookingID: UUID?
    /// Checkout sessions only: paid, unpaid or no_payment_required.
    public let paymentStatus: String?

    public init(id: String, type: String, created: Timestamp, intentID: String?, checkoutSessionID: String?, bookingID: UUID?,
                paymentStatus: String?) {
        self.id = id
        self.type = type
        self.created = created
        self.intentID = intentID
        self.checkoutSessionID = checkoutSessionID
        self.bookingID = bookingID
        self.paymentStatus = paymentStatus
    }
}
