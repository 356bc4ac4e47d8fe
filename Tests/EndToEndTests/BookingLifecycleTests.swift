import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `bookings create | list | show | cancel | reschedule` end to end, as real processes against
/// PostgreSQL, on the demo catalogue, "now" fixed to Tuesday 2026-11-24 09:00 in Paris.
@Suite("bookings lifecycle, through the binary")
struct BookingLifecycleTests {
    let world: CatalogueWorld

    init() throws { world = try CatalogueWorld.demo() }

    @Test("create → list → show → reschedule → cancel, with the slots freed at once and an event for each step")
    func lifecycle() throws {
        // Create.
        let created = try world.create("Coupe femme", "2026-11-26", "10:00", name: "Marie Curie", email: "Marie.Curie@Example.com",
                                       ["--phone", "+33 6 11 22 33 44"])
        let code = try world.code(of: created)
        #expect(code.wholeMatch(of: publicCodePattern) != nil, "\(code)")
        #expect(created["status"] as? String == "confirmed")
        #expect(created["depositStatus"] as? String == "pending")
        #expect(created["service"] as? String == "Coupe femme")
        #expect(created["date"] as? String == "2026-11-26")
        #expect(created["time"] as? String == "10:00")
        #expect(created["start"] as? String == "2026-11-26T10:00:00+01:00")
        #expect(created["end"] as? String == "2026-11-26T11:00:00+01:00")
        #expect(created["customerName"] as? String == "Marie Curie")
        #expect(created["customerEmail"] as? String == "marie.curie@example.com")
        #expect(created["customerPhone"] as? String == "+33611223344")
        #expect(created["notifyByEmail"] as? Bool == true)
        #expect(created["notifyBySMS"] as? Bool == false)
        #expect(try world.eventKinds(code) == ["created"])
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-26").starts(with: ["09:00", "11:00"]))

        // The table form of create names the code.
        let table = try world.succeed(CatalogueWorld.createArguments("Coupe homme", "2026-11-28", "09:00", name: "Paul Martin",
                                                                     email: "paul@example.com"))
        #expect(lines(table.stdout).first?.wholeMatch(of: #/CODE\s+AC-[A-HJ-NP-Z2-9]{6}/#) != nil, "\(table.stdout)")
        #expect(table.stdout.contains("DEPOSIT        5.00 € (pending)"))

        // List shows it, and only what was booked.
        #expect(try world.listedCodes().first == code)
        #expect(try world.listedCodes().count == 2)

        // Show, with and without the e-mail (in any case).
        let shown = try world.object("bookings", "show", code)
        #expect(shown["code"] as? String == code)
        #expect(shown["start"] as? String == "2026-11-26T10:00:00+01:00")
        #expect(shown["customerEmail"] as? String == "marie.curie@example.com")
        let shownByEmail = try world.object("bookings", "show", code.lowercased(), "--email", "MARIE.CURIE@example.com")
        #expect(shownByEmail["code"] as? String == code)
        let shownTable = try world.succeed("bookings", "show", code)
        #expect(lines(shownTable.stdout).contains("CODE           \(code)"))
        #expect(lines(shownTable.stdout).contains("WHEN           2026-11-26 10:00 (60 min)"))

        // A wrong e-mail and an unknown code: the same "not found", which never says which part was wrong.
        let unknown = code == "AC-ZZZZZZ" ? "AC-YYYYYY" : "AC-ZZZZZZ"
        let wrongEmail = try world.expectBookingRefused(["bookings", "show", code, "--email", "someone@example.com"],
                                                        status: 66, code: "BOOKING_NOT_FOUND")
        let unknownCode = try world.expectBookingRefused(["bookings", "show", unknown, "--email", "marie.curie@example.com"],
                                                         status: 66, code: "BOOKING_NOT_FOUND")
        #expect(wrongEmail.replacingOccurrences(of: code, with: "CODE") == unknownCode.replacingOccurrences(of: unknown, with: "CODE"))
        #expect(!wrongEmail.contains("someone") && !unknownCode.contains("marie"))
        try world.expectBookingRefused(["bookings", "show", unknown], status: 66, code: "BOOKING_NOT_FOUND")

        // Reschedule: same code, the old slot free at once, the new one taken.
        let moved = try jsonObject(world.succeed("bookings", "reschedule", code, "--date", "2026-11-27", "--time", "14:00", "--output", "json").stdout)
        #expect(moved["code"] as? String == code)
        #expect(moved["status"] as? String == "rescheduled")
        #expect(moved["start"] as? String == "2026-11-27T14:00:00+01:00")
        #expect(moved["end"] as? String == "2026-11-27T15:00:00+01:00")
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-26").starts(with: ["09:00", "09:30", "10:00", "10:30", "11:00"]))
        let friday = try world.freeTimes("Coupe femme", on: "2026-11-27")
        #expect(!friday.contains("13:30") && !friday.contains("14:00") && !friday.contains("14:30"))
        #expect(friday.contains("11:30") && friday.contains("15:00"))
        #expect(try world.countOf("SELECT count(*) AS n FROM bookings") == 2)
        #expect(try world.object("bookings", "show", code)["start"] as? String == "2026-11-27T14:00:00+01:00")
        #expect(try world.eventKinds(code) == ["created", "rescheduled"])

        // Rescheduling onto a slot that overlaps only the booking's own current one is allowed.
        let nudged = try jsonObject(world.succeed("bookings", "reschedule", code, "--date", "2026-11-27", "--time", "14:30", "--output", "json").stdout)
        #expect(nudged["start"] as? String == "2026-11-27T14:30:00+01:00")
        #expect(try world.eventKinds(code) == ["created", "rescheduled", "rescheduled"])

        // Cancel: the slot is free again, the history says why.
        let cancelled = try jsonObject(world.succeed("bookings", "cancel", code, "--reason", "Malade", "--output", "json").stdout)
        #expect(cancelled["code"] as? String == code)
        #expect(cancelled["status"] as? String == "cancelled")
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-27").contains("14:30"))
        #expect(try world.eventKinds(code) == ["cancelled", "created", "rescheduled", "rescheduled"])
        #expect(try world.value("""
            SELECT e.details->>'reason' FROM booking_events e JOIN bookings b ON b.id = e.booking_id
            WHERE b.public_code = \(code) AND e.kind = 'cancelled'
            """) == "Malade")
        #expect(try world.value("SELECT status FROM bookings WHERE public_code = \(code)") == "cancelled")

        // A cancelled booking can be neither cancelled again nor rescheduled, even with --force.
        try world.expectBookingRefused(["bookings", "cancel", code], status: 65, code: "ILLEGAL_STATUS_CHANGE", message: "booking \(code)")
        try world.expectBookingRefused(["bookings", "cancel", code, "--force"], status: 65, code: "ILLEGAL_STATUS_CHANGE")
        try world.expectBookingRefused(["bookings", "reschedule", code, "--date", "2026-12-01", "--time", "10:00"],
                                       status: 65, code: "ILLEGAL_STATUS_CHANGE")
        try world.expectBookingRefused(["bookings", "reschedule", code, "--date", "2026-12-01", "--time", "10:00", "--force"],
                                       status: 65, code: "ILLEGAL_STATUS_CHANGE")
        // Still listed, as cancelled.
        let listed = try world.array("bookings", "list")
        #expect(listed.map { $0["status"] as? String } == ["cancelled", "confirmed"])
        #expect(try world.countOf(overlappingActivePairs) == 0)
    }

    @Test("the deposit is computed in cents, rounded half-up, from the service's rate")
    func deposits() throws {
        let femme = try world.create("Coupe femme", "2026-11-25", "09:00")
        #expect(femme["priceCents"] as? Int == 4550)
        #expect(femme["depositRate"] as? String == "0.30")
        #expect(femme["depositCents"] as? Int == 1365)
        #expect(femme["deposit"] as? String == "13.65")
        let coloration = try world.create("Coloration", "2026-11-25", "14:00")
        #expect(coloration["priceCents"] as? Int == 7200)
        #expect(coloration["depositCents"] as? Int == 2880)
        // 10.35 × 30 % = 3.105: half-up gives 3.11 (truncation or half-even 3.10, binary floating point 3.10).
        try world.succeed("services", "update", "Coupe homme", "--price", "10.35", "--deposit-rate", "0.30")
        let homme = try world.create("Coupe homme", "2026-11-25", "10:00")
        #expect(homme["priceCents"] as? Int == 1035)
        #expect(homme["depositCents"] as? Int == 311)
        #expect(homme["deposit"] as? String == "3.11")
        // 0.05 × 30 % = 0.015 → 0.02.
        try world.succeed("services", "update", "Coupe homme", "--price", "0.05")
        #expect(try world.create("Coupe homme", "2026-11-25", "10:30")["depositCents"] as? Int == 2)
        let stored = try world.connection.query("SELECT price_cents, deposit_amount_cents FROM bookings ORDER BY start_datetime")
            .map { $0.values }
        #expect(stored == [["4550", "1365"], ["1035", "311"], ["5", "2"], ["7200", "2880"]])
    }

    @Test("public codes have the unambiguous form and differ from booking to booking")
    func publicCodes() throws {
        var codes: [String] = []
        for time in ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "13:30", "14:00", "14:30"] {
            codes.append(try world.createCode("Coupe homme", "2026-11-27", time))
        }
        for code in codes { #expect(code.wholeMatch(of: publicCodePattern) != nil, "\(code)") }
        #expect(Set(codes).count == codes.count)
        let stored = try world.connection.query("SELECT public_code FROM bookings").map { try $0.decode("public_code", as: String.self) }
        #expect(Set(stored) == Set(codes))
    }

    @Test("price, duration and deposit rate are copied: a later change of the service leaves the booking alone")
    func termsCopied() throws {
        let code = try world.createCode("Coupe femme", "2026-11-26", "10:00")
        try world.succeed("services", "update", "Coupe femme", "--price", "60", "--deposit-rate", "50%", "--duration", "90")
        let shown = try world.object("bookings", "show", code)
        #expect(shown["priceCents"] as? Int == 4550)
        #expect(shown["depositCents"] as? Int == 1365)
        #expect(shown["depositRate"] as? String == "0.30")
        #expect(shown["durationMinutes"] as? Int == 60)
        #expect(shown["end"] as? String == "2026-11-26T11:00:00+01:00")
        #expect(try world.connection.query("SELECT price_cents, duration_minutes, deposit_rate::text AS r FROM bookings")[0].values
            == ["4550", "60", "0.30"])
        // The old booking still occupies only its 60 minutes: 11:00 is free for the new 90-minute service.
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-26").contains("11:00"))
        // A reschedule keeps the terms it was sold with.
        let moved = try jsonObject(world.succeed("bookings", "reschedule", code, "--date", "2026-11-27", "--time", "09:00", "--output", "json").stdout)
        #expect(moved["durationMinutes"] as? Int == 60)
        #expect(moved["end"] as? String == "2026-11-27T10:00:00+01:00")
        #expect(moved["priceCents"] as? Int == 4550)
        // A new booking takes today's terms.
        let fresh = try world.create("Coupe femme", "2026-11-28", "09:00")
        #expect(fresh["priceCents"] as? Int == 6000)
        #expect(fresh["depositCents"] as? Int == 3000)
        #expect(fresh["durationMinutes"] as? Int == 90)
    }

    @Test("less than 24 h ahead, cancel and reschedule are refused unless --force")
    func cancellationDeadline() throws {
        // Today 15:00: six hours ahead, well past the deadline.
        let soon = try world.createCode("Coupe femme", "2026-11-24", "15:00")
        try world.expectBookingRefused(["bookings", "cancel", soon], status: 65, code: "CANCELLATION_DEADLINE_PASSED", message: "booking \(soon)")
        try world.expectBookingRefused(["bookings", "reschedule", soon, "--date", "2026-12-01", "--time", "10:00"],
                                       status: 65, code: "CANCELLATION_DEADLINE_PASSED")
        let refused = try world.run("bookings", "cancel", soon)
        #expect(refused.stderr.contains("--force"), "the hint names the override: \(refused.stderr)")

        let moved = try jsonObject(world.succeed("bookings", "reschedule", soon, "--date", "2026-11-24", "--time", "16:00", "--force",
                                                 "--output", "json").stdout)
        #expect(moved["start"] as? String == "2026-11-24T16:00:00+01:00")
        #expect(try world.value("""
            SELECT e.details->>'forced' FROM booking_events e JOIN bookings b ON b.id = e.booking_id
            WHERE b.public_code = \(soon) AND e.kind = 'rescheduled'
            """) == "true")
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-24").contains("15:00"))
        let cancelled = try jsonObject(world.succeed("bookings", "cancel", soon, "--force", "--output", "json").stdout)
        #expect(cancelled["status"] as? String == "cancelled")
        #expect(try world.eventKinds(soon) == ["cancelled", "created", "rescheduled"])

        // Thursday 10:00: cancellable until Wednesday 10:00 exactly, not a second later.
        let later = try world.createCode("Coupe femme", "2026-11-26", "10:00")
        try world.expectBookingRefused(["bookings", "cancel", later], status: 65, code: "CANCELLATION_DEADLINE_PASSED",
                                       environment: ["ARTISANCTL_NOW": "2026-11-25T10:00:01+01:00"])
        try world.expectBookingRefused(["bookings", "reschedule", later, "--date", "2026-11-27", "--time", "10:00"],
                                       status: 65, code: "CANCELLATION_DEADLINE_PASSED",
                                       environment: ["ARTISANCTL_NOW": "2026-11-25T10:00:01+01:00"])
        try world.succeed(["bookings", "reschedule", later, "--date", "2026-11-27", "--time", "10:00"],
                          environment: ["ARTISANCTL_NOW": "2026-11-25T10:00:00+01:00"])
        try world.succeed(["bookings", "cancel", later], environment: ["ARTISANCTL_NOW": "2026-11-26T10:00:00+01:00"])
        #expect(try world.value("SELECT status FROM bookings WHERE public_code = \(later)") == "cancelled")
    }

    @Test("list: default window today to 30 days ahead, chronological, and every filter")
    func listFilters() throws {
        // Booked out of order.
        let dec2 = try world.createCode("Coloration", "2026-12-02", "14:00", name: "Zoé Durand", email: "zoe@example.com")
        let nov25b = try world.createCode("Coupe femme", "2026-11-25", "10:00", name: "Marie Curie", email: "marie@example.com",
                                          ["--phone", "+33611223344"])
        let dec29 = try world.createCode("Coupe homme", "2026-12-29", "10:00", name: "Paul Martin", email: "paul@example.org")
        let dec23 = try world.createCode("Coupe femme", "2026-12-23", "09:00", name: "Anne Dupont", email: "anne@example.com")
        let nov25a = try world.createCode("Coupe homme", "2026-11-25", "09:00", name: "Jean Valjean", email: "jean@example.com")
        try world.succeed("bookings", "cancel", nov25a)

        // Default: from today to 30 days ahead (2026-12-24 included), in time order; cancelled ones too.
        #expect(try world.listedCodes() == [nov25a, nov25b, dec2, dec23])
        #expect(try world.listedCodes("--all") == [nov25a, nov25b, dec2, dec23, dec29])
        #expect(try world.listedCodes("--from", "2026-12-01", "--to", "2026-12-23") == [dec2, dec23])
        #expect(try world.listedCodes("--from", "2026-12-24") == [dec29])
        #expect(try world.listedCodes("--to", "2026-11-25") == [nov25a, nov25b])
        #expect(try world.listedCodes("--from", "2026-11-26", "--to", "2026-12-02") == [dec2])
        #expect(try world.listedCodes("--status", "cancelled") == [nov25a])
        #expect(try world.listedCodes("--status", "confirmed") == [nov25b, dec2, dec23])
        #expect(try world.listedCodes("--service", "Coupe homme") == [nov25a])
        #expect(try world.listedCodes("--service", "Coupe homme", "--all") == [nov25a, dec29])
        #expect(try world.listedCodes("--customer", "CURIE") == [nov25b])
        #expect(try world.listedCodes("--customer", "example.org", "--all") == [dec29])
        #expect(try world.listedCodes("--customer", "3361122") == [nov25b])
        #expect(try world.listedCodes("--customer", "%") == [])
        #expect(try world.listedCodes("--customer", "_") == [])
        #expect(try world.listedCodes("--status", "confirmed", "--service", "Coupe femme", "--customer", "dupont") == [dec23])
        // Later ARTISANCTL_NOW moves "today".
        #expect(try jsonArray(world.succeed(["bookings", "list", "--output", "json"],
                                            environment: ["ARTISANCTL_NOW": "2026-12-20T09:00:00+01:00"]).stdout)
            .map { $0["code"] as? String } == [dec23, dec29])

        // CSV: a header, then one line per booking in the same order.
        let csv = lines(try world.succeed("bookings", "list", "--output", "csv").stdout)
        #expect(csv.first == "code,date,time,service,customerName,status,deposit")
        #expect(csv.dropFirst().map { String($0.prefix(9)) } == [nov25a, nov25b, dec2, dec23])
        #expect(csv[2].hasPrefix("\(nov25b),2026-11-25,10:00,Coupe femme,Marie Curie,confirmed,13.65"))
        // JSON: the whole record.
        let json = try world.array("bookings", "list", "--from", "2026-11-25", "--to", "2026-11-25")
        #expect(json.count == 2)
        #expect(json[1]["code"] as? String == nov25b)
        #expect(json[1]["start"] as? String == "2026-11-25T10:00:00+01:00")
        #expect(json[1]["customerPhone"] as? String == "+33611223344")
        #expect(json[1]["depositCents"] as? Int == 1365)
        #expect(json[0]["status"] as? String == "cancelled")
        // Table: a header and a row per booking; an empty period says so.
        let table = lines(try world.succeed("bookings", "list").stdout)
        #expect(table.first?.hasPrefix("CODE") == true)
        #expect(table.count == 5)
        #expect(table[1].hasPrefix(nov25a) && table[1].contains("2026-11-25") && table[1].contains("cancelled"))
        let none = try world.succeed("bookings", "list", "--from", "2027-06-01")
        #expect(none.stdout.isEmpty)
        #expect(none.stderr.contains("No booking in that period."))
        #expect(try world.array("bookings", "list", "--from", "2027-06-01").isEmpty)

        // Bad filters.
        try world.expectBookingRefused(["bookings", "list", "--from", "2026-12-01", "--to", "2026-11-30"], status: 65, code: "VALIDATION_ERROR",
                                       message: "--to:")
        try world.expectBookingRefused(["bookings", "list", "--from", "2026-02-30"], status: 65, code: "VALIDATION_ERROR", message: "--from:")
        try world.expectBookingRefused(["bookings", "list", "--service", "Brushing"], status: 66, code: "SERVICE_NOT_FOUND")
        try world.expectBookingRefused(["bookings", "list", "--status", "lost"], status: 64, code: nil)
    }
}
