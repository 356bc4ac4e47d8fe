import Foundation
import Testing
import TestSupport

/// `POST /api/v1/bookings` over HTTP: what a booking answers and writes, and every way a request
/// is refused without writing anything.
@Suite("serve API: creating a booking")
struct ServeAPIBookingCreateTests {
    typealias Body = [String: Any]

    /// `body` with its customer changed.
    static func customer(_ body: Body, _ change: (inout Body) -> Void) -> Body {
        var body = body
        var customer = body["customer"] as? Body ?? [:]
        change(&customer)
        body["customer"] = customer
        return body
    }

    static func with(_ body: Body, _ key: String, _ value: Any?) -> Body {
        var body = body
        body[key] = value
        return body
    }

    @Test("a booking answers 201 with its code, status, start and end with offset, price, deposit and Location; its row has the customer")
    func created() throws {
        let serve = try ServeWorld()
        var body = try serve.bookingBody(name: "  Marie Curie ", email: "Marie.Curie@Example.COM", phone: "+33612345678")
        body["notifications"] = ["email": false, "sms": true]
        let answer = try serve.book(body)
        #expect(answer.status == 201, "\(answer)")
        let code = try #require(answer.json["code"] as? String)
        #expect(code.wholeMatch(of: publicCodePattern) != nil, "\(code)")
        #expect(answer.headers["location"] == "/api/v1/bookings/public?code=\(code)")
        #expect(answer.headers["x-request-id"]?.isEmpty == false)
        let json = answer.json
        #expect(json["status"] as? String == "confirmed")
        #expect(json["serviceId"] as? String == (try serve.serviceID("Coupe femme")) && json["service"] as? String == "Coupe femme")
        #expect(json["date"] as? String == "2026-12-01" && json["time"] as? String == "10:00" && json["durationMinutes"] as? Int == 60)
        #expect(json["start"] as? String == "2026-12-01T10:00:00+01:00" && json["end"] as? String == "2026-12-01T11:00:00+01:00")
        #expect(json["price"] as? String == "45.50" && json["priceCents"] as? Int == 4550)
        #expect(json["deposit"] as? String == "13.65" && json["depositCents"] as? Int == 1365)
        #expect(json["depositStatus"] as? String == "pending")
        #expect(json["clientSecret"] == nil, "no Stripe, no client secret")
        #expect(!answer.text.contains("Curie") && !answer.text.contains("+33612345678"), "the answer echoes the customer: \(answer.text)")

        let row = try serve.bookingRow(code)
        #expect(try row.decode("status", as: String.self) == "confirmed")
        #expect(try row.decode("customer_name", as: String.self) == "Marie Curie")
        #expect(try row.decode("customer_email", as: String.self) == "marie.curie@example.com")
        #expect(try row.decode("customer_phone", as: String?.self) == "+33612345678")
        #expect(try row.decode("notifications_email", as: Bool.self) == false && row.decode("notifications_sms", as: Bool.self) == true)
        #expect(try row.decode("local_start", as: String.self) == "2026-12-01 10:00")
        #expect(try row.decode("price_cents", as: Int.self) == 4550 && row.decode("deposit_amount_cents", as: Int.self) == 1365)
        #expect(try serve.world.eventKinds(code) == ["created"])
    }

    @Test("each validation rule answers 400 VALIDATION_ERROR naming every bad field, and writes nothing")
    func validationRules() throws {
        let serve = try ServeWorld()
        let good = try serve.bookingBody(phone: "+33612345678")
        let cases: [(rule: String, body: Any, fields: Set<String>)] = [
            ("name of 1 character", Self.customer(good) { $0["name"] = "M" }, ["customer.name"]),
            ("name of 256 characters", Self.customer(good) { $0["name"] = String(repeating: "é", count: 256) }, ["customer.name"]),
            ("name with a control character", Self.customer(good) { $0["name"] = "Marie\u{7}Curie" }, ["customer.name"]),
            ("name of spaces", Self.customer(good) { $0["name"] = "   " }, ["customer.name"]),
            ("e-mail without domain", Self.customer(good) { $0["email"] = "marie@" }, ["customer.email"]),
            ("e-mail without @", Self.customer(good) { $0["email"] = "marie.example.com" }, ["customer.email"]),
            ("e-mail with a space", Self.customer(good) { $0["email"] = "marie curie@example.com" }, ["customer.email"]),
            ("phone too short", Self.customer(good) { $0["phone"] = "061234" }, ["customer.phone"]),
            ("phone with letters", Self.customer(good) { $0["phone"] = "+33 6 12 AB 56 78" }, ["customer.phone"]),
            ("phone of 16 digits", Self.customer(good) { $0["phone"] = "+1234567890123456" }, ["customer.phone"]),
            ("time 9:00", Self.with(good, "time", "9:00"), ["time"]),
            ("time 24:00", Self.with(good, "time", "24:00"), ["time"]),
            ("time 12:60", Self.with(good, "time", "12:60"), ["time"]),
            ("time 10h00", Self.with(good, "time", "10h00"), ["time"]),
            ("date 2026-02-30", Self.with(good, "date", "2026-02-30"), ["date"]),
            ("date 01/12/2026", Self.with(good, "date", "01/12/2026"), ["date"]),
            ("serviceId not a UUID", Self.with(good, "serviceId", "Coupe femme"), ["serviceId"]),
            ("customer missing", Self.with(good, "customer", nil), ["customer"]),
            ("customer a string", Self.with(good, "customer", "Marie Curie"), ["customer"]),
            ("customer an array", Self.with(good, "customer", ["Marie Curie"]), ["customer"]),
            ("notifications.sms not a boolean", Self.with(good, "notifications", ["sms": "yes"]), ["notifications.sms"]),
            ("notifications.email a number", Self.with(good, "notifications", ["email": 1]), ["notifications.email"]),
            ("notifications not an object", Self.with(good, "notifications", true), ["notifications"]),
            ("unknown top-level field", Self.with(good, "coupon", "FREE"), ["coupon"]),
            ("unknown customer field", Self.customer(good) { $0["age"] = 42 }, ["customer.age"]),
            ("unknown notifications field", Self.with(good, "notifications", ["push": true]), ["notifications.push"]),
            ("serviceId a number", Self.with(good, "serviceId", 42), ["serviceId"]),
            ("date a boolean", Self.with(good, "date", true), ["date"]),
            ("time a number", Self.with(good, "time", 10), ["time"]),
            ("time null", Self.with(good, "time", NSNull()), ["time"]),
            ("name an object", Self.customer(good) { $0["name"] = ["first": "Marie"] }, ["customer.name"]),
            ("e-mail missing", Self.customer(good) { $0["email"] = nil }, ["customer.email"]),
            ("empty object", Body(), ["serviceId", "date", "time", "customer"]),
            ("body an array", [good], ["body"]),
            ("everything wrong", ["serviceId": "x", "date": "2026-02-30", "time": "24:00", "extra": 1, "notifications": ["sms": "yes"],
                                  "customer": ["name": "M", "email": "x", "phone": "1", "age": 1] as Body] as Body,
             ["serviceId", "date", "time", "extra", "customer.name", "customer.email", "customer.phone", "customer.age", "notifications.sms"]),
        ]
        let before = try serve.world.bookingState()
        for (rule, body, fields) in cases {
            expectValidation(try serve.http.post("/api/v1/bookings", json: jsonText(body)), fields: fields, rule)
        }
        #expect(try serve.world.bookingState() == before)
        #expect(try serve.world.count("bookings") == 0)
    }

