/// The configured payment processor, and where its payment pages send a customer back.
public struct PaymentGateway: Sendable {
    public let provider: any PaymentProvider
    /// The web front's address (PUBLIC_BASE_URL); pay links need it for their success page.
    public let publicBaseURL: String?

    public init(provider: any PaymentProvider, publicBaseURL: String?) {
        self.provider = provider
        self.publicBaseURL = publicBaseURL
    }

    /// Idempotency keys derive from our booking ids: a retry, a crash or a second run reuse them.
    static func key(_ purpose: String, _ booking: Booking) -> String {
        "artisanctl-\(purpose)-\(booking.id.lowercasedText)"
    }
}
