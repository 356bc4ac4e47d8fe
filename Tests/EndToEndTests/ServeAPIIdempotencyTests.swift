import Foundation
import Testing
import TestSupport

/// `POST /api/v1/bookings` with an `Idempotency-Key`: a retry after a lost answer never books
/// twice, the key's record lives 24 hours in PostgreSQL, and it holds no customer data.
@Suite("serve API: Idempotency-Key")
struct ServeAPIIdempotencyTests {
    static func key(_ key: String) -> [(String, String)] { [("Idempotency-Key", key)] }

    /// A row of idempotency_keys for `body`'s bytes, as a request that got that far leaves it;
    /// the digest computed by PostgreSQL, not by us.
    static func insertKey(_ serve: ServeWorld, _ key: String, body: String, lockedUntil: String, createdAt: String,
                          booking code: String? = nil) throws {
        try serve.world.connection.execute("""
            INSERT INTO idempotency_keys (key, request_digest, booking_id, locked_until, created_at)
            VALUES (\(key), encode(sha256(convert_to(\(body), 'UTF8')), 'hex'), (SELECT id FROM bookings WHERE public_code = \(code)),
                    \(lockedUntil)::timestamptz, \(createdAt)::timestamptz)
            """)
    }

    @Test("the same key and body answer the same booking again, marked Idempotent-Replayed, with one row in bookings")
    func replay() throws {
        let serve = try ServeWorld()
        let body = try serve.bookingBody()
        let first = try serve.book(body, headers: Self.key("order-1"))
        #expect(first.status == 201 && first.headers["idempotent-replayed"] == nil, "\(first)")
        let code = try #require(first.json["code"] as? String)
        for _ in 0..<3 {
            let again = try serve.book(body, headers: Self.key("order-1"))
            #expect(again.status == 201 && again.headers["idempotent-replayed"] == "true", "\(again)")
            #expect(again.json["code"] as? String == code && again.headers["location"] == first.headers["location"])
            #expect(again.json["start"] as? String == first.json["start"] as? String)
        }
        #expect(try serve.world.count("bookings") == 1)
        #expect(try serve.world.eventKinds(code) == ["created"])
        // Another key is another request: the slot is taken.
        #expect(try serve.book(body, headers: Self.key("order-2")).errorCode == "SLOT_UNAVAILABLE")
    }

    @Test("the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and books nothing")
    func reusedKey() throws {
        let serve = try ServeWorld()
        #expect(try serve.book(serve.bookingBody(time: "10:00"), headers: Self.key("order-1")).status == 201)
        let before = try serve.world.bookingState()
        for other in [try serve.bookingBody(time: "14:00"), try serve.bookingBody(time: "10:00", name: "Marie Curie-Sklodowska")] {
            let answer = try serve.book(other, headers: Self.key("order-1"))
            #expect(answer.status == 422 && answer.errorCode == "IDEMPOTENCY_KEY_REUSED", "\(answer)")
        }
        #expect(try serve.world.bookingState() == before)
    }

    @Test("a first request refused with 409 is answered 409 again to its retry, even once the slot is free")
    func refusalReplayed() throws {
        let serve = try ServeWorld()
        let holder = try serve.world.createCode("Coupe femme", "2026-12-01", "10:00", email: "other@example.com")
        let body = try serve.bookingBody(time: "10:00")
        let first = try serve.book(body, headers: Self.key("order-1"))
        #expect(first.status == 409 && first.errorCode == "SLOT_UNAVAILABLE", "\(first)")
        try serve.world.succeed("bookings", "cancel", holder)
        let before = try serve.world.bookingState()
        let retry = try serve.book(body, headers: Self.key("order-1"))
        #expect(retry.status == 409 && retry.headers["idempotent-replayed"] == "true", "\(retry)")
        #expect(retry.body == first.body)
        #expect(try serve.world.bookingState() == before)
        // A new key books the freed slot.
        #expect(try serve.book(body, headers: Self.key("order-2")).status == 201)
    }

