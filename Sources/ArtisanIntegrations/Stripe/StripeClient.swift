import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The deposit's payment processor over Stripe's REST API: form-encoded requests, JSON answers,
/// an `Idempotency-Key` on every request that creates or changes something, so that repeating a
/// call whose answer was lost replays Stripe's first answer instead of charging twice.
/// Failures are `ArtisanError`s as `StripeAnswer` maps them.
public struct StripeClient: PaymentProvider {
    /// The API version whose shapes this client reads, whatever the account's default becomes.
    static let apiVersion = "2024-06-20"

    private let transport: any HTTPTransport
    private let secretKey: String
    private let apiBase: String
    private let requestTimeout: Int
    private let answer: StripeAnswer

    /// - Parameter requestTimeout: seconds for each HTTP exchange.
    public init(transport: any HTTPTransport, secretKey: String, apiBase: String = "https://api.stripe.com", requestTimeout: Int) {
        self.transport = transport
        self.secretKey = secretKey
        var base = apiBase
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBase = base
        self.requestTimeout = requestTimeout
        answer = StripeAnswer(secretKey: secretKey)
    }

    // MARK: - PaymentIntents

    public func createIntent(_ charge: DepositCharge) throws -> PaymentIntentRecord {
        var form = StripeForm()
        form.add("amount", charge.amountCents)
        form.add("currency", charge.currency)
        form.add("automatic_payment_methods[enabled]", "true")
        form.add("description", charge.description)
        form.addMetadata(of: charge, under: "metadata")
        let what = "the payment intent creation"
        let response = try post("/v1/payment_intents", form: form, idempotencyKey: charge.idempotencyKey, what: what)
        return try decode(StripeWire.PaymentIntent.self, response, what: what).record
    }

    public func intent(_ id: String) throws -> PaymentIntentRecord {
        let what = "the payment intent lookup"
        let response = try get(try path("/v1/payment_intents", id), what: what)
        return try decode(StripeWire.PaymentIntent.self, response, what: what).record
    }

    /// Stripe answers 400 `payment_intent_unexpected_state` both for an intent already cancelled
    /// (fine) and for one already paid (not): the intent is read to tell them apart.
    public func cancelIntent(_ id: String, idempotencyKey: String) throws {
        let what = "the payment intent cancellation"
        let response = try send("POST", try path("/v1/payment_intents", id, "cancel"), form: StripeForm(), idempotencyKey: idempotencyKey, what: what)
        if response.status == 400, StripeWire.ErrorBody.parse(response.body)?.code == "payment_intent_unexpected_state" {
            let current = try intent(id)
            if current.status == "canceled" { return }
            if current.status == "succeeded" {
                throw ArtisanError(.invalid, code: "PAYMENT_REFUSED", "Stripe cannot cancel the payment intent: it is already paid")
            }
        }
        try check(response, what: what)
    }

    // MARK: - Checkout Sessions

    public func createCheckout(_ charge: DepositCharge, expiresAt: Timestamp) throws -> CheckoutRecord {
        guard let successURL = charge.successURL, !successURL.isEmpty else {
            throw ArtisanError.invalid(field: "successURL", "a Checkout Session needs the page Stripe sends the customer to after paying")
        }
        var form = StripeForm()
        form.add("mode", "payment")
        form.add("line_items[0][price_data][currency]", charge.currency)
        form.add("line_items[0][price_data][unit_amount]", charge.amountCents)
        form.add("line_items[0][price_data][product_data][name]", charge.description)
        form.add("line_items[0][quantity]", 1)
        form.add("success_url", successURL)
        form.addMetadata(of: charge, under: "metadata")
        form.addMetadata(of: charge, under: "payment_intent_data[metadata]")
        form.add("client_reference_id", charge.bookingID.lowercasedText)
        form.add("expires_at", String(expiresAt.secondsSinceEpoch))
        let what = "the checkout session creation"
        let response = try post("/v1/checkout/sessions", form: form, idempotencyKey: charge.idempotencyKey, what: what)
        return try decode(StripeWire.CheckoutSession.self, response, what: what).record
    }

    public func checkout(_ id: String) throws -> CheckoutRecord {
        let what = "the checkout session lookup"
        let response = try get(try path("/v1/checkout/sessions", id), what: what)
        return try decode(StripeWire.CheckoutSession.self, response, what: what).record
    }

