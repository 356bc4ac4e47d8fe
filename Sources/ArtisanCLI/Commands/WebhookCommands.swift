import ArtisanCore
import ArtisanIntegrations

/// `webhooks stripe`: one Stripe event, verified, applied once. `serve` runs the same code over HTTP.
enum WebhookCommands {
    static let command = Command(
        "webhooks", abstract: "Receive a provider's webhook event",
        subcommands: [stripe]
    )

    static let stripe = Command(
        "stripe", abstract: "Verify and apply one Stripe event (the raw body on stdin or from --payload-file)",
        discussion: """
            The Stripe-Signature header is checked as Stripe documents it: HMAC-SHA256 of "<t>.<raw body>" with \
            STRIPE_WEBHOOK_SECRET, any v1 entry, a timestamp within 300 seconds of now. A bad or stale signature \
            exits 77 and writes nothing. Each event id is applied once (a replay is a no-op), and a late event \
            never moves a deposit backwards; event types we do not act on are acknowledged.
            """,
        flags: [
            Flag("signature", value: "HEADER", help: "The Stripe-Signature header's value"),
            Flag("payload-file", value: "FILE", help: "The raw request body (default: stdin)", completion: .file),
        ],
        examples: ["webhooks stripe --signature \"$HTTP_STRIPE_SIGNATURE\" < body.json"],
        run: { invocation, context in
            guard let header = invocation.value("signature") else { throw ArtisanError.usage("webhooks stripe needs --signature HEADER") }
            guard let secret = context.environment["STRIPE_WEBHOOK_SECRET"], !secret.isEmpty else {
                throw ArtisanError.configuration("STRIPE_WEBHOOK_SECRET must be set to verify Stripe's webhooks")
            }
            let payload = try InputFile.read(invocation.value("payload-file") ?? "-", field: "--payload-file", what: "a Stripe event", limit: 1 << 20)
            try StripeSignature.verify(header: header, payload: payload, secret: secret, now: context.clock.now())
            let event = try StripeEvent.decode(payload)
            let outcome = try context.withServices { try $0.payments.receive(event, via: .webhook) }
            struct Record: Encodable { let event: String; let type: String; let result: String; let booking: String?; let depositStatus: String? }
            let record = Record(event: event.id, type: event.type, result: outcome.result.rawValue, booking: outcome.bookingCode,
                                depositStatus: outcome.depositStatus?.rawValue)
            if context.options.output == .table {
                if !context.options.quiet {
                    let target = [record.booking, record.depositStatus].compactMap { $0 }.joined(separator: " deposit ")
                    context.stdout.line("\(record.event) \(record.type): \(record.result)\(target.isEmpty ? "" : " (\(target))")")
                }
            } else {
                try OutputWriter(context: context).writeJSON(record)
            }
            for note in outcome.notes { context.note("note: \(note)") }
        }
    )
}
