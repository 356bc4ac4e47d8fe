import Foundation
import Testing
import TestSupport

/// `GET /api/v1/bookings/public?code=&email=`: a customer finds their booking with its code and
/// e-mail; anyone else learns nothing, not even which of the two was wrong.
@Suite("serve API: finding a booking")
struct ServeAPIFindBookingTests {
    static let dtoFields: Set<String> = ["code", "status", "serviceId", "service", "date", "time", "start", "end", "durationMinutes", "price",
                                         "priceCents", "deposit", "depositCents", "depositStatus", "depositDueBy", "payLink"]

    static func find(_ serve: ServeWorld, code: String, email: String) throws -> HTTPExchange.Answer {
        try serve.http.get("/api/v1/bookings/public?code=\(queryValue(code))&email=\(queryValue(email))")
    }

    @Test("the right code and e-mail (any case, code in lowercase too) find the booking, without client secret or customer data")
    func found() throws {
        let serve = try ServeWorld()
        let created = try serve.book(serve.bookingBody(name: "Marie Curie", email: "marie.curie@example.com", phone: "+33612345678"))
        let code = try #require(created.json["code"] as? String)
        for (asked, email) in [(code, "marie.curie@example.com"), (code, "Marie.Curie@EXAMPLE.com"),
                               (code.lowercased(), "marie.curie@example.com"), (code, " marie.curie@example.com ")] {
            let answer = try Self.find(serve, code: asked, email: email)
            #expect(answer.status == 200, "\(asked) \(email): \(answer)")
            #expect(Set(answer.json.keys) == Self.dtoFields, "\(answer.json.keys.sorted())")
            #expect(answer.json["code"] as? String == code && answer.json["start"] as? String == "2026-12-01T10:00:00+01:00")
            for field in ["code", "status", "serviceId", "start", "end", "price", "deposit", "depositStatus"] {
                #expect(answer.json[field] as? String == created.json[field] as? String, "\(field)")
            }
            for text in ["Marie", "Curie", "marie", "612345678", "clientSecret", "customer", "email"] {
                #expect(!answer.text.contains(text), "the answer holds \(text): \(answer.text)")
            }
        }
    }

    @Test("a wrong e-mail, an unknown code and a malformed code get the same 404 body, byte for byte")
    func sameNotFound() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(email: "marie@example.com")
        let other = try serve.bookCode(time: "14:00", email: "pierre@example.com")
        let unknown = code == "AC-ZZZZZZ" ? "AC-YYYYYY" : "AC-ZZZZZZ"
        let answers = try [
            Self.find(serve, code: code, email: "pierre@example.com"),
            Self.find(serve, code: other, email: "marie@example.com"),
            Self.find(serve, code: code, email: "marie@example.org"),
            Self.find(serve, code: unknown, email: "marie@example.com"),
            Self.find(serve, code: "AC-0OIL11", email: "marie@example.com"),
            Self.find(serve, code: "XYZ", email: "marie@example.com"),
            Self.find(serve, code: code + "A", email: "marie@example.com"),
            Self.find(serve, code: "'; DROP TABLE bookings; --", email: "marie@example.com"),
        ]
        let first = try #require(answers.first)
        #expect(first.status == 404 && first.errorCode == "BOOKING_NOT_FOUND" && first.errorMessage == "Réservation introuvable.", "\(first)")
        for answer in answers {
            #expect(answer.status == 404 && answer.body == first.body, "\(answer)")
            #expect(answer.headers["content-type"] == first.headers["content-type"])
        }
        #expect(try serve.world.count("bookings") == 2)
    }

    @Test("a missing code or e-mail, a malformed e-mail or an unknown parameter is 400 VALIDATION_ERROR naming it")
    func validation() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode()
        let cases: [(query: String, fields: Set<String>)] = [
            ("email=marie%40example.com", ["code"]),
            ("code=\(code)", ["email"]),
            ("", ["code", "email"]),
            ("code=\(code)&email=", ["email"]),
            ("code=\(code)&email=marie", ["email"]),
            ("code=\(code)&email=marie%40example.com&id=1", ["id"]),
        ]
        for (query, fields) in cases {
            expectValidation(try serve.http.get("/api/v1/bookings/public?" + query), fields: fields, query)
        }
    }
}
