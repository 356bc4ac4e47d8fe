#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The deposit use cases (spec 5.1): what Stripe is asked to collect, the events it sends back
/// applied once and forward only, refunds, and payments in person. Stripe is called outside any
/// transaction, with idempotency keys from our booking ids, and what it answers is stored in a
/// transaction of its own: a booking never waits on Stripe, and a retry never charges twice.
public struct PaymentService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    func gateway() throws -> PaymentGateway {
        guard let gateway = context.payments else {
            throw ArtisanError.configuration("Stripe is not configured: set STRIPE_SECRET_KEY")
        }
        return gateway
    }

    // MARK: - Reading

    public func show(code: String) throws -> BookingService.Placed {
        try BookingService(context).find(code: code, email: nil)
    }

    /// The client secret the web front confirms the payment with, read from Stripe (never stored).
    public func clientSecret(code: String) throws -> String {
        let gateway = try gateway()
        let booking = try show(code: code).booking
        guard booking.payment.method == .paymentIntent, let intent = booking.payment.intentID else {
            throw ArtisanError(.invalid, code: "NO_ONLINE_PAYMENT", "\(booking.publicCode) has no online payment (PaymentIntent) to confirm")
        }
        guard let secret = try gateway.provider.intent(intent).clientSecret else {
            throw ArtisanError(.unexpected, code: "NO_CLIENT_SECRET", "Stripe returned no client secret for \(booking.publicCode)'s payment")
        }
        return secret
    }

    /// The bookings of `listing`, each with its deposit, chronologically.
    public func list(_ listing: BookingService.Listing, deposit: Booking.DepositStatus?, each: (Booking, ZoneRules) throws -> Void) throws {
        try BookingService(context).list(listing, deposit: deposit, each: each)
    }

    // MARK: - Collecting

    /// Asks Stripe for what the booking's deposit awaits (a PaymentIntent or a Checkout Session)
    /// and stores its id. A failure leaves the booking as it stands, with a note: `payments sync`
    /// creates it later with the same idempotency key.
    func collect(_ placed: BookingService.Placed) -> BookingService.Placed {
        var outcome = placed
        guard placed.booking.payment.awaitsStripe else { return outcome }
        do {
            outcome = try request(placed)
        } catch {
            outcome.notes.append("the deposit could not be requested from Stripe (\(ArtisanError.describe(error))): "
                                 + "the booking stands, and 'artisanctl payments sync' requests it later")
        }
        return outcome
    }

    func request(_ placed: BookingService.Placed) throws -> BookingService.Placed {
        let gateway = try gateway()
        var booking = placed.booking
        let charge = DepositCharge(bookingID: booking.id, publicCode: booking.publicCode, amountCents: booking.deposit.cents,
                                   description: "Deposit for \(booking.serviceName), booking \(booking.publicCode)",
                                   idempotencyKey: PaymentGateway.key(booking.payment.method == .checkoutSession ? "checkout" : "intent", booking),
                                   successURL: gateway.publicBaseURL.map { "\($0)/bookings/\(booking.publicCode)?paid=1" })
        var outcome = placed
        switch booking.payment.method {
        case .checkoutSession:
            guard let expiry = checkoutExpiry(booking) else {
                outcome.notes.append("too late to open a pay link for \(booking.publicCode): its hold ends within 30 minutes")
                return outcome
            }
            let session = try gateway.provider.createCheckout(charge, expiresAt: expiry)
            booking.payment.checkoutSessionID = session.id
            booking.payment.checkoutURL = session.url
        default:
            let intent = try gateway.provider.createIntent(charge)
            booking.payment.intentID = intent.id
            outcome.clientSecret = intent.clientSecret
        }
        let stored = try context.store.transaction { repositories in
            let bookings = repositories.bookings(of: try context.artisan(in: repositories).id)
            guard var current = try bookings.find(id: booking.id, forUpdate: true) else { return booking }
            current.payment.intentID = current.payment.intentID ?? booking.payment.intentID
            current.payment.checkoutSessionID = current.payment.checkoutSessionID ?? booking.payment.checkoutSessionID
            current.payment.checkoutURL = current.payment.checkoutURL ?? booking.payment.checkoutURL
            try bookings.savePayment(current)
            try bookings.recordEvent(current.id, kind: "deposit_requested",
                                     details: ["stripe": booking.payment.intentID ?? booking.payment.checkoutSessionID ?? ""], at: context.clock.now())
            return current
        }
        outcome.booking = stored
        if !stored.status.isActive { withdraw(stored, notes: &outcome.notes) }
        return outcome
    }

    /// When a pay link expires: with its hold, within the 30 minutes to 24 hours Stripe allows.
    /// Derived from stored instants only, so a retry sends the same parameters with the same key.
    /// Nil when no valid expiry is left (the hold ends within 30 minutes).
    func checkoutExpiry(_ booking: Booking) -> Timestamp? {
        let now = context.clock.now()
        let latest = (booking.payment.requestedAt ?? now).adding(minutes: 24 * 60 - 5)
        let expiry = min(booking.payment.holdUntil ?? latest, latest)
        return expiry >= now.adding(minutes: 31) ? expiry : nil
    }

    /// Cancels at Stripe what an unpaid deposit of a cancelled booking could still be paid with;
    /// a failure is a note (a payment made anyway is refunded when its event comes).
    func withdraw(_ booking: Booking, notes: inout [String]) {
        guard booking.payment.provider == .stripe, context.payments != nil else { return }
        do {
            try withdrawRequest(booking)
        } catch {
            notes.append("Stripe could not withdraw \(booking.publicCode)'s payment request (\(ArtisanError.describe(error))); "
                         + "a payment made anyway is refunded")
        }
    }

    /// Cancels the booking's intent or expires its session at Stripe; `.invalid` when it is already paid.
    func withdrawRequest(_ booking: Booking) throws {
        let gateway = try gateway()
        if let intent = booking.payment.intentID, booking.payment.method == .paymentIntent {
            try gateway.provider.cancelIntent(intent, idempotencyKey: PaymentGateway.key("cancel", booking))
        }
        if let session = booking.payment.checkoutSessionID { try gateway.provider.expireCheckout(session) }
    }

    /// Whether Stripe already holds the customer's payment (paid, authorized or being processed),
    /// whatever our records say yet: its event may be late.
    func isPaidAtStripe(_ booking: Booking) throws -> Bool {
        let gateway = try gateway()
        if let intent = booking.payment.intentID {
            return ["succeeded", "requires_capture", "processing"].contains(try gateway.provider.intent(intent).status)
        }
        if let session = booking.payment.checkoutSessionID {
            let checkout = try gateway.provider.checkout(session)
            return checkout.paymentStatus == "paid" || checkout.status == "complete"
        }
        return false
    }

    // MARK: - In person

    /// Records a deposit paid in person (cash, card terminal). An online request is withdrawn at
    /// Stripe first: once it can no longer be paid, the payment in person is the only one; if the
    /// customer has just paid it, nothing is recorded and the online payment stands.
    public func markPaid(code: String) throws -> BookingService.Placed {
        let current = try show(code: code).booking
        if current.payment.provider == .stripe, current.depositStatus.isUnpaid, current.status.isActive {
            do {
                try withdrawRequest(current)
            } catch let error as ArtisanError where error.kind == .invalid {
                throw ArtisanError(.invalid, code: "ALREADY_PAID_ONLINE", "the deposit of \(current.publicCode) has just been paid online: "
                                   + "it is not recorded as paid in person", hint: "'artisanctl payments sync' records the online payment")
            }
        }
        return try context.store.transaction { repositories in
            let scope = try Scope(repositories, context)
            var booking = try scope.booking(code, forUpdate: true)
            guard booking.status.isActive else {
                throw ArtisanError(.invalid, code: "ILLEGAL_STATUS_CHANGE", "booking \(booking.publicCode) is cancelled: its deposit cannot be paid")
            }
            guard booking.depositStatus.isUnpaid || booking.depositStatus == .waived else {
                throw ArtisanError(.invalid, code: "ILLEGAL_STATUS_CHANGE",
                                   "the deposit of \(booking.publicCode) is already \(booking.depositStatus.rawValue)")
            }
            booking.depositStatus = .captured
            booking.payment.provider = .manual
            booking.payment.method = .inPerson
            booking.payment.holdUntil = nil
            try scope.bookings.savePayment(booking)
            try scope.bookings.recordEvent(booking.id, kind: "deposit_captured", details: ["provider": "manual"], at: scope.now)
            return BookingService.Placed(booking: booking, zone: scope.zone)
        }
    }

    // MARK: - Refunds

    /// Refunds a deposit whose refund was decided (`deposit_refund_status = pending`). Nil when
    /// done; else why not, the refund staying pending for `payments sync`.
    func settleRefund(_ booking: Booking, artisan: UUID) -> String? {
        do {
            let gateway = try gateway()
            var intent = booking.payment.intentID
            if intent == nil, let session = booking.payment.checkoutSessionID {
                intent = try gateway.provider.checkout(session).paymentIntentID
            }
            guard let intent else { return "\(booking.publicCode) has no Stripe payment to refund" }
            let refund: RefundRecord?
            do {
                refund = try gateway.provider.refund(intent: intent, idempotencyKey: PaymentGateway.key("refund", booking))
            } catch let error as ArtisanError where error.message.contains("charge_already_refunded") {
                refund = nil
            }
            try context.store.transaction { repositories in
                let bookings = repositories.bookings(of: artisan)
                guard var current = try bookings.find(id: booking.id, forUpdate: true), current.payment.refundStatus == .pending else { return }
                // Stripe's refund statuses: succeeded or pending (on its way) are done; requires_action
                // stays pending (a later run or charge.refunded settles it); failed and canceled are final.
                let status = refund?.status ?? "succeeded"
                guard status != "requires_action" else { return }
                let failed = status == "failed" || status == "canceled"
                current.payment.refundStatus = failed ? .failed : .succeeded
                current.payment.refundID = refund?.id ?? current.payment.refundID
                if !failed, current.depositStatus.advances(to: .refunded) { current.depositStatus = .refunded }
                try bookings.savePayment(current)
                try bookings.recordEvent(current.id, kind: failed ? "deposit_refund_failed" : "deposit_refunded",
                                         details: ["refund": current.payment.refundID ?? ""], at: context.clock.now())
            }
            switch refund?.status {
            case "failed", "canceled": return "Stripe could not refund \(booking.publicCode) (refund \(refund?.status ?? "")): refund it from Stripe's dashboard"
            case "requires_action": return "the refund of \(booking.publicCode) waits for an action at Stripe"
            default: return nil
            }
        } catch {
            return "the refund of \(booking.publicCode) is pending (\(ArtisanError.describe(error))); 'artisanctl payments sync' retries it"
        }
    }
}
