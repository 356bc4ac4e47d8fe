import ArtisanCore
import ArtisanIntegrations
import HTTPTypes
import Hummingbird

/// `POST /webhooks/stripe`: the raw body verified exactly as `webhooks stripe` does, each event
/// applied once (a redelivery is acknowledged), whichever server instance receives it.
struct WebhookRoutes {
    let environment: ServerEnvironment

    func stripe(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let payload = try await JSONBody.rawBody(request, context: context)
        guard let secret = environment.settings.stripeWebhookSecret else {
            throw APIError.internalError("STRIPE_WEBHOOK_SECRET is not set: Stripe's webhooks cannot be verified")
        }
        guard let header = request.headers[HTTPField.Name("Stripe-Signature")!] else {
            throw APIError(status: .badRequest, code: "WEBHOOK_SIGNATURE_INVALID", message: "Stripe-Signature refused: the header is missing")
        }
        try StripeSignature.verify(header: header, payload: payload, secret: secret, now: environment.clock.now())
        let event = try StripeEvent.decode(payload)
        let outcome = try await environment.run { services, _ in try PaymentService(services).receive(event, via: .webhook) }
        struct Received: Encodable { let received: Bool; let result: String }
        return JSONBody.response(Received(received: true, result: outcome.result.rawValue))
    }
}