    @Test("a malformed Idempotency-Key is 400 VALIDATION_ERROR naming Idempotency-Key, and nothing is written")
    func malformedKeys() throws {
        let serve = try ServeWorld()
        let body = try jsonText(serve.bookingBody())
        func send(_ key: String) throws -> HTTPExchange.Answer {
            let head = "POST /api/v1/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Idempotency-Key: \(key)\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            return try serve.http.exchange(Data((head + body).utf8))
        }
        for key in ["", String(repeating: "k", count: 256), "order 1", "order\t1", "clé-1", "order-1\u{A0}"] {
            expectValidation(try send(key), fields: ["Idempotency-Key"], key.debugDescription)
        }
        // Bytes HTTP forbids in any header value (RFC 9110, 5.5): the HTTP parser refuses them before any route.
        for key in ["order\u{1}1", "order\u{7F}1"] {
            let answer = try send(key)
            #expect(answer.status == 400, "\(key.debugDescription): \(answer)")
        }
        #expect(try serve.world.count("bookings") == 0 && serve.world.count("idempotency_keys") == 0)
        // 255 visible characters is a key.
        #expect(try serve.http.post("/api/v1/bookings", json: body, headers: Self.key(String(repeating: "k", count: 255))).status == 201)
        #expect(try serve.world.count("idempotency_keys") == 1)
    }

