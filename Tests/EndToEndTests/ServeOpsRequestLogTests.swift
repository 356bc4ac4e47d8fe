import Foundation
import Testing
import TestSupport

@Suite("serve: the request log")
struct ServeOpsRequestLogTests {
    static let customer = (name: "Zéphyrine Quatremaine", email: "zephyrine.quatremaine@example.org", phone: "+33611223344")

    @Test("one JSON line per request: time, level, message, id, method, route template, status, duration; no personal data nor query")
    func oneLinePerRequestWithoutPersonalData() throws {
        let serve = try ServeWorld()
        let http = serve.http
        let customer = Self.customer
        let body = try serve.bookingBody(name: customer.name, email: customer.email, phone: customer.phone)
        let created = try http.post("/api/v1/bookings", json: body)
        #expect(created.status == 201, "\(created)")
        let code = try #require(created.json["code"] as? String)
        let email = customer.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""

        let requests: [(method: String, route: String, answer: HTTPExchange.Answer)] = [
            ("POST", "/api/v1/bookings", created),
            ("GET", "/api/v1/bookings/public", try http.get("/api/v1/bookings/public?code=\(code)&email=\(email)")),
            ("GET", "/api/v1/bookings/public", try http.get("/api/v1/bookings/public?code=\(code)&email=other%40example.org")),
            ("POST", "/api/v1/bookings/{code}/reschedule",
             try http.post("/api/v1/bookings/\(code)/reschedule", json: ["email": customer.email, "date": "2026-12-02", "time": "11:00"])),
            ("POST", "/api/v1/bookings/{code}/cancel", try http.post("/api/v1/bookings/\(code)/cancel", json: ["email": customer.email])),
            ("POST", "/api/v1/bookings", try http.post("/api/v1/bookings", json: serve.bookingBody(
                name: customer.name, email: "not-an-email-\(customer.phone)", phone: customer.phone))),
            ("GET", "/api/v1/availability", try http.get("/api/v1/availability?serviceId=\(serve.serviceID("Coupe femme"))&date=2026-12-01")),
            ("GET", "unmatched", try http.get("/api/v1/bookings/\(code)")),
        ]
        #expect(requests.map(\.answer.status) == [201, 200, 404, 200, 200, 400, 200, 404], "\(requests.map(\.answer))")

        #expect(serve.server.stop() == 0)
        let log = serve.server.logText
        let records = try logRecords(log)
        let perRequest = records.filter { $0["message"] as? String == "request" }
        #expect(perRequest.count == requests.count, "\(log)")
        for (record, request) in zip(perRequest, requests) {
            #expect(record["time"] as? String == "2026-11-24T08:00:00Z", "\(record)")
            #expect(record["level"] as? String == "info")
            #expect(record["requestId"] as? String == request.answer.headers["x-request-id"])
            #expect(record["method"] as? String == request.method)
            #expect(record["route"] as? String == request.route)
            #expect(record["status"] as? Int == request.answer.status)
            #expect((record["durationMs"] as? Int).map { $0 >= 0 } == true, "\(record)")
        }
        let personal = [customer.name, customer.email, customer.phone, "Zéphyrine", "zephyrine", "Quatremaine", code]
        for secret in personal + ["?", "email=", "code="] {
            #expect(!log.contains(secret), "the log shows \(secret): \(log)")
        }
    }

    @Test("a server error's detail goes to the log under the request's id; the client gets only INTERNAL_ERROR and its French message")
    func serverErrorDetailOnlyInLog() throws {
        // Stripe's webhook with no STRIPE_WEBHOOK_SECRET configured: the server cannot verify it, a fault of its own.
        let serve = try ServeWorld()
        let answer = try serve.http.post("/api/v1/webhooks/stripe", json: "{\"id\":\"evt_1\"}",
                                         headers: [("Stripe-Signature", "t=1,v1=00"), ("X-Request-Id", "trace-500")])
        #expect(answer.status == 500)
        #expect(answer.headers["x-request-id"] == "trace-500")
        let body = try #require(answer.json["error"] as? [String: Any])
        #expect(body as NSDictionary == ["code": "INTERNAL_ERROR", "message": "Une erreur est survenue."] as NSDictionary, "\(answer)")
        #expect(!answer.text.contains("STRIPE"))

        #expect(serve.server.stop() == 0)
        let records = try logRecords(serve.server.logText).filter { $0["requestId"] as? String == "trace-500" }
        let detail = records.first { $0["message"] as? String != "request" }
        #expect((detail?["message"] as? String)?.contains("STRIPE_WEBHOOK_SECRET") == true, "\(records)")
        #expect(detail?["level"] as? String == "error")
        let request = records.first { $0["message"] as? String == "request" }
        #expect(request?["status"] as? Int == 500)
        #expect(request?["level"] as? String == "error")
    }
}
