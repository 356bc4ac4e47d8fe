import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// One test's world for deposits: the demo catalogue (Coupe femme: 45.50 €, deposit 13.65 €) in
/// a fresh database, the local fake Stripe (Tests/Fixtures/fake_stripe.py) with its clock pinned
/// to ours, and the Stripe variables pointing at it. Every command runs at `now`, which a test
/// moves with `at(_:)`.
final class StripeWorld: @unchecked Sendable {
    static let secretKey = "sk_test_artisan"
    static let webhookSecret = "whsec_artisan_test_0123456789"

    let world: CatalogueWorld
    let stripe: ProviderFake
    private(set) var now: String

    init(now: String = CatalogueWorld.now) throws {
        world = try CatalogueWorld.demo(now: now)
        stripe = try ProviderFake("stripe")
        self.now = now
        try at(now)
    }

    var environment: [String: String] {
        ["STRIPE_SECRET_KEY": Self.secretKey, "STRIPE_API_BASE": stripe.url, "STRIPE_WEBHOOK_SECRET": Self.webhookSecret,
         "PUBLIC_BASE_URL": "https://book.example", "ARTISANCTL_HTTP_TIMEOUT": "2", "ARTISANCTL_NOW": now]
    }

    /// Moves both clocks, ours and the fake's, to `instant`.
    func at(_ instant: String) throws {
        now = instant
        try stripe.control(["now": Self.unix(instant)])
    }

    static func unix(_ instant: String) -> Int {
        Int(ISO8601DateFormatter().date(from: instant)!.timeIntervalSince1970)
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> Binary.Result {
        try world.run(arguments, stdin: stdin, environment: environment.merging(extra) { _, new in new })
    }

    @discardableResult
    func succeed(_ arguments: [String], stdin: String? = nil) throws -> Binary.Result {
        let result = try run(arguments, stdin: stdin)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return result
    }

    /// Books Coupe femme on Tuesday 2026-12-01 at `time`, returning the booking as JSON.
    func book(_ time: String = "10:00", _ extra: [String] = []) throws -> [String: Any] {
        try jsonObject(succeed(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", time, extra) + ["--output", "json"]).stdout)
    }

    func bookCode(_ time: String = "10:00", _ extra: [String] = []) throws -> String {
        try world.code(of: book(time, extra))
    }

    /// The deposit columns of a booking.
    func deposit(_ code: String) throws -> Row {
        try world.connection.query("""
            SELECT status, deposit_payment_status, deposit_payment_provider, deposit_payment_method, deposit_payment_intent_id,
                   deposit_checkout_session_id, deposit_hold_until, deposit_refund_status, deposit_refund_id, id::text AS id
            FROM bookings WHERE public_code = \(code)
            """)[0]
    }

    func depositStatus(_ code: String) throws -> String { try deposit(code).decode("deposit_payment_status") }
    func bookingStatus(_ code: String) throws -> String { try deposit(code).decode("status") }
    func intentID(_ code: String) throws -> String? { try deposit(code).decode("deposit_payment_intent_id", as: String?.self) }

    // MARK: - The fake's state

    var state: [String: Any] { get throws { try stripe.get("/_control") as? [String: Any] ?? [:] } }
    var intents: [String: [String: Any]] { get throws { try state["intents"] as? [String: [String: Any]] ?? [:] } }
    var sessions: [String: [String: Any]] { get throws { try state["sessions"] as? [String: [String: Any]] ?? [:] } }
    var refunds: [[String: Any]] { get throws { try state["refunds"] as? [[String: Any]] ?? [] } }
    var events: [[String: Any]] { get throws { try state["events"] as? [[String: Any]] ?? [] } }
    var requests: [[String: Any]] { get throws { try state["requests"] as? [[String: Any]] ?? [] } }

    /// The fake's requests to paths containing `path` with `method`.
    func requests(_ method: String, _ path: String) throws -> [[String: Any]] {
        try requests.filter { ($0["method"] as? String) == method && (($0["path"] as? String)?.contains(path) ?? false) }
    }

    /// The customer pays `intent` (succeeded, requires_capture or failed); the ids of the events it made.
    @discardableResult
    func pay(_ intent: String, _ outcome: String = "succeeded") throws -> [String] {
        try controlEvents(["pay": ["intent": intent, "outcome": outcome]])
    }

    @discardableResult
    func controlEvents(_ command: [String: Any]) throws -> [String] {
        let body = try JSONSerialization.data(withJSONObject: command)
        let response = try CurlTransport().send(HTTPRequest(method: "POST", url: stripe.url + "/_control",
                                                            headers: [("Content-Type", "application/json")], body: Array(body), timeout: 10))
        guard response.status == 200 else { throw NotJSON(text: "/_control answered \(response.status): \(response.text)") }
        return (try jsonObject(response.text)["events"] as? [String]) ?? []
    }

    /// An event of the fake, by id, as the raw JSON body Stripe would post.
    func payload(_ eventID: String) throws -> String {
        guard let event = try events.first(where: { ($0["id"] as? String) == eventID }) else { throw NotJSON(text: "no event \(eventID)") }
        return String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A Stripe-Signature header made by the official `stripe` package, at `timestamp` (default: now).
    func officialSignature(_ payload: String, secret: String = StripeWorld.webhookSecret, timestamp: Int? = nil) throws -> String {
        let script = FakeServer.fixtures.appendingPathComponent("stripe_signature.py").path
        let result = try Subprocess.run([FakeServer.venvPython, script, "sign", "--secret", secret,
                                         "--timestamp", String(timestamp ?? Self.unix(now))], input: payload)
        guard result.status == 0 else { throw NotJSON(text: "stripe_signature.py: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Delivers event `id` to `webhooks stripe`, signed by the official package.
    @discardableResult
    func deliver(_ eventID: String, _ extra: [String] = []) throws -> Binary.Result {
        let body = try payload(eventID)
        return try run(["webhooks", "stripe", "--signature", try officialSignature(body)] + extra, stdin: body)
    }

    /// Rows of the tables a payment touches, as text: equal snapshots mean nothing was written.
    func paymentState() throws -> [String] {
        try world.bookingState() + world.connection.query("SELECT 's ' || t::text AS row FROM stripe_events t ORDER BY t::text")
            .map { try $0.decode("row", as: String.self) }
    }
}
