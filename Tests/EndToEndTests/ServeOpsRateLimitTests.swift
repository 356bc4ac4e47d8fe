import Foundation
import Testing
import TestSupport

@Suite("serve: rate limit")
struct ServeOpsRateLimitTests {
    static let uncounted = ["/healthz", "/readyz", "/", "/api/v1/openapi.json", "/assets/app.js"]

    @Test("past RATE_LIMIT a client gets 429 RATE_LIMITED with Retry-After on the API; health, page and OpenAPI document are not counted")
    func publicLimit() throws {
        let serve = try ServeWorld(environment: ["RATE_LIMIT": "3/600"])
        let http = serve.http
        for _ in 0..<4 {
            for path in Self.uncounted { #expect(try http.get(path).status == 200, "\(path)") }
        }
        for _ in 0..<3 { #expect(try http.get("/api/v1/services").status == 200) }

        let limited = try http.get("/api/v1/services")
        #expect(limited.status == 429, "\(limited)")
        #expect(limited.errorCode == "RATE_LIMITED")
        #expect(limited.headers["content-type"] == "application/json; charset=utf-8")
        let retryAfter = try #require(limited.headers["retry-after"].flatMap { Int($0) }, "Retry-After: \(limited.headers)")
        #expect((1...600).contains(retryAfter))
        expectSecurityHeaders(limited, "429")
        #expect(limited.headers["x-request-id"] != nil)

        // Every public route draws on the same allowance.
        let availability = try http.get("/api/v1/availability?serviceId=\(serve.serviceID("Coupe femme"))&date=2026-12-01")
        #expect(availability.status == 429)
        #expect(try http.post("/api/v1/bookings", json: serve.bookingBody()).status == 429)
        for path in Self.uncounted { #expect(try http.get(path).status == 200, "\(path) limited") }
    }

    @Test("WEBHOOK_RATE_LIMIT counts the webhook apart from the public API")
    func webhookBucketApart() throws {
        let serve = try ServeWorld(environment: ["RATE_LIMIT": "3/600", "WEBHOOK_RATE_LIMIT": "2/600", "STRIPE_WEBHOOK_SECRET": "whsec_test"])
        let http = serve.http
        func webhook() throws -> HTTPExchange.Answer {
            try http.post("/api/v1/webhooks/stripe", json: "{}", headers: [("Stripe-Signature", "t=1,v1=00")])
        }
        for _ in 0..<2 { #expect(try webhook().errorCode == "WEBHOOK_SIGNATURE_INVALID") }
        let limited = try webhook()
        #expect(limited.status == 429, "\(limited)")
        #expect(limited.headers["retry-after"].flatMap { Int($0) }.map { (1...600).contains($0) } == true)

        // The webhook's three requests did not count against the public API's three, nor the reverse.
        for _ in 0..<3 { #expect(try http.get("/api/v1/services").status == 200) }
        #expect(try http.get("/api/v1/services").status == 429)
    }

    @Test("without TRUST_PROXY, X-Forwarded-For is ignored: different values share the peer's allowance")
    func forwardedForIgnoredByDefault() throws {
        let serve = try ServeWorld(environment: ["RATE_LIMIT": "2/600"])
        let http = serve.http
        #expect(try http.get("/api/v1/services", headers: [("X-Forwarded-For", "10.0.0.1")]).status == 200)
        #expect(try http.get("/api/v1/services", headers: [("X-Forwarded-For", "10.0.0.2")]).status == 200)
        #expect(try http.get("/api/v1/services", headers: [("X-Forwarded-For", "10.0.0.3")]).status == 429)
        #expect(try http.get("/api/v1/services").status == 429)
    }

    @Test("with TRUST_PROXY=1, the rightmost X-Forwarded-For entry is the client: other values, other clients; left ones not believed")
    func forwardedForTrustedProxy() throws {
        let serve = try ServeWorld(environment: ["RATE_LIMIT": "2/600", "TRUST_PROXY": "1"])
        let http = serve.http
        func status(_ forwarded: String?) throws -> Int {
            try http.get("/api/v1/services", headers: forwarded.map { [("X-Forwarded-For", $0)] } ?? []).status
        }
        #expect(try status("10.0.0.1") == 200)
        #expect(try status("192.0.2.9, 10.0.0.1") == 200)
        #expect(try status("10.0.0.1") == 429)
        // What the client wrote to the left of the proxy's entry does not make it someone else.
        #expect(try status("198.51.100.1, 10.0.0.1") == 429)
        #expect(try status("10.0.0.2") == 200)
        #expect(try status("10.0.0.1, 10.0.0.2") == 200)
        #expect(try status("10.0.0.2") == 429)
        #expect(try status(nil) == 200)
    }

    @Test("with TRUST_PROXY=2, the second entry from the right is the client")
    func forwardedForTwoProxies() throws {
        let serve = try ServeWorld(environment: ["RATE_LIMIT": "1/600", "TRUST_PROXY": "2"])
        let http = serve.http
        func status(_ forwarded: String) throws -> Int { try http.get("/api/v1/services", headers: [("X-Forwarded-For", forwarded)]).status }
        #expect(try status("spoof-1, 10.0.0.7, 172.16.0.1") == 200)
        #expect(try status("spoof-2, 10.0.0.7, 172.16.0.2") == 429)
        #expect(try status("10.0.0.8, 172.16.0.1") == 200)
    }
}
