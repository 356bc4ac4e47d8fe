import Foundation
import Testing
import TestSupport

/// `POST /api/v1/webhooks/stripe`: Stripe's events, signed by the official `stripe` package,
/// for a deposit whose PaymentIntent the server asked the local fake Stripe for.
@Suite("serve API: Stripe webhook")
struct ServeAPIWebhookTests {
    /// A `serve` process on the StripeWorld's database, with its Stripe settings.
    static func serve(_ w: StripeWorld, environment extra: [String: String] = [:]) throws -> (ServeProcess, HTTPExchange) {
        let server = try ServeWorld.start(w.world, environment: w.environment.merging(extra) { _, new in new })
        return (server, HTTPExchange(port: server.port))
    }

    /// Books Coupe femme on 2026-12-01 at 10:00 over HTTP; the answer, which must be 201.
    static func book(_ w: StripeWorld, _ http: HTTPExchange) throws -> HTTPExchange.Answer {
        let id: String = try w.world.connection.query("SELECT id::text AS id FROM services WHERE name = 'Coupe femme'")[0].decode("id")
        let answer = try http.post("/api/v1/bookings", json: jsonText([
            "serviceId": id, "date": "2026-12-01", "time": "10:00", "customer": ["name": "Marie Curie", "email": "marie@example.com"],
        ] as [String: Any]))
        guard answer.status == 201 else { throw NotJSON(text: "\(answer)") }
        return answer
    }

    /// The body of the `payment_intent.succeeded` event Stripe sends once `intent` is paid.
    static func succeededEvent(_ w: StripeWorld, _ intent: String) throws -> String {
        let events = try w.pay(intent)
        let id = try #require(try events.first { try w.payload($0).contains("\"payment_intent.succeeded\"") })
        return try w.payload(id)
    }

    static func deliver(_ http: HTTPExchange, _ body: String, signature: String?) throws -> HTTPExchange.Answer {
        let headers = [("Content-Type", "application/json")] + (signature.map { [("Stripe-Signature", $0)] } ?? [])
        return try http.send("POST", "/api/v1/webhooks/stripe", headers: headers, body: Data(body.utf8))
    }

    @Test("a booking made over HTTP carries its PaymentIntent's client secret, given only in the answer to its creation")
    func clientSecret() throws {
        let w = try StripeWorld()
        let (server, http) = try Self.serve(w)
        let created = try Self.book(w, http)
        let code = try #require(created.json["code"] as? String)
        let intent = try #require(try w.intentID(code))
        let secret = try #require(try w.intents[intent]?["client_secret"] as? String)
        #expect(created.json["clientSecret"] as? String == secret)
        #expect(created.json["depositStatus"] as? String == "pending")
        #expect(created.json["depositDueBy"] as? String == "2026-11-24T09:30:00+01:00")
        let found = try http.get("/api/v1/bookings/public?code=\(code)&email=marie%40example.com")
        #expect(found.status == 200 && found.json["clientSecret"] == nil && !found.text.contains(secret), "\(found)")
        #expect(!(try w.paymentState().joined().contains(secret)))
        #expect(server.stop() == 0)
        #expect(!server.logText.contains(secret))
    }

    @Test("a signed event is applied (200, deposit captured); sent again it is a duplicate that writes nothing")
    func appliedOnce() throws {
        let w = try StripeWorld()
        let (server, http) = try Self.serve(w)
        let code = try #require(try Self.book(w, http).json["code"] as? String)
        let body = try Self.succeededEvent(w, try #require(try w.intentID(code)))
        #expect(try w.depositStatus(code) == "pending")

        let applied = try Self.deliver(http, body, signature: w.officialSignature(body))
        #expect(applied.status == 200, "\(applied)")
        #expect(applied.json["received"] as? Bool == true && applied.json["result"] as? String == "applied", "\(applied)")
        #expect(try w.depositStatus(code) == "captured")
        #expect(try w.world.value("SELECT received_via FROM stripe_events") == "webhook")

        let state = try w.paymentState()
        let duplicate = try Self.deliver(http, body, signature: w.officialSignature(body))
        #expect(duplicate.status == 200 && duplicate.json["received"] as? Bool == true && duplicate.json["result"] as? String == "duplicate",
                "\(duplicate)")
        #expect(try w.paymentState() == state)
        #expect(server.stop() == 0)
        #expect(!server.logText.contains(StripeWorld.webhookSecret))
    }

