import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `GET /api/v1/customers/data?email=&code=`: the right of access over HTTP, only to someone who
/// holds one of the customer's booking codes.
@Suite("serve API: a customer's data")
struct ServeAPICustomerDataTests {
    static func data(_ serve: ServeWorld, email: String, code: String) throws -> HTTPExchange.Answer {
        try serve.http.get("/api/v1/customers/data?email=\(queryValue(email))&code=\(queryValue(code))")
    }

    @Test("a code of hers and her e-mail (any case) get the same document as 'customers export', read by Python's json")
    func found() throws {
        let serve = try ServeWorld()
        let first = try serve.bookCode(email: "marie@example.com")
        let second = try serve.bookCode(time: "14:00", email: "marie@example.com")
        _ = try serve.bookCode(time: "16:00", email: "pierre@example.com")
        let exported = try serve.world.succeed("customers", "export", "marie@example.com").stdout
        for (email, code) in [("marie@example.com", first), ("Marie@Example.COM", second.lowercased())] {
            let answer = try Self.data(serve, email: email, code: code)
            #expect(answer.status == 200, "\(answer)")
            #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true)
            let parsed = try Subprocess.run([FakeServer.venvPython, "-c", "import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))"],
                                            input: answer.text)
            let printed = try Subprocess.run([FakeServer.venvPython, "-c", "import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))"],
                                             input: exported)
            #expect(parsed.succeeded && parsed.stdout == printed.stdout, "\(parsed.stderr)")
            let codes = (answer.json["bookings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes == [first, second])
            #expect(!answer.text.contains("pierre"))
        }
    }

    @Test("a wrong e-mail, another customer's code, an unknown or malformed code, and any code once she is forgotten: the same 404")
    func notFound() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(email: "marie@example.com")
        let other = try serve.bookCode(time: "14:00", email: "pierre@example.com")
        let unknown = code == "AC-ZZZZZZ" ? "AC-YYYYYY" : "AC-ZZZZZZ"
        var answers = try [
            Self.data(serve, email: "pierre@example.com", code: code),
            Self.data(serve, email: "marie@example.com", code: other),
            Self.data(serve, email: "marie@example.org", code: code),
            Self.data(serve, email: "marie@example.com", code: unknown),
            Self.data(serve, email: "marie@example.com", code: "AC-0OIL11"),
            Self.data(serve, email: "marie@example.com", code: "'; DROP TABLE bookings; --"),
        ]
        try serve.world.succeed("customers", "forget", "marie@example.com", "--cancel", "--yes")
        answers.append(try Self.data(serve, email: "marie@example.com", code: code))
        let first = try #require(answers.first)
        #expect(first.status == 404 && first.errorCode == "BOOKING_NOT_FOUND" && first.errorMessage == "Réservation introuvable.", "\(first)")
        for answer in answers { #expect(answer.status == 404 && answer.body == first.body, "\(answer)") }
        #expect(try Self.data(serve, email: "pierre@example.com", code: other).status == 200)
    }

    @Test("a missing or malformed e-mail or code, or an unknown parameter, is 400 VALIDATION_ERROR naming it")
    func validation() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode()
        for (query, fields) in [("email=marie%40example.com", Set(["code"])), ("code=\(code)", ["email"]), ("", ["code", "email"]),
                                ("code=\(code)&email=marie", ["email"]), ("code=\(code)&email=marie%40example.com&all=1", ["all"])] {
            expectValidation(try serve.http.get("/api/v1/customers/data?" + query), fields: fields, query)
        }
    }
}