    @Test("keys are kept in idempotency_keys without customer data; an invalid request keeps none, and its corrected retry reuses the key")
    func noCustomerDataKept() throws {
        let serve = try ServeWorld()
        let booked = try serve.book(serve.bookingBody(time: "10:00", name: "Marie Curie", email: "marie.curie@example.com",
                                                      phone: "+33612345678"), headers: Self.key("order-booked"))
        #expect(booked.status == 201, "\(booked)")
        let taken = try serve.book(serve.bookingBody(time: "10:00", name: "Pierre Curie", email: "pierre.curie@example.com",
                                                     phone: "+33698765432"), headers: Self.key("order-taken"))
        #expect(taken.status == 409, "\(taken)")
        let invalid = try serve.book(serve.bookingBody(time: "11:00", name: "Irène Joliot", email: "irene.joliot@example",
                                                       phone: "0612-ABC"), headers: Self.key("order-invalid"))
        #expect(invalid.status == 400, "\(invalid)")
        // An invalid request is checked before its key is claimed: nothing is kept, and the corrected request may use the key.
        let keys = try serve.world.connection.query("SELECT key FROM idempotency_keys ORDER BY key")
            .map { try $0.decode("key", as: String.self) }
        #expect(keys == ["order-booked", "order-taken"])
        let id: String = try serve.bookingRow(try #require(booked.json["code"] as? String)).decode("id")
        #expect(try serve.world.value("SELECT booking_id::text FROM idempotency_keys WHERE key = 'order-booked'") == id)
        let stored = try serve.idempotencyRows().joined(separator: "\n")
        for text in ["Marie", "Curie", "marie.curie@", "Pierre", "pierre.curie@", "Irène", "Joliot", "joliot@", "612345678", "698765432",
                     "0612", "ABC"] {
            #expect(!stored.contains(text), "idempotency_keys holds \(text):\n\(stored)")
        }
        let corrected = try serve.book(serve.bookingBody(time: "11:00", name: "Irène Joliot", email: "irene.joliot@example.com"),
                                       headers: Self.key("order-invalid"))
        #expect(corrected.status == 201, "\(corrected)")
    }

    @Test("a key older than 24 hours is forgotten: its request runs again; younger, it is replayed")
    func expiry() throws {
        let serve = try ServeWorld()
        let body = try serve.bookingBody(date: "2026-12-01", time: "10:00")
        let first = try serve.book(body, headers: Self.key("order-1"))
        let code = try #require(first.json["code"] as? String)

        try serve.restart(now: "2026-11-25T08:00:00+01:00")
        let young = try serve.book(body, headers: Self.key("order-1"))
        #expect(young.status == 201 && young.json["code"] as? String == code && young.headers["idempotent-replayed"] == "true", "\(young)")
        // Cancelled, the booking is still the key's answer: a replay does not run again.
        try serve.world.succeed(["bookings", "cancel", code], environment: ["ARTISANCTL_NOW": "2026-11-25T08:00:00+01:00"])
        let replayed = try serve.book(body, headers: Self.key("order-1"))
        #expect(replayed.json["code"] as? String == code && replayed.json["status"] as? String == "cancelled", "\(replayed)")
        #expect(try serve.world.count("bookings") == 1)

        try serve.restart(now: "2026-11-25T10:00:00+01:00")
        let rerun = try serve.book(body, headers: Self.key("order-1"))
        #expect(rerun.status == 201 && rerun.headers["idempotent-replayed"] == nil, "\(rerun)")
        let second = try #require(rerun.json["code"] as? String)
        #expect(second != code)
        #expect(try serve.world.count("bookings") == 2)
        #expect(try serve.world.value("""
            SELECT b.public_code FROM idempotency_keys k JOIN bookings b ON b.id = k.booking_id WHERE k.key = 'order-1'
            """) == second)
        let again = try serve.book(body, headers: Self.key("order-1"))
        #expect(again.json["code"] as? String == second && again.headers["idempotent-replayed"] == "true", "\(again)")
    }

    @Test("a key whose first request is still running is 409 IDEMPOTENCY_KEY_IN_USE with Retry-After; once its claim runs out, the retry runs")
    func inUse() throws {
        let serve = try ServeWorld()
        let body = try jsonText(serve.bookingBody())
        try Self.insertKey(serve, "order-1", body: body, lockedUntil: "2026-11-24T09:00:45+01:00", createdAt: "2026-11-24T08:59:45+01:00")
        let busy = try serve.http.post("/api/v1/bookings", json: body, headers: Self.key("order-1"))
        #expect(busy.status == 409 && busy.errorCode == "IDEMPOTENCY_KEY_IN_USE", "\(busy)")
        #expect(busy.headers["retry-after"] == "45", "\(busy.headers)")
        #expect(try serve.world.count("bookings") == 0)
        // Another body with that key is still another request.
        #expect(try serve.book(serve.bookingBody(time: "14:00"), headers: Self.key("order-1")).status == 422)

        try serve.restart(now: "2026-11-24T09:01:00+01:00")
        let ran = try serve.http.post("/api/v1/bookings", json: body, headers: Self.key("order-1"))
        #expect(ran.status == 201 && ran.headers["idempotent-replayed"] == nil, "\(ran)")
        let code = try #require(ran.json["code"] as? String)
        #expect(try serve.world.value("""
            SELECT b.public_code FROM idempotency_keys k JOIN bookings b ON b.id = k.booking_id WHERE k.key = 'order-1'
            """) == code)
    }

    @Test("a key whose request committed its booking but died before answering: the retry answers that booking with 201")
    func committedThenDied() throws {
        let serve = try ServeWorld()
        let code = try serve.world.createCode("Coupe femme", "2026-12-01", "10:00")
        let body = try jsonText(serve.bookingBody())
        // Its claim has not even run out: the booking is the answer all the same.
        try Self.insertKey(serve, "order-1", body: body, lockedUntil: "2026-11-24T09:00:30+01:00", createdAt: "2026-11-24T08:59:50+01:00",
                           booking: code)
        let before = try serve.world.bookingState()
        let retry = try serve.http.post("/api/v1/bookings", json: body, headers: Self.key("order-1"))
        #expect(retry.status == 201 && retry.json["code"] as? String == code, "\(retry)")
        #expect(retry.headers["idempotent-replayed"] == "true" && retry.headers["location"] == "/api/v1/bookings/public?code=\(code)")
        #expect(retry.json["start"] as? String == "2026-12-01T10:00:00+01:00")
        #expect(try serve.world.bookingState() == before)
    }

    @Test("ten concurrent requests with one key make exactly one booking; each answer is that booking or 409 IDEMPOTENCY_KEY_IN_USE")
    func concurrentSameKey() throws {
        let serve = try ServeWorld()
        let body = try jsonText(serve.bookingBody())
        let http = serve.http
        let answers = try concurrently(10) { _ in try http.post("/api/v1/bookings", json: body, headers: Self.key("order-1")) }
        #expect(try serve.world.count("bookings") == 1)
        let code: String? = try serve.world.value("SELECT public_code FROM bookings")
        for answer in answers {
            let booked = answer.status == 201 && answer.json["code"] as? String == code
            let busy = answer.status == 409 && answer.errorCode == "IDEMPOTENCY_KEY_IN_USE" && answer.headers["retry-after"] != nil
            #expect(booked || busy, "\(answer)")
        }
        #expect(answers.filter { $0.status == 201 && $0.headers["idempotent-replayed"] == nil }.count == 1)
        // Once settled, a retry is the booking.
        let settled = try serve.http.post("/api/v1/bookings", json: body, headers: Self.key("order-1"))
        #expect(settled.status == 201 && settled.json["code"] as? String == code, "\(settled)")
    }
}
