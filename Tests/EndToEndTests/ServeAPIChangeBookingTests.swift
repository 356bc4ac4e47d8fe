import Foundation
import Testing
import TestSupport

/// `POST /api/v1/bookings/{code}/cancel` and `/reschedule`: the customer changes their booking
/// with its code and e-mail, under the same deadline and rules as the CLI.
@Suite("serve API: cancelling and rescheduling")
struct ServeAPIChangeBookingTests {
    static func cancel(_ serve: ServeWorld, _ code: String, _ body: Any) throws -> HTTPExchange.Answer {
        try serve.http.post("/api/v1/bookings/\(code)/cancel", json: jsonText(body))
    }

    static func reschedule(_ serve: ServeWorld, _ code: String, _ body: Any) throws -> HTTPExchange.Answer {
        try serve.http.post("/api/v1/bookings/\(code)/reschedule", json: jsonText(body))
    }

    @Test("cancel with the right e-mail: 200, the row cancelled and a cancelled event; a second cancel is 409 ILLEGAL_STATUS_CHANGE")
    func cancelled() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(email: "marie@example.com")
        let answer = try Self.cancel(serve, code.lowercased(), ["email": "Marie@Example.com", "reason": "Empêchée"])
        #expect(answer.status == 200 && answer.json["code"] as? String == code && answer.json["status"] as? String == "cancelled", "\(answer)")
        #expect(try serve.bookingRow(code).decode("status", as: String.self) == "cancelled")
        #expect(try serve.world.eventKinds(code).contains("cancelled"))
        #expect(try serve.world.value("""
            SELECT e.details->>'reason' FROM booking_events e JOIN bookings b ON b.id = e.booking_id
            WHERE b.public_code = \(code) AND e.kind = 'cancelled'
            """) == "Empêchée")
        // The freed slot can be booked again.
        #expect(try serve.book(serve.bookingBody(email: "pierre@example.com")).status == 201)

        let before = try serve.world.bookingState()
        let twice = try Self.cancel(serve, code, ["email": "marie@example.com"])
        #expect(twice.status == 409 && twice.errorCode == "ILLEGAL_STATUS_CHANGE", "\(twice)")
        let moveCancelled = try Self.reschedule(serve, code, ["email": "marie@example.com", "date": "2026-12-02", "time": "10:00"])
        #expect(moveCancelled.status == 409 && moveCancelled.errorCode == "ILLEGAL_STATUS_CHANGE", "\(moveCancelled)")
        #expect(try serve.world.bookingState() == before)
    }

    @Test("reschedule with the right e-mail: 200 with the new start, the row moved and a rescheduled event")
    func rescheduled() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(email: "marie@example.com")
        let answer = try Self.reschedule(serve, code, ["email": "marie@example.com", "date": "2026-12-03", "time": "15:30"])
        #expect(answer.status == 200, "\(answer)")
        #expect(answer.json["code"] as? String == code && answer.json["status"] as? String == "rescheduled")
        #expect(answer.json["start"] as? String == "2026-12-03T15:30:00+01:00" && answer.json["end"] as? String == "2026-12-03T16:30:00+01:00")
        let row = try serve.bookingRow(code)
        #expect(try row.decode("local_start", as: String.self) == "2026-12-03 15:30" && row.decode("status", as: String.self) == "rescheduled")
        #expect(try serve.world.eventKinds(code).contains("rescheduled"))
        // The old slot is free again, the new one taken.
        let slots = try serve.world.freeTimes("Coupe femme", on: "2026-12-01")
        #expect(slots.contains("10:00"))
        #expect(!(try serve.world.freeTimes("Coupe femme", on: "2026-12-03")).contains("15:30"))
    }

    @Test("a wrong e-mail or an unknown code is 404 BOOKING_NOT_FOUND, the same answer, and changes nothing")
    func wrongEmail() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(email: "marie@example.com")
        let before = try serve.world.bookingState()
        let answers = try [
            Self.cancel(serve, code, ["email": "pierre@example.com"]),
            Self.reschedule(serve, code, ["email": "pierre@example.com", "date": "2026-12-02", "time": "10:00"]),
            Self.cancel(serve, "AC-ZZZZZZ", ["email": "marie@example.com"]),
            Self.cancel(serve, "nonsense", ["email": "marie@example.com"]),
        ]
        for answer in answers {
            #expect(answer.status == 404 && answer.errorCode == "BOOKING_NOT_FOUND" && answer.body == answers[0].body, "\(answer)")
        }
        #expect(try serve.world.bookingState() == before)
    }

    @Test("within 24 hours of the start, cancel and reschedule are 409 CANCELLATION_DEADLINE_PASSED and change nothing")
    func deadline() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(date: "2026-12-01", time: "10:00", email: "marie@example.com")
        // A day and a minute before, still allowed (checked on another booking).
        let early = try serve.bookCode(date: "2026-12-01", time: "14:00", email: "marie@example.com")
        try serve.restart(now: "2026-11-30T13:59:00+01:00")
        #expect(try Self.cancel(serve, early, ["email": "marie@example.com"]).status == 200)

        try serve.restart(now: "2026-12-01T08:00:00+01:00")
        let before = try serve.world.bookingState()
        let cancel = try Self.cancel(serve, code, ["email": "marie@example.com"])
        #expect(cancel.status == 409 && cancel.errorCode == "CANCELLATION_DEADLINE_PASSED", "\(cancel)")
        let move = try Self.reschedule(serve, code, ["email": "marie@example.com", "date": "2026-12-10", "time": "10:00"])
        #expect(move.status == 409 && move.errorCode == "CANCELLATION_DEADLINE_PASSED", "\(move)")
        #expect(try serve.world.bookingState() == before)
    }

    @Test("rescheduling onto a taken slot or outside the hours is 409 SLOT_UNAVAILABLE and changes nothing")
    func takenSlot() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(time: "10:00", email: "marie@example.com")
        _ = try serve.bookCode(time: "14:00", email: "pierre@example.com")
        let before = try serve.world.bookingState()
        for (date, time) in [("2026-12-01", "14:00"), ("2026-12-01", "13:30"), ("2026-11-30", "10:00"), ("2026-12-01", "19:00")] {
            let answer = try Self.reschedule(serve, code, ["email": "marie@example.com", "date": date, "time": time])
            #expect(answer.status == 409 && answer.errorCode == "SLOT_UNAVAILABLE", "\(date) \(time): \(answer)")
        }
        #expect(try serve.world.bookingState() == before)
    }

    @Test("a missing e-mail, a reason over 500 characters, a bad date or time, an unknown field are 400 naming each; nothing changes")
    func validation() throws {
        let serve = try ServeWorld()
        let code = try serve.bookCode(email: "marie@example.com")
        let before = try serve.world.bookingState()
        let email = "marie@example.com"
        let cancels: [(body: Any, fields: Set<String>)] = [
            ([String: Any](), ["email"]),
            (["reason": "Malade"], ["email"]),
            (["email": "marie"], ["email"]),
            (["email": email, "reason": String(repeating: "x", count: 501)], ["reason"]),
            (["email": email, "reason": "Malade\u{0}"], ["reason"]),
            (["email": email, "reason": 42] as [String: Any], ["reason"]),
            (["email": email, "refund": true] as [String: Any], ["refund"]),
            ([email], ["body"]),
        ]
        for (body, fields) in cancels {
            expectValidation(try Self.cancel(serve, code, body), fields: fields, "cancel \(body)")
        }
        let moves: [(body: Any, fields: Set<String>)] = [
            (["date": "2026-12-02", "time": "10:00"], ["email"]),
            (["email": email, "time": "10:00"], ["date"]),
            (["email": email, "date": "2026-12-02"], ["time"]),
            (["email": email, "date": "2026-02-30", "time": "10:00"], ["date"]),
            (["email": email, "date": "2026-12-02", "time": "24:00"], ["time"]),
            (["email": email, "date": "2026-12-02", "time": "9:00"], ["time"]),
            (["email": email, "date": "2026-12-02", "time": "10:00", "force": true] as [String: Any], ["force"]),
            (["email": 1, "date": 2, "time": 3], ["email", "date", "time"]),
        ]
        for (body, fields) in moves {
            expectValidation(try Self.reschedule(serve, code, body), fields: fields, "reschedule \(body)")
        }
        // Exactly 500 characters is a reason.
        #expect(try serve.world.bookingState() == before)
        #expect(try Self.cancel(serve, code, ["email": email, "reason": String(repeating: "x", count: 500)]).status == 200)
    }
}