    @Test("a bad signature, a stale timestamp, a changed body or no header: 400 WEBHOOK_SIGNATURE_INVALID, nothing written")
    func refusedSignatures() throws {
        let w = try StripeWorld()
        let (server, http) = try Self.serve(w)
        let code = try #require(try Self.book(w, http).json["code"] as? String)
        let body = try Self.succeededEvent(w, try #require(try w.intentID(code)))
        let timestamp = StripeWorld.unix(w.now)
        var changed = Array(body.utf8)
        changed[changed.count / 2] ^= 0x01
        let refusals: [(signature: String?, body: String, rule: String)] = [
            (try w.officialSignature(body, secret: "whsec_someone_else"), body, "another secret"),
            (try w.officialSignature(body, timestamp: timestamp - 301), body, "stale timestamp"),
            (try w.officialSignature(body, timestamp: timestamp + 301), body, "timestamp from the future"),
            (try w.officialSignature(body), String(decoding: changed, as: UTF8.self), "body changed by one bit"),
            ("t=\(timestamp)", body, "no v1"),
            ("garbage", body, "malformed header"),
            ("", body, "empty header"),
            (nil, body, "no header"),
        ]
        let before = try w.paymentState()
        for refusal in refusals {
            let answer = try Self.deliver(http, refusal.body, signature: refusal.signature)
            #expect(answer.status == 400 && answer.errorCode == "WEBHOOK_SIGNATURE_INVALID", "\(refusal.rule): \(answer)")
            #expect(!answer.text.contains(StripeWorld.webhookSecret), "\(refusal.rule)")
        }
        #expect(try w.paymentState() == before)
        #expect(try w.depositStatus(code) == "pending")
        #expect(server.stop() == 0)
        #expect(!server.logText.contains(StripeWorld.webhookSecret))
    }

    @Test("without STRIPE_WEBHOOK_SECRET the server cannot verify: 500 INTERNAL_ERROR with no detail, nothing written")
    func noSecret() throws {
        let w = try StripeWorld()
        let (server, http) = try Self.serve(w, environment: ["STRIPE_WEBHOOK_SECRET": ""])
        let code = try #require(try Self.book(w, http).json["code"] as? String)
        let body = try Self.succeededEvent(w, try #require(try w.intentID(code)))
        let before = try w.paymentState()
        let answer = try Self.deliver(http, body, signature: w.officialSignature(body))
        #expect(answer.status == 500 && answer.errorCode == "INTERNAL_ERROR" && answer.errorMessage == "Une erreur est survenue.", "\(answer)")
        #expect(!answer.text.contains("STRIPE"))
        #expect(try w.paymentState() == before)
        // The detail goes to the log, under the answer's request id.
        #expect(server.stop() == 0)
        let requestID = try #require(answer.headers["x-request-id"])
        #expect(server.logText.split(separator: "\n").contains { $0.contains(requestID) && $0.contains("STRIPE_WEBHOOK_SECRET") },
                "\(server.logText)")
    }

    @Test("the same event sent at once to two servers on one database is applied exactly once")
    func twoServers() throws {
        let w = try StripeWorld()
        let (firstServer, first) = try Self.serve(w)
        let (secondServer, second) = try Self.serve(w)
        let code = try #require(try Self.book(w, first).json["code"] as? String)
        let body = try Self.succeededEvent(w, try #require(try w.intentID(code)))
        let signature = try w.officialSignature(body)
        let answers = try concurrently(8) { index in try Self.deliver(index % 2 == 0 ? first : second, body, signature: signature) }
        #expect(answers.allSatisfy { $0.status == 200 }, "\(answers)")
        #expect(answers.filter { $0.json["result"] as? String == "applied" }.count == 1, "\(answers)")
        #expect(answers.filter { $0.json["result"] as? String == "duplicate" }.count == 7, "\(answers)")
        #expect(try w.world.countOf("SELECT count(*) AS n FROM stripe_events") == 1)
        #expect(try w.depositStatus(code) == "captured")
        #expect(firstServer.stop() == 0 && secondServer.stop() == 0)
    }
}