    /// Stripe expires open sessions only; its 400 for any other is success once the session is
    /// read back as no longer open.
    public func expireCheckout(_ id: String) throws {
        let what = "the checkout session expiry"
        let url = try path("/v1/checkout/sessions", id, "expire")
        let response = try send("POST", url, form: StripeForm(), idempotencyKey: "expire-" + id, what: what)
        if response.status == 400 {
            let current = try checkout(id)
            if current.paymentStatus == "paid" {
                throw ArtisanError(.invalid, code: "PAYMENT_REFUSED", "Stripe cannot expire the checkout session: it is already paid")
            }
            if current.status != "open" { return }
        }
        try check(response, what: what)
    }

    // MARK: - Refunds

    public func refund(intent: String, idempotencyKey: String) throws -> RefundRecord {
        var form = StripeForm()
        form.add("payment_intent", intent)
        form.add("reason", "requested_by_customer")
        let what = "the refund"
        let response = try post("/v1/refunds", form: form, idempotencyKey: idempotencyKey, what: what)
        return try decode(StripeWire.Refund.self, response, what: what).record
    }

    // MARK: - Events

    /// Stripe lists newest first: pages are followed down with `starting_after` = the oldest
    /// event of the page, and the whole list is turned around at the end.
    public func events(createdSince since: Timestamp) throws -> [PaymentEvent] {
        let what = "the event listing"
        var events: [PaymentEvent] = []
        var cursor: String?
        var seen: Set<String> = []
        while true {
            var query = [("limit", "100"), ("created[gte]", String(since.secondsSinceEpoch))]
            if let cursor { query.append(("starting_after", cursor)) }
            let response = try get("/v1/events?" + URLEncoding.form(query), what: what)
            let page = try decode(StripeWire.EventList.self, response, what: what)
            for wire in page.data {
                guard let event = try? wire.event() else { throw StripeAnswer.malformed(response, what: what) }
                events.append(event)
            }
            guard page.has_more else { return events.reversed() }
            // A page that says there is more but moves the cursor nowhere would be asked for forever.
            guard let last = events.last?.id, seen.insert(last).inserted else {
                throw ArtisanError(.temporary, code: StripeAnswer.unavailableCode, "Stripe repeated a page of \(what): the listing was abandoned")
            }
            cursor = last
        }
    }

    // MARK: - Requests

    /// `base/segment/…` with each segment (an id from outside) percent-encoded; an empty id names no object.
    private func path(_ collection: String, _ id: String, _ action: String? = nil) throws -> String {
        guard !id.isEmpty else { throw ArtisanError.notFound(code: "PAYMENT_NOT_FOUND", "Stripe has no object with an empty id") }
        return collection + "/" + URLEncoding.percentEncoded(id) + (action.map { "/" + $0 } ?? "")
    }

    private func get(_ path: String, what: String) throws -> HTTPResponse {
        let response = try send("GET", path, form: nil, idempotencyKey: nil, what: what)
        try check(response, what: what)
        return response
    }

    private func post(_ path: String, form: StripeForm, idempotencyKey: String, what: String) throws -> HTTPResponse {
        let response = try send("POST", path, form: form, idempotencyKey: idempotencyKey, what: what)
        try check(response, what: what)
        return response
    }

    /// The exchange itself; the answer is returned whatever its status.
    private func send(_ method: String, _ path: String, form: StripeForm?, idempotencyKey: String?, what: String) throws -> HTTPResponse {
        var headers = [("Authorization", "Bearer " + secretKey), ("Accept", "application/json"), ("Stripe-Version", Self.apiVersion)]
        if form != nil { headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let request = HTTPRequest(method: method, url: apiBase + path, headers: headers, body: form?.body, timeout: requestTimeout)
        do {
            return try transport.send(request)
        } catch let error as HTTPError {
            throw answer.unreachable(error, what: what, timeout: requestTimeout)
        }
    }

    private func check(_ response: HTTPResponse, what: String) throws {
        guard !(200..<300).contains(response.status) else { return }
        throw answer.failure(response, what: what)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw StripeAnswer.malformed(response, what: what)
        }
    }
}
