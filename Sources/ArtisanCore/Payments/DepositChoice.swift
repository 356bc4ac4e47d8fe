/// How the deposit of a new booking is to be paid, as asked at booking time.
public enum DepositChoice: Sendable, Equatable {
    /// Online through Stripe when it is configured (a PaymentIntent for the web front), else unpaid until paid in person.
    case automatic
    /// A Stripe Checkout link, for a booking taken by phone.
    case payLink
    /// Already paid in person (cash, card terminal).
    case paidInPerson
    /// Not asked for.
    case waived

    /// The new booking's deposit status and collection, decided at `now`. `note` says why a deposit
    /// is waived that was not asked to be.
    func plan(deposit: Money, stripe: Bool, settings: SchedulingSettings, now: Timestamp) throws
        -> (status: Booking.DepositStatus, payment: DepositPayment, note: String?) {
        if self == .waived { return (.waived, DepositPayment(), nil) }
        if deposit.cents == 0 { return (.waived, DepositPayment(), self == .payLink ? "the deposit is 0.00 €: no pay link needed" : nil) }
        if self == .paidInPerson { return (.captured, DepositPayment(provider: .manual, method: .inPerson), nil) }
        if self == .payLink && !stripe {
            throw ArtisanError.configuration("--pay-link needs Stripe: set STRIPE_SECRET_KEY")
        }
        guard stripe else { return (.pending, DepositPayment(), nil) }
        guard deposit.cents >= DepositCharge.stripeMinimumCents else {
            return (.waived, DepositPayment(), "the deposit of \(deposit) € is below Stripe's minimum charge of 0.50 €: waived")
        }
        let holdMinutes = self == .payLink ? settings.payLinkHoldHours * 60 : settings.paymentHoldMinutes
        return (.pending, DepositPayment(provider: .stripe, method: self == .payLink ? .checkoutSession : .paymentIntent,
                                         holdUntil: holdMinutes == 0 ? nil : now.adding(minutes: holdMinutes)), nil)
    }
}
