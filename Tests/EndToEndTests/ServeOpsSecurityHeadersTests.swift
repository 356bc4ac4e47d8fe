import Foundation
import Testing
import TestSupport

@Suite("serve: security headers")
struct ServeOpsSecurityHeadersTests {
    @Test("every kind of answer carries HSTS, nosniff, DENY framing, no referrer and the strict CSP, and no Server header")
    func everyAnswer() throws {
        let serve = try ServeWorld(environment: ["CORS_ORIGINS": "https://front.example.com"])
        let http = serve.http
        let token = try serve.world.succeed("calendars", "feed", "--rotate-token").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let tooLarge = Data(repeating: UInt8(ascii: " "), count: (1 << 20) + 1024)

        let answers: [(String, Int, HTTPExchange.Answer)] = [
            ("services", 200, try http.get("/api/v1/services")),
            ("booking", 201, try http.post("/api/v1/bookings", json: serve.bookingBody())),
            ("bad availability", 400, try http.get("/api/v1/availability?serviceId=nope&date=2026-12-01")),
            ("unmatched route", 404, try http.get("/no/such/route")),
            ("refused preflight", 403, try http.send("OPTIONS", "/api/v1/bookings", headers: [
                ("Origin", "https://evil.example.com"), ("Access-Control-Request-Method", "POST"),
            ])),
            ("body too large", 413, try http.send("POST", "/api/v1/bookings", headers: [("Content-Type", "application/json")],
                                                  body: tooLarge)),
            ("booking page", 200, try http.get("/")),
            ("calendar feed", 200, try http.get("/api/v1/calendar.ics?token=\(token)")),
            // No STRIPE_WEBHOOK_SECRET: a configuration fault, answered 500.
            ("webhook without its secret", 500, try http.post("/api/v1/webhooks/stripe", json: "{}",
                                                              headers: [("Stripe-Signature", "t=1,v1=00")])),
        ]
        try serve.world.succeed("migrate", "rollback", "--yes")
        let unready = try http.get("/readyz")

        for (what, status, answer) in answers + [("readyz with a migration missing", 503, unready)] {
            #expect(answer.status == status, "\(what): \(answer)")
            expectSecurityHeaders(answer, what)
            #expect(answer.headers["x-request-id"] != nil, "\(what) has no X-Request-Id")
        }
        #expect(answers[4].2.errorCode == "CORS_ORIGIN_DENIED")
        #expect(answers[5].2.errorCode == "PAYLOAD_TOO_LARGE", "\(answers[5].2)")
        #expect(answers[6].2.headers["content-type"] == "text/html; charset=utf-8")
        #expect(answers[7].2.headers["content-type"] == "text/calendar; charset=utf-8")
        #expect(unready.errorCode == "SERVICE_UNAVAILABLE")
    }
}
