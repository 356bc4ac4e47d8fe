import ArtisanCore
import ArtisanIntegrations

/// Stripe from the environment: STRIPE_SECRET_KEY (none: no online payments), STRIPE_API_BASE
/// (tests point it at a local fake) and PUBLIC_BASE_URL (where a pay link sends the customer back).
enum PaymentGatewayFactory {
    static func isConfigured(_ context: Context) -> Bool { context.environment["STRIPE_SECRET_KEY"]?.isEmpty == false }

    static func gateway(_ context: Context) -> PaymentGateway? {
        guard isConfigured(context), let key = context.environment["STRIPE_SECRET_KEY"] else { return nil }
        let client = StripeClient(transport: ProviderFactory.transport(context), secretKey: key,
                                  apiBase: context.environment["STRIPE_API_BASE"] ?? "https://api.stripe.com", requestTimeout: context.httpTimeout)
        let base = context.environment["PUBLIC_BASE_URL"].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        return PaymentGateway(provider: client, publicBaseURL: base?.isEmpty == false ? base : nil)
    }
}
