/// What one `payments sync` did, and how it ended.
public struct PaymentSyncReport: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case ok
        /// Worth trying again later (exit 75): Stripe unreachable, rate limited, a server error.
        case temporary
        /// Only new credentials help (exit 77): the secret key refused.
        case refused
    }

    /// Events read from Stripe's list.
    public var eventsRead = 0
    /// Of those, applied now (the webhook had missed them).
    public var eventsApplied = 0
    /// PaymentIntents and Checkout Sessions created for bookings that had none.
    public var requested = 0
    /// Bookings cancelled because their deposit was not paid in time.
    public var released = 0
    public var refunded = 0
    public var outcome = Outcome.ok
    public var messages: [String] = []

    public init() {}

    mutating func fail(_ error: any Error) {
        let refused = (error as? ArtisanError)?.kind == .permission
        if outcome == .ok || refused { outcome = refused ? .refused : .temporary }
        messages.append(ArtisanError.describe(error))
    }

    mutating func note(_ message: String) {
        if outcome == .ok { outcome = .temporary }
        messages.append(message)
    }

    /// The command's failure: refused credentials (77), else something to retry (75); nil when all went well.
    public var failure: ArtisanError? {
        switch outcome {
        case .ok: nil
        case .refused: ArtisanError(.permission, code: "PAYMENT_AUTH_FAILED", messages.first ?? "Stripe refused the secret key",
                                    hint: "check STRIPE_SECRET_KEY")
        case .temporary: ArtisanError(.temporary, code: "PAYMENT_SYNC_INCOMPLETE", messages.first ?? "the payments sync did not finish",
                                      hint: "the next run tries again")
        }
    }
}
