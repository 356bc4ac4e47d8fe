import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing

/// The Stripe client against Tests/Fixtures/fake_stripe.py: what each request sends (read back
/// from the fake's log), idempotent replays, every failure mapped to its kind, events paging,
/// Checkout Sessions, cancellation and refunds.
@Suite("Stripe client")
struct StripeClientTests {
    typealias T = StripeTestData

    static func started() throws -> StripeFake {
        let fake = try StripeFake()
        try fake.control(["now": T.unix()])
        return fake
    }

    // MARK: - PaymentIntents

    @Test("a PaymentIntent is created with a form Stripe reads back field by field, the key as Bearer and the charge's idempotency key")
    func createIntent() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let intent = try T.client(fake).createIntent(T.charge())
        #expect(intent.id.hasPrefix("pi_"))
        #expect(intent.status == "requires_payment_method")
        #expect(intent.amountCents == 4500)
        #expect(intent.clientSecret?.hasPrefix(intent.id + "_secret_") == true)

        let requests = try fake.requests()
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST" && request.path == "/v1/payment_intents")
        #expect(request.authorization == "Bearer ***")
        #expect(request.idempotencyKey == "deposit-0b9d1c8e")
        #expect(request.field("amount") == "4500")
        #expect(request.field("currency") == "eur")
        #expect(request.field("automatic_payment_methods", "enabled") == "true")
        #expect(request.field("description") == T.description)
        #expect(request.field("metadata", "booking_id") == "0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f")
        #expect(request.field("metadata", "public_code") == "AC-7K2Q")
        #expect(request.formKeys == ["amount", "currency", "automatic_payment_methods", "description", "metadata"])

