import ArtisanStore
import Foundation
import Testing
import TestSupport

/// One refused `bookings create`: what is changed from a good request, and how it must fail.
struct BadBooking: Sendable, CustomTestStringConvertible {
    let label: String
    let arguments: [String]
    let status: Int32
    let code: String?
    /// What the one-line error starts with, after `artisanctl: error: `.
    let message: String
    var archiveFirst = false

    var testDescription: String { label }

    /// A good request (Friday 2026-11-27 10:00, free) with `changes` applied; nil removes a flag.
    static func create(_ label: String, _ changes: [String: String?], status: Int32 = 65, code: String?, message: String = "",
                       archiveFirst: Bool = false) -> BadBooking {
        var values: [(String, String?)] = [("service", "Coupe femme"), ("date", "2026-11-27"), ("time", "10:00"),
                                           ("name", "Marie Curie"), ("email", "marie@example.com"), ("phone", nil)]
        for index in values.indices where changes.keys.contains(values[index].0) { values[index].1 = changes[values[index].0]! }
        let arguments = ["bookings", "create"] + values.flatMap { flag, value in value.map { ["--\(flag)", $0] } ?? [] }
        return BadBooking(label: label, arguments: arguments, status: status, code: code, message: message, archiveFirst: archiveFirst)
    }

    static func invalid(_ label: String, _ flag: String, _ value: String) -> BadBooking {
        create(label, [flag: value], code: "VALIDATION_ERROR", message: "--\(flag): ")
    }

    static func unavailable(_ label: String, _ changes: [String: String?]) -> BadBooking {
        create(label, changes, code: "SLOT_UNAVAILABLE", message: "this slot is already booked or unavailable")
    }

    static let all: [BadBooking] = [
        invalid("impossible date 2030-02-30", "date", "2030-02-30"),
        invalid("month 13", "date", "2026-13-01"),
        invalid("date in another format", "date", "27/11/2026"),
        invalid("time 25:00", "time", "25:00"),
        invalid("time 9:5", "time", "9:5"),
        invalid("time 10:60", "time", "10:60"),
        invalid("e-mail without domain", "email", "marie@"),
        invalid("e-mail without @", "email", "marie.example.com"),
        invalid("e-mail with two @", "email", "marie@@example.com"),
        invalid("e-mail without a top-level domain", "email", "marie@example"),
        invalid("e-mail with a space", "email", "marie curie@example.com"),
        invalid("name of 1 character", "name", "M"),
        invalid("name of 256 characters", "name", String(repeating: "a", count: 256)),
        invalid("name of spaces", "name", "   "),
        invalid("name of 255 characters made of 510 code points", "name", String(repeating: "e\u{301}", count: 255)),
        invalid("phone 12345", "phone", "12345"),
        invalid("phone +12-abc", "phone", "+12-abc"),
        invalid("phone of 9 digits", "phone", "061234567"),
        invalid("phone of 16 digits", "phone", "+1234567890123456"),
        create("unknown service", ["service": "Brushing"], status: 66, code: "SERVICE_NOT_FOUND", message: "no service 'Brushing'"),
        create("archived service", ["service": "Coupe homme"], code: "SERVICE_ARCHIVED", message: "--service: 'Coupe homme' is archived",
               archiveFirst: true),
        unavailable("a time off the 30-minute grid", ["time": "10:10"]),
        unavailable("the slot already booked", ["date": "2026-11-26", "time": "10:00"]),
        unavailable("a slot overlapping a booking", ["date": "2026-11-26", "time": "10:30"]),
        unavailable("a slot in the past", ["date": "2026-11-21", "time": "10:00"]),
        unavailable("now itself, inside the minimum notice", ["date": "2026-11-24", "time": "09:00"]),
        unavailable("inside the minimum notice", ["date": "2026-11-24", "time": "10:30"]),
        unavailable("beyond the horizon", ["date": "2027-01-26", "time": "10:00"]),
        unavailable("half an hour past the horizon", ["date": "2027-01-23", "time": "09:30"]),
        unavailable("in the break", ["time": "12:30"]),
        unavailable("running into the break", ["time": "12:00"]),
        unavailable("before opening", ["time": "08:30"]),
        unavailable("running past closing", ["time": "18:30"]),
        unavailable("at 24:00", ["time": "24:00"]),
        unavailable("on a Monday, closed", ["date": "2026-11-30"]),
        unavailable("on a Sunday, closed", ["date": "2026-11-29"]),
        unavailable("on a day off", ["date": "2026-12-24"]),
        create("no --email without a terminal", ["email": nil], status: 64, code: nil, message: "bookings create needs --email"),
        create("no --service nor --time without a terminal", ["service": nil, "time": nil], status: 64, code: nil,
               message: "bookings create needs --service, --time"),
    ]
}

/// Every bad input of `bookings create` and `reschedule`: a one-line error naming the field,
/// exit 65 (66 for what does not exist, 64 for what is missing), and nothing written.
@Suite("bookings, bad input, through the binary")
struct BookingInputTests {
    let world: CatalogueWorld
    /// Thursday 2026-11-26 10:00–11:00, so that the tables compared are not empty.
    let existing: String

    init() throws {
        world = try CatalogueWorld.demo()
        existing = try world.createCode("Coupe femme", "2026-11-26", "10:00", name: "Jeanne Existante", email: "jeanne@example.com")
    }