    @Test("a body that is not JSON is 400 INVALID_JSON; without application/json 415; over 1 MiB 413; none writes anything")
    func unreadableBodies() throws {
        let serve = try ServeWorld()
        let good = try jsonText(serve.bookingBody())
        let before = try serve.world.bookingState()
        for text in ["{", "", "{\"serviceId\": }", good + "}", "{'serviceId': 'x'}", String(good.dropLast())] {
            let answer = try serve.http.post("/api/v1/bookings", json: text)
            #expect(answer.status == 400 && answer.errorCode == "INVALID_JSON", "\(text.prefix(40)): \(answer)")
        }
        let json = [("Content-Type", "application/json")]
        for headers in [[], [("Content-Type", "text/plain")], [("Content-Type", "application/x-www-form-urlencoded")],
                        [("Content-Type", "application/jsonp")], [("Content-Type", "json")]] {
            let answer = try serve.http.send("POST", "/api/v1/bookings", headers: headers, body: Data(good.utf8))
            #expect(answer.status == 415 && answer.errorCode == "UNSUPPORTED_MEDIA_TYPE", "\(headers): \(answer)")
        }
        let limit = 1 << 20
        let over = Data((good.dropLast() + ", \"pad\": \"" + String(repeating: "x", count: limit) + "\"}").utf8)
        let tooLarge = try serve.http.send("POST", "/api/v1/bookings", headers: json, body: over)
        #expect(tooLarge.status == 413 && tooLarge.errorCode == "PAYLOAD_TOO_LARGE", "\(tooLarge)")
        let oneByteOver = Data((good + String(repeating: " ", count: limit + 1 - good.utf8.count)).utf8)
        let justOver = try serve.http.send("POST", "/api/v1/bookings", headers: json, body: oneByteOver)
        #expect(justOver.status == 413, "\(justOver)")
        #expect(try serve.world.bookingState() == before)

        // Exactly 1 MiB is read; a charset parameter is fine.
        let atLimit = Data((good + String(repeating: " ", count: limit - good.utf8.count)).utf8)
        #expect(atLimit.count == limit)
        let charset = [("Content-Type", "application/json; charset=utf-8")]
        let accepted = try serve.http.send("POST", "/api/v1/bookings", headers: charset, body: atLimit)
        #expect(accepted.status == 201, "\(accepted)")
    }

    @Test("a taken slot, an overlapping one, and slots outside the hours, notice, horizon or time off are 409 SLOT_UNAVAILABLE")
    func unavailableSlots() throws {
        let serve = try ServeWorld()
        #expect(try serve.book(serve.bookingBody(date: "2026-12-01", time: "10:00")).status == 201)
        let refused: [(date: String, time: String, rule: String)] = [
            ("2026-12-01", "10:00", "taken"),
            ("2026-12-01", "10:30", "overlapping the taken one"),
            ("2026-12-01", "09:30", "ending inside the taken one"),
            ("2026-12-01", "07:00", "before opening"),
            ("2026-12-01", "17:30", "ending after closing"),
            ("2026-12-01", "12:00", "across the break"),
            ("2026-11-30", "10:00", "Monday, closed"),
            ("2026-11-24", "10:00", "within the 2-hour notice"),
            ("2026-11-20", "10:00", "in the past"),
            ("2027-01-26", "10:00", "past the 60-day horizon"),
            ("2026-12-24", "10:00", "time off"),
            ("2026-12-01", "10:15", "off the 30-minute grid"),
        ]
        let before = try serve.world.bookingState()
        for (date, time, rule) in refused {
            let answer = try serve.book(serve.bookingBody(date: date, time: time, email: "other@example.com"))
            #expect(answer.status == 409 && answer.errorCode == "SLOT_UNAVAILABLE", "\(rule): \(answer)")
        }
        #expect(try serve.world.bookingState() == before)
        #expect(try serve.world.countOf(overlappingActivePairs) == 0)
    }
}