        #expect(try T.client(fake).intent(intent.id) == intent)
    }

    @Test("the same charge twice replays the first answer: one intent at Stripe, the same id; other parameters with that key are refused")
    func idempotentReplay() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let first = try client.createIntent(T.charge())
        let again = try client.createIntent(T.charge())
        #expect(again == first)
        #expect(try fake.intents().count == 1)
        #expect(try fake.requests(path: "/v1/payment_intents").map(\.idempotencyKey) == ["deposit-0b9d1c8e", "deposit-0b9d1c8e"])

        let other = #expect(throws: ArtisanError.self) { try client.createIntent(T.charge(amount: 9900)) }
        #expect(other?.kind == .invalid)
        #expect(other?.code == "PAYMENT_REFUSED")
        #expect(other?.message.contains("idempotency_error") == true)
        #expect(try fake.intents().count == 1)
    }

    @Test("an answer lost on the way back is .unavailable; the retry with the same key finds the intent Stripe made, not a second one")
    func lostAnswer() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/v1/payment_intents", "method": "POST", "lose": true]]])
        let client = T.client(fake)
        let lost = #expect(throws: ArtisanError.self) { try client.createIntent(T.charge()) }
        #expect(lost?.kind == .unavailable)
        #expect(lost?.code == "PAYMENT_PROVIDER_UNAVAILABLE")
        let made = try fake.intents()
        #expect(made.count == 1)

        let retried = try client.createIntent(T.charge())
        #expect(made.keys.first == retried.id)
        #expect(try fake.intents().count == 1)
    }

    @Test("a refused key is .permission PAYMENT_AUTH_FAILED, and neither the message nor the hint carries the key")
    func wrongKey() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let key = "sk_test_wrong_0123456789abcdef"
        let error = #expect(throws: ArtisanError.self) { try T.client(fake, key: key).createIntent(T.charge()) }
        #expect(error?.kind == .permission)
        #expect(error?.code == "PAYMENT_AUTH_FAILED")
        #expect(error?.message.contains("401") == true)
        #expect(error.map { !"\($0.message) \($0.hint ?? "")".contains(key) && !$0.message.contains("sk_test") } == true)
        #expect(try fake.intents().isEmpty)
    }

    @Test("a declined card (402) and an amount below Stripe's minimum (400) are .invalid PAYMENT_REFUSED with Stripe's code and message")
    func refused() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/v1/payment_intents", "status": 402, "code": "card_declined"]]])
        let declined = #expect(throws: ArtisanError.self) { try T.client(fake).createIntent(T.charge()) }
        #expect(declined?.kind == .invalid)
        #expect(declined?.code == "PAYMENT_REFUSED")
        #expect(declined?.message.contains("HTTP 402, card_declined") == true)

        let small = #expect(throws: ArtisanError.self) { try T.client(fake).createIntent(T.charge(amount: 49, key: "deposit-small")) }
        #expect(small?.kind == .invalid)
        #expect(small?.message.contains("amount_too_small") == true)
        #expect(try fake.intents().isEmpty)
    }

    @Test("a Stripe error code that is not a short word, and a message quoting a key or a client secret, are not passed on")
    func hostileErrorBody() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let body = #"{"error":{"type":"card_error","code":"pi_123_secret_abc\nINJECTED","#
            + #""message":"No such key sk_test_artisan;\u001b[31m pi_9_secret_zz\nnext"}}"#
        try fake.control(["fail": [["path": "/v1/payment_intents", "status": 400, "body": body]]])
        let error = #expect(throws: ArtisanError.self) { try T.client(fake).createIntent(T.charge()) }
        #expect(error?.kind == .invalid)
        let message = error?.message ?? ""
        #expect(!message.contains("secret") && !message.contains("sk_test") && !message.contains("INJECTED"))
        #expect(!message.contains("\n") && !message.contains("\u{1b}"))
        #expect(message.contains("HTTP 400, card_error"))
    }

    @Test("an unknown intent is .notFound PAYMENT_NOT_FOUND; an empty id asks Stripe nothing")
    func notFound() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let missing = #expect(throws: ArtisanError.self) { try client.intent("pi_doesnotexist000000000000") }
        #expect(missing?.kind == .notFound)
        #expect(missing?.code == "PAYMENT_NOT_FOUND")
        #expect(try fake.requests().map(\.path) == ["/v1/payment_intents/pi_doesnotexist000000000000"])
        let empty = #expect(throws: ArtisanError.self) { try client.checkout("") }
        #expect(empty?.kind == .notFound)
        #expect(try fake.requests().count == 1)
    }

    @Test("an id with a slash, a query or spaces stays one percent-encoded path segment")
    func hostileID() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let error = #expect(throws: ArtisanError.self) { try T.client(fake).intent("pi_1/../../v1/refunds?x=1 #") }
        #expect(error?.kind == .notFound)
        #expect(try fake.requests().map(\.path) == ["/v1/payment_intents/pi_1%2F..%2F..%2Fv1%2Frefunds%3Fx%3D1%20%23"])
    }

    // MARK: - Failures

    @Test("429 with Retry-After is waited out as asked, then the intent is created once")
    func rateLimited() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/v1/payment_intents", "status": 429, "retryAfter": 2]]])
        let waits = StripeWaitRecorder()
        let intent = try T.client(fake, waits: waits).createIntent(T.charge())
        #expect(waits.values == [2])
        #expect(try fake.requests(path: "/v1/payment_intents").count == 2)
        #expect(try Array(fake.intents().keys) == [intent.id])
    }

    @Test("a 500 on every try is .temporary PAYMENT_PROVIDER_UNAVAILABLE after three tries, nothing created")
    func serverError() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/v1/payment_intents", "status": 500, "times": -1]]])
        let waits = StripeWaitRecorder()
        let error = #expect(throws: ArtisanError.self) { try T.client(fake, waits: waits).createIntent(T.charge()) }
        #expect(error?.kind == .temporary)
        #expect(error?.code == "PAYMENT_PROVIDER_UNAVAILABLE")
        #expect(error?.message.contains("500") == true)
        #expect(try fake.requests(path: "/v1/payment_intents").count == 3)
        #expect(waits.values.count == 2)
        #expect(try fake.intents().isEmpty)
    }

    @Test("a request that hangs beyond the timeout is .unavailable (three tries of one second), the key not in the message")
    func hung() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let intent = try T.client(fake).createIntent(T.charge())
        try fake.control(["fail": [["path": "/v1/payment_intents/", "hang": 5, "times": -1]]])
        let error = #expect(throws: ArtisanError.self) { try T.client(fake, requestTimeout: 1).intent(intent.id) }
        #expect(error?.kind == .unavailable)
        #expect(error?.code == "PAYMENT_PROVIDER_UNAVAILABLE")
        #expect(error?.message.contains("no answer within 1 s") == true)
        #expect(error.map { !$0.message.contains(StripeFake.secretKey) } == true)
        #expect(try fake.requests(path: "/v1/payment_intents/").count == 3)
    }

    @Test("no server at all is .unavailable; a 200 that is not JSON is .temporary")
    func unreachableAndMalformed() throws {
        let nowhere = StripeClient(transport: CurlTransport(), secretKey: StripeFake.secretKey, apiBase: "http://127.0.0.1:1", requestTimeout: 2)
        let unreachable = #expect(throws: ArtisanError.self) { try nowhere.events(createdSince: T.now) }
        #expect(unreachable?.kind == .unavailable)

        let fake = try Self.started()
        defer { fake.stop() }
        try fake.control(["fail": [["path": "/v1/events", "malformed": true]]])
        let malformed = #expect(throws: ArtisanError.self) { try T.client(fake).events(createdSince: T.now) }
        #expect(malformed?.kind == .temporary)
        #expect(malformed?.message.contains("malformed") == true)
    }

    // MARK: - Events

    @Test("205 events come back from three pages of 100, oldest first, each page asked after the oldest event of the one before")
    func eventsPaging() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let intent = try T.client(fake).createIntent(T.charge())
        var made: [String] = []
        for second in 0..<205 {
            made += try fake.control(["now": T.unix(Int64(second / 2)), "pay": ["intent": intent.id, "outcome": "failed"]])
        }
        #expect(made.count == 205)
        let events = try T.client(fake).events(createdSince: T.now)
        #expect(events.map(\.id) == made)
        #expect(events.allSatisfy { $0.type == "payment_intent.payment_failed" && $0.intentID == intent.id && $0.bookingID == T.bookingID })
        #expect(events.map(\.created) == events.map(\.created).sorted())

        let pages = try fake.requests(path: "/v1/events")
        #expect(pages.count == 3)
        #expect(pages.allSatisfy { $0.parameter("limit") == "100" && $0.parameter("created[gte]") == String(T.unix()) })
        #expect(pages.map { $0.parameter("starting_after") } == [nil, made[105], made[5]])
    }

    @Test("only events created at or after the given instant are listed: the boundary second included")
    func eventsSince() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let first = try client.createIntent(T.charge(key: "deposit-a"))
        let second = try client.createIntent(T.charge(key: "deposit-b"))
        let old = try fake.control(["now": T.unix(-3600), "pay": ["intent": first.id, "outcome": "failed"]])
        let boundary = try fake.control(["now": T.unix(), "pay": ["intent": second.id, "outcome": "requires_capture"]])
        let later = try fake.control(["now": T.unix(90), "pay": ["intent": first.id, "outcome": "succeeded"]])
        #expect(old.count == 1 && boundary.count == 1 && !later.isEmpty)

        let events = try client.events(createdSince: T.now)
        #expect(events.map(\.id) == boundary + later)
        #expect(events.first?.type == "payment_intent.amount_capturable_updated")
        #expect(events.first?.created == T.now)
        #expect(events.contains { $0.type == "payment_intent.succeeded" && $0.intentID == first.id })
        #expect(try client.events(createdSince: T.now.adding(seconds: 91)).isEmpty)
        #expect(try client.events(createdSince: T.now.adding(seconds: -7200)).count == events.count + 1)
    }

    @Test("a failure on the second page of events fails the whole listing: nothing partial is returned")
    func eventsFailureMidway() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let intent = try T.client(fake).createIntent(T.charge())
        for _ in 0..<101 { try fake.control(["pay": ["intent": intent.id, "outcome": "failed"]]) }
        try fake.control(["fail": [["path": "/v1/events", "pass": true], ["path": "/v1/events", "status": 503, "times": -1]]])
        let error = #expect(throws: ArtisanError.self) { try T.client(fake).events(createdSince: T.now) }
        #expect(error?.kind == .temporary)
        let pages = try fake.requests(path: "/v1/events")
        #expect(pages.count == 4)
        #expect(pages[0].parameter("starting_after") == nil && pages[1].parameter("starting_after") != nil)
    }

    // MARK: - Checkout

    @Test("a Checkout Session is created with one line item, the success URL, both metadata, the booking as reference and the expiry")
    func createCheckout() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let session = try client.createCheckout(T.charge(), expiresAt: T.now.adding(minutes: 60))
        #expect(session.id.hasPrefix("cs_"))
        #expect(session.url?.hasSuffix("/pay/" + session.id) == true)
        #expect(session.status == "open" && session.paymentStatus == "unpaid" && session.paymentIntentID == nil)

        let request = try #require(try fake.requests(path: "/v1/checkout/sessions").first)
        #expect(request.method == "POST" && request.idempotencyKey == "deposit-0b9d1c8e")
        #expect(request.field("mode") == "payment")
        #expect(request.field("line_items", "0", "price_data", "currency") == "eur")
        #expect(request.field("line_items", "0", "price_data", "unit_amount") == "4500")
        #expect(request.field("line_items", "0", "price_data", "product_data", "name") == T.description)
        #expect(request.field("line_items", "0", "quantity") == "1")
        #expect(request.field("success_url") == "https://app.example.com/bookings/AC-7K2Q?paid=1&lang=fr")
        #expect(request.field("metadata", "booking_id") == "0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f")
        #expect(request.field("metadata", "public_code") == "AC-7K2Q")
        #expect(request.field("payment_intent_data", "metadata", "booking_id") == "0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f")
        #expect(request.field("payment_intent_data", "metadata", "public_code") == "AC-7K2Q")
        #expect(request.field("client_reference_id") == "0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f")
        #expect(request.field("expires_at") == String(T.unix(3600)))
        #expect(try client.checkout(session.id) == session)
    }

    @Test("a charge without a success URL is refused before asking Stripe; an expiry Stripe refuses is .invalid")
    func checkoutRefusals() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let noURL = #expect(throws: ArtisanError.self) { try client.createCheckout(T.charge(successURL: nil), expiresAt: T.now.adding(minutes: 60)) }
        #expect(noURL?.kind == .invalid)
        #expect(try fake.requests().isEmpty)
        let tooSoon = #expect(throws: ArtisanError.self) { try client.createCheckout(T.charge(), expiresAt: T.now.adding(minutes: 5)) }
        #expect(tooSoon?.kind == .invalid && tooSoon?.code == "PAYMENT_REFUSED")
        #expect(try fake.sessions().isEmpty)
    }

    @Test("an open session is expired; expiring it again is not an error; a session already paid is .invalid and stays paid")
    func expireCheckout() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let open = try client.createCheckout(T.charge(key: "deposit-open"), expiresAt: T.now.adding(minutes: 60))
        try client.expireCheckout(open.id)
        #expect(try client.checkout(open.id).status == "expired")
        try client.expireCheckout(open.id)
        let expiries = try fake.requests(path: "/expire")
        #expect(expiries.count == 2)
        #expect(expiries.allSatisfy { $0.idempotencyKey == expiries[0].idempotencyKey && $0.idempotencyKey?.contains(open.id) == true })

        let paid = try client.createCheckout(T.charge(key: "deposit-paid"), expiresAt: T.now.adding(minutes: 60))
        try fake.control(["completeCheckout": paid.id])
        let refused = #expect(throws: ArtisanError.self) { try client.expireCheckout(paid.id) }
        #expect(refused?.kind == .invalid && refused?.message.contains("already paid") == true)
        let after = try client.checkout(paid.id)
        #expect(after.status == "complete" && after.paymentStatus == "paid")
        #expect(after.paymentIntentID?.hasPrefix("pi_") == true)

        let unknown = #expect(throws: ArtisanError.self) { try client.expireCheckout("cs_test_unknown") }
        #expect(unknown?.kind == .notFound)
    }

    @Test("a completed Checkout Session shows up in the events: the intent paid, then the session, both tied to the booking")
    func checkoutEvents() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let session = try client.createCheckout(T.charge(), expiresAt: T.now.adding(minutes: 60))
        try fake.control(["completeCheckout": session.id])
        let intentID = try client.checkout(session.id).paymentIntentID
        let events = try client.events(createdSince: T.now)
        #expect(events.map(\.type) == ["payment_intent.succeeded", "checkout.session.completed"])
        #expect(events.allSatisfy { $0.intentID == intentID && $0.bookingID == T.bookingID })
        #expect(events.map(\.checkoutSessionID) == [nil, session.id])
        #expect(events.map(\.paymentStatus) == [nil, "paid"])
    }

    // MARK: - Cancel and refund

    @Test("cancelling an unpaid intent cancels it; cancelling it again is fine; a paid one is .invalid, already paid")
    func cancel() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let unpaid = try client.createIntent(T.charge(key: "deposit-unpaid"))
        try client.cancelIntent(unpaid.id, idempotencyKey: "cancel-1")
        #expect(try client.intent(unpaid.id).status == "canceled")
        try client.cancelIntent(unpaid.id, idempotencyKey: "cancel-2")
        #expect(try fake.requests(path: "/cancel").map(\.idempotencyKey) == ["cancel-1", "cancel-2"])

        let paid = try client.createIntent(T.charge(key: "deposit-paid"))
        try fake.control(["pay": ["intent": paid.id, "outcome": "succeeded"]])
        let error = #expect(throws: ArtisanError.self) { try client.cancelIntent(paid.id, idempotencyKey: "cancel-3") }
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("already paid") == true)
        #expect(try client.intent(paid.id).status == "succeeded")

        let events = try client.events(createdSince: T.now)
        #expect(events.filter { $0.type == "payment_intent.canceled" }.map(\.intentID) == [unpaid.id])
    }

    @Test("a paid intent is refunded once: the same key replays the refund, another key is refused as already refunded")
    func refund() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let intent = try client.createIntent(T.charge())
        try fake.control(["pay": ["intent": intent.id, "outcome": "succeeded"]])
        let refund = try client.refund(intent: intent.id, idempotencyKey: "refund-0b9d1c8e")
        #expect(refund.id.hasPrefix("re_") && refund.status == "succeeded")
        #expect(try client.refund(intent: intent.id, idempotencyKey: "refund-0b9d1c8e") == refund)
        #expect(try fake.refunds().count == 1)

        let request = try #require(try fake.requests(path: "/v1/refunds").first)
        #expect(request.field("payment_intent") == intent.id && request.field("reason") == "requested_by_customer")
        #expect(request.idempotencyKey == "refund-0b9d1c8e")

        let again = #expect(throws: ArtisanError.self) { try client.refund(intent: intent.id, idempotencyKey: "refund-other") }
        #expect(again?.kind == .invalid)
        #expect(again?.message.contains("charge_already_refunded") == true)

        let refunded = try client.events(createdSince: T.now).filter { $0.type == "charge.refunded" }
        #expect(refunded.count == 1)
        #expect(refunded.first?.intentID == intent.id && refunded.first?.bookingID == T.bookingID)
    }

    @Test("refunding an intent never paid is .invalid")
    func refundUnpaid() throws {
        let fake = try Self.started()
        defer { fake.stop() }
        let client = T.client(fake)
        let intent = try client.createIntent(T.charge())
        let error = #expect(throws: ArtisanError.self) { try client.refund(intent: intent.id, idempotencyKey: "refund-x") }
        #expect(error?.kind == .invalid)
        #expect(try fake.refunds().isEmpty)
    }
}