    @Test("create refuses it, says why in one line, and writes nothing", arguments: BadBooking.all)
    func refused(_ bad: BadBooking) throws {
        if bad.archiveFirst { try world.succeed("services", "archive", "Coupe homme") }
        let before = try world.bookingState()
        #expect(before.count == 2, "one booking and its event")
        try world.expectBookingRefused(bad.arguments, status: bad.status, code: bad.code, message: bad.message)
        #expect(try world.countOf("SELECT count(*) AS n FROM bookings") == 1)
        #expect(try world.countOf("SELECT count(*) AS n FROM booking_events") == 1)
        #expect(try world.bookingState() == before)
    }

    @Test("the same request with the bad part fixed is accepted (the refusals above are for the reason given)")
    func controlRequestSucceeds() throws {
        let good = BadBooking.create("good", [:], code: nil)
        let booking = try jsonObject(world.succeed(good.arguments + ["--output", "json"]).stdout)
        #expect(booking["start"] as? String == "2026-11-27T10:00:00+01:00")
        // The archived service, restored, takes bookings again.
        try world.succeed("services", "archive", "Coupe homme")
        try world.succeed("services", "restore", "Coupe homme")
        try world.create("Coupe homme", "2026-11-27", "11:00")
    }

    @Test("the limits themselves are accepted: 2 and 255 characters, 10 and 15 digits")
    func limitsAccepted() throws {
        let short = try world.create("Coupe homme", "2026-11-27", "09:00", name: "Al", email: "al+rdv@example.com", ["--phone", "06 12 34 56 78"])
        #expect(short["customerName"] as? String == "Al")
        #expect(short["customerEmail"] as? String == "al+rdv@example.com")
        #expect(short["customerPhone"] as? String == "0612345678")
        let long = String(repeating: "é", count: 255)
        let wide = try world.create("Coupe homme", "2026-11-27", "09:30", name: long, email: "long@example.com", ["--phone", "+123456789012345"])
        #expect(wide["customerName"] as? String == long)
        #expect(wide["customerPhone"] as? String == "+123456789012345")
        #expect(try world.value("SELECT char_length(customer_name)::text FROM bookings WHERE customer_email = 'long@example.com'") == "255")
        // Surrounding spaces are not part of the name; --sms and --no-email are kept.
        let trimmed = try world.create("Coupe homme", "2026-11-27", "10:00", name: "  Zoé  ", email: " ZOE@Example.com ", ["--sms", "--no-email"])
        #expect(trimmed["customerName"] as? String == "Zoé")
        #expect(trimmed["customerEmail"] as? String == "zoe@example.com")
        #expect(trimmed["notifyBySMS"] as? Bool == true)
        #expect(trimmed["notifyByEmail"] as? Bool == false)
        #expect(try world.value("SELECT notifications_email::text || ' ' || notifications_sms::text FROM bookings WHERE customer_name = 'Zoé'")
            == "false true")
    }

    @Test("reschedule and show refuse bad input the same way, and the booking stays where it was")
    func rescheduleAndShow() throws {
        let other = try world.createCode("Coupe femme", "2026-11-27", "10:00", name: "Paul Martin", email: "paul@example.com")
        let move = ["bookings", "reschedule", existing]
        try world.expectBookingRefused(move + ["--date", "2030-02-30", "--time", "10:00"], status: 65, code: "VALIDATION_ERROR", message: "--date: ")
        try world.expectBookingRefused(move + ["--date", "2026-11-27", "--time", "9:5"], status: 65, code: "VALIDATION_ERROR", message: "--time: ")
        try world.expectBookingRefused(move + ["--date", "2026-11-27", "--time", "25:00"], status: 65, code: "VALIDATION_ERROR", message: "--time: ")
        try world.expectBookingRefused(move + ["--date", "2026-11-27", "--time", "10:30"], status: 65, code: "SLOT_UNAVAILABLE",
                                       message: "this slot is already booked or unavailable")
        try world.expectBookingRefused(move + ["--date", "2026-11-27", "--time", "10:10"], status: 65, code: "SLOT_UNAVAILABLE")
        try world.expectBookingRefused(move + ["--date", "2026-11-30", "--time", "10:00"], status: 65, code: "SLOT_UNAVAILABLE")
        try world.expectBookingRefused(move + ["--date", "2027-01-26", "--time", "10:00"], status: 65, code: "SLOT_UNAVAILABLE")
        try world.expectBookingRefused(move + ["--date", "2026-11-26", "--time", "12:00"], status: 65, code: "SLOT_UNAVAILABLE")
        try world.expectBookingRefused(move + ["--date", "2026-11-27"], status: 64, code: nil)
        try world.expectBookingRefused(["bookings", "reschedule", "AC-ZZZZZZ", "--date", "2026-11-27", "--time", "15:00"],
                                       status: 66, code: "BOOKING_NOT_FOUND")
        try world.expectBookingRefused(["bookings", "cancel", "AC-ZZZZZZ"], status: 66, code: "BOOKING_NOT_FOUND")
        try world.expectBookingRefused(["bookings", "cancel", existing, "--reason", String(repeating: "x", count: 501)], status: 65,
                                       code: "VALIDATION_ERROR", message: "--reason: ")
        try world.expectBookingRefused(["bookings", "show", "XYZ"], status: 66, code: "BOOKING_NOT_FOUND")
        try world.expectBookingRefused(["bookings", "show", "AC-00000I"], status: 66, code: "BOOKING_NOT_FOUND")
        #expect(try world.object("bookings", "show", existing)["start"] as? String == "2026-11-26T10:00:00+01:00")
        #expect(try world.object("bookings", "show", other)["start"] as? String == "2026-11-27T10:00:00+01:00")
        #expect(try world.countOf(overlappingActivePairs) == 0)
    }
}
