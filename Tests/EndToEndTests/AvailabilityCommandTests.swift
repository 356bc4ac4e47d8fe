import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `artisanctl availability` as a real process against PostgreSQL, on the demo catalogue,
/// "now" fixed to Tuesday 2026-11-24 09:00 in Paris unless a test says otherwise.
@Suite("availability, through the binary")
struct AvailabilityCommandTests {
    /// Coupe femme (60 min) from 13:30 to the last start of a day closing at `closing`.
    static func afternoon(until last: String) -> [String] {
        var times: [String] = []
        var minute = 13 * 60 + 30
        while true {
            let time = String(format: "%02d:%02d", minute / 60, minute % 60)
            times.append(time)
            if time == last { return times }
            minute += 30
        }
    }

    static let tuesdayFemme = ["11:00", "11:30"] + afternoon(until: "17:00")
    static let wednesdayFemme = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"] + afternoon(until: "17:00")
    static let thursdayFemme = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"] + afternoon(until: "18:00")

    @Test("table, JSON and CSV give the same slots, grouped by day in the table")
    func formats() throws {
        let world = try CatalogueWorld.demo()
        let table = lines(try world.succeed("availability", "--service", "Coupe femme", "--date", "2026-11-24", "--days", "3").stdout)
        #expect(table == [
            "DATE            FREE SLOTS",
            "2026-11-24 tue  " + Self.tuesdayFemme.joined(separator: " "),
            "2026-11-25 wed  " + Self.wednesdayFemme.joined(separator: " "),
            "2026-11-26 thu  " + Self.thursdayFemme.joined(separator: " "),
        ])
        let json = try world.slots("Coupe femme", from: "2026-11-24", days: 3)
        #expect(json.map { "\($0["date"] as? String ?? "") \($0["time"] as? String ?? "")" }
            == Self.tuesdayFemme.map { "2026-11-24 \($0)" } + Self.wednesdayFemme.map { "2026-11-25 \($0)" }
            + Self.thursdayFemme.map { "2026-11-26 \($0)" })
        #expect(Set(json[0].keys) == ["date", "time", "start", "end"])
        #expect(json[0]["start"] as? String == "2026-11-24T11:00:00+01:00")
        #expect(json[0]["end"] as? String == "2026-11-24T12:00:00+01:00")
        let csv = lines(try world.succeed("availability", "--service", "Coupe femme", "--date", "2026-11-24", "--days", "3", "--output", "csv").stdout)
        #expect(csv.first == "date,time,start,end")
        #expect(csv.count == json.count + 1)
        #expect(csv[1] == "2026-11-24,11:00,2026-11-24T11:00:00+01:00,2026-11-24T12:00:00+01:00")
        #expect(csv.last == "2026-11-26,18:00,2026-11-26T18:00:00+01:00,2026-11-26T19:00:00+01:00")
        // The default is seven days from today; the service may be named by its id too.
        let id = try #require(try world.value("SELECT id::text FROM services WHERE name = 'Coupe femme'"))
        let week = try jsonArray(world.succeed("availability", "--service", id, "--output", "json").stdout)
        #expect(Set(week.compactMap { $0["date"] as? String }) == ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"])
        // No slot at all: an empty list, and a sentence in the table.
        #expect(try world.slots("Coupe femme", from: "2026-12-24").isEmpty)
        let none = try world.succeed("availability", "--service", "Coupe femme", "--date", "2026-12-24", "--days", "1")
        #expect(none.stdout.isEmpty)
        #expect(none.stderr.contains("No free slot in those days."))
    }

    @Test("an archived service offers no slot, as it takes no booking")
    func archivedService() throws {
        let world = try CatalogueWorld.demo()
        try world.succeed("services", "archive", "Coupe homme")
        let result = try world.run("availability", "--service", "Coupe homme", "--date", "2026-11-25", "--json")
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("SERVICE_ARCHIVED"))
    }

    @Test("the minimum notice: nothing before now + 2 h on the first day, and nothing in the past")
    func minimumNotice() throws {
        let world = try CatalogueWorld.demo()
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-24").first == "11:00")
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-24", environment: ["ARTISANCTL_NOW": "2026-11-24T09:00:01+01:00"]).first == "11:30")
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-24", environment: ["ARTISANCTL_NOW": "2026-11-24T11:30:00+01:00"]).first == "13:30")
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-24", environment: ["ARTISANCTL_NOW": "2026-11-24T15:00:00+01:00"]) == ["17:00"])
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-24", environment: ["ARTISANCTL_NOW": "2026-11-24T15:00:01+01:00"]).isEmpty)
        // The day before today: nothing, though Saturday is open.
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-21").isEmpty)
        // Tomorrow is not affected.
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-25") == Self.wednesdayFemme)
    }

    @Test("breaks, closing time, closed days and time off")
    func breaksClosedDaysAndTimeOff() throws {
        let world = try CatalogueWorld.demo()
        // A 60-minute slot may not run into the 12:30–13:30 break; a 30-minute one may end at its start.
        let wednesday = try world.freeTimes("Coupe femme", on: "2026-11-25")
        #expect(wednesday.contains("11:30") && wednesday.contains("13:30"))
        #expect(!wednesday.contains("12:00") && !wednesday.contains("12:30") && !wednesday.contains("13:00"))
        let homme = try world.freeTimes("Coupe homme", on: "2026-11-25")
        #expect(homme.contains("12:00") && homme.contains("13:30"))
        #expect(!homme.contains("12:30") && !homme.contains("13:00"))
        // Saturday has no break and opens at 08:30 until 16:00.
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-28")
            == ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00"])
        // A slot ends no later than closing: 90 minutes ends at 18:00 on Wednesday, at 19:00 on Thursday.
        #expect(try world.freeTimes("Coloration", on: "2026-11-25").last == "16:30")
        #expect(try world.freeTimes("Coloration", on: "2026-11-26").last == "17:30")
        // Sunday and Monday are closed.
        let week = try world.slots("Coupe femme", from: "2026-11-28", days: 4)
        #expect(Set(week.compactMap { $0["date"] as? String }) == ["2026-11-28", "2026-12-01"])
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-30").isEmpty)
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-29").isEmpty)
        // Time off from 2026-12-24 to 26: those days are empty, the days around them are not.
        for day in ["2026-12-24", "2026-12-25", "2026-12-26"] {
            #expect(try world.freeTimes("Coupe femme", on: day).isEmpty, "\(day)")
        }
        let christmas = try world.slots("Coupe femme", from: "2026-12-22", days: 10)
        #expect(Set(christmas.compactMap { $0["date"] as? String }) == ["2026-12-22", "2026-12-23", "2026-12-29", "2026-12-30", "2026-12-31"])
        #expect(try world.freeTimes("Coupe femme", on: "2026-12-23") == Self.wednesdayFemme)
    }

    @Test("the horizon: 60 days from now to the minute")
    func horizon() throws {
        let world = try CatalogueWorld.demo()
        // 2026-11-24 09:00 + 60 days = Saturday 2027-01-23 09:00, the last start offered.
        #expect(try world.freeTimes("Coupe femme", on: "2027-01-23") == ["08:30", "09:00"])
        #expect(try world.freeTimes("Coupe femme", on: "2027-01-26").isEmpty)
        // A week later, the same Tuesday is a whole ordinary day (same hours as Wednesday).
        #expect(try world.freeTimes("Coupe femme", on: "2027-01-26", environment: ["ARTISANCTL_NOW": "2026-12-01T09:00:00+01:00"])
            == Self.wednesdayFemme)
    }

    @Test("buffers: a booking's span with its buffer after is busy, for every service, and a new slot's buffer must fit too")
    func buffers() throws {
        let world = try CatalogueWorld.demo()
        // Coloration 10:00–11:30, then 15 minutes kept free: busy until 11:45.
        let coloration = try world.create("Coloration", "2026-11-26", "10:00")
        #expect(coloration["end"] as? String == "2026-11-26T11:30:00+01:00")
        #expect(try world.value("SELECT upper(occupied) AT TIME ZONE 'Europe/Paris' FROM bookings")?.hasPrefix("2026-11-26 11:45") == true)
        // Coupe femme: 09:00 touches 10:00; 11:30 would start inside the buffer; 12:00 runs into the break.
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-26") == ["09:00"] + Self.afternoon(until: "18:00"))
        // Coupe homme: 12:00–12:30 fits between the buffer's end and the break.
        #expect(try world.freeTimes("Coupe homme", on: "2026-11-26").prefix(4) == ["09:00", "09:30", "12:00", "13:30"])
        try world.expectBookingRefused(CatalogueWorld.createArguments("Coupe femme", "2026-11-26", "11:30"), status: 65, code: "SLOT_UNAVAILABLE")
        try world.create("Coupe homme", "2026-11-26", "12:00")

        // A new Coloration's own buffer must not reach the next booking: Coupe femme at 11:00 on Friday.
        try world.create("Coupe femme", "2026-11-27", "11:00")
        let friday = try world.freeTimes("Coloration", on: "2026-11-27")
        #expect(friday.contains("09:00"), "09:00–10:30 + 15 min ends at 10:45, before 11:00")
        #expect(!friday.contains("09:30"), "09:30–11:00 + 15 min would end at 11:15")
        try world.expectBookingRefused(CatalogueWorld.createArguments("Coloration", "2026-11-27", "09:30"), status: 65, code: "SLOT_UNAVAILABLE")
        try world.create("Coloration", "2026-11-27", "09:00")
        #expect(try world.countOf(overlappingActivePairs) == 0)
    }

    @Test("bookings that touch are allowed: 10:00 and 11:00 back to back")
    func touchingBookings() throws {
        let world = try CatalogueWorld.demo()
        let first = try world.create("Coupe femme", "2026-11-26", "10:00")
        let second = try world.create("Coupe femme", "2026-11-26", "11:00")
        #expect(first["end"] as? String == second["start"] as? String)
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-26") == ["09:00"] + Self.afternoon(until: "18:00"))
        #expect(try world.freeTimes("Coupe homme", on: "2026-11-26").prefix(3) == ["09:00", "09:30", "12:00"])
        // And one just before: 09:00–10:00.
        try world.create("Coupe femme", "2026-11-26", "09:00")
        #expect(try world.countOf("SELECT count(*) AS n FROM bookings WHERE status = 'confirmed'") == 3)
        #expect(try world.countOf(overlappingActivePairs) == 0)
    }

    @Test("an external calendar block removes the slots it overlaps; a block mirroring one of our bookings does not")
    func externalBusyBlocks() throws {
        let world = try CatalogueWorld.demo()
        let fridayBefore = try world.freeTimes("Coupe femme", on: "2026-11-27")
        try world.connection.execute("""
            INSERT INTO external_busy_blocks (artisan_id, provider_id, source, summary, start_datetime, end_datetime)
            SELECT id, 'google', 'external', 'Dentist', '2026-11-26T14:00:00+01:00', '2026-11-26T15:00:00+01:00' FROM artisans
            """)
        try world.connection.execute("""
            INSERT INTO external_busy_blocks (artisan_id, provider_id, source, summary, start_datetime, end_datetime)
            SELECT id, 'google', 'booking', 'Mirror of a booking', '2026-11-27T14:00:00+01:00', '2026-11-27T15:00:00+01:00' FROM artisans
            """)
        let thursday = try world.freeTimes("Coupe femme", on: "2026-11-26")
        #expect(thursday == Self.thursdayFemme.filter { !["13:30", "14:00", "14:30"].contains($0) })
        #expect(try world.freeTimes("Coupe homme", on: "2026-11-26").contains("13:30"), "13:30–14:00 touches the block")
        #expect(try world.freeTimes("Coupe femme", on: "2026-11-27") == fridayBefore)
        #expect(fridayBefore.contains("14:00"))
        try world.expectBookingRefused(CatalogueWorld.createArguments("Coupe femme", "2026-11-26", "14:00"), status: 65, code: "SLOT_UNAVAILABLE")
        try world.expectBookingRefused(CatalogueWorld.createArguments("Coupe femme", "2026-11-26", "13:30"), status: 65, code: "SLOT_UNAVAILABLE")
        try world.create("Coupe femme", "2026-11-26", "15:00")
        try world.create("Coupe femme", "2026-11-27", "14:00")
    }

    @Test("DST: the spring day skips 02:00 and 02:30, the autumn day offers them once, at their first occurrence")
    func daylightSavingTime() throws {
        let world = try CatalogueWorld.demo(now: "2026-10-01T09:00:00+02:00")
        try world.succeed("artisan", "set", "--horizon-days", "730")
        try world.succeed("hours", "set", "sun", "00:00-24:00")
        let everyHalfHour = (0..<48).map { String(format: "%02d:%02d", $0 / 2, $0 % 2 * 30) }

        // 2027-03-28: 02:00 becomes 03:00.
        let spring = try world.slots("Coupe homme", from: "2027-03-28")
        let springTimes = spring.map { $0["time"] as? String ?? "?" }
        #expect(springTimes == everyHalfHour.filter { $0 != "02:00" && $0 != "02:30" })
        let beforeJump = try #require(spring.first { $0["time"] as? String == "01:30" })
        #expect(beforeJump["start"] as? String == "2027-03-28T01:30:00+01:00")
        #expect(beforeJump["end"] as? String == "2027-03-28T03:00:00+02:00", "30 real minutes")
        #expect(spring.first { $0["time"] as? String == "03:00" }?["start"] as? String == "2027-03-28T03:00:00+02:00")
        #expect(spring.last?["end"] as? String == "2027-03-29T00:00:00+02:00")
        let springTable = lines(try world.succeed("availability", "--service", "Coupe homme", "--date", "2027-03-28", "--days", "1").stdout)
        #expect(springTable.count == 2)
        #expect(springTable.last?.contains("01:30 03:00") == true)

        // 2026-10-25: 03:00 becomes 02:00 again; 02:00 and 02:30 are offered once, in summer time.
        let autumn = try world.slots("Coupe homme", from: "2026-10-25")
        let autumnTimes = autumn.map { $0["time"] as? String ?? "?" }
        #expect(autumnTimes == everyHalfHour)
        #expect(autumnTimes.filter { $0 == "02:00" }.count == 1 && autumnTimes.filter { $0 == "02:30" }.count == 1)
        #expect(autumn.first { $0["time"] as? String == "02:00" }?["start"] as? String == "2026-10-25T02:00:00+02:00")
        // 02:30 summer time + 30 minutes is the second 02:00, in winter time.
        #expect(autumn.first { $0["time"] as? String == "02:30" }?["end"] as? String == "2026-10-25T02:00:00+01:00")
        #expect(autumn.first { $0["time"] as? String == "03:00" }?["start"] as? String == "2026-10-25T03:00:00+01:00")
        let autumnCSV = lines(try world.succeed("availability", "--service", "Coupe homme", "--date", "2026-10-25", "--days", "1",
                                                "--output", "csv").stdout)
        #expect(autumnCSV.filter { $0.hasPrefix("2026-10-25,02:00,") } == ["2026-10-25,02:00,2026-10-25T02:00:00+02:00,2026-10-25T02:30:00+02:00"])
        #expect(autumnCSV.filter { $0.hasPrefix("2026-10-25,02:30,") } == ["2026-10-25,02:30,2026-10-25T02:30:00+02:00,2026-10-25T02:00:00+01:00"])

        // Booking those times: 02:30 in October is the summer-time one; 02:00 in March does not exist.
        let booked = try world.create("Coupe homme", "2026-10-25", "02:30")
        #expect(booked["start"] as? String == "2026-10-25T02:30:00+02:00")
        #expect(try world.freeTimes("Coupe homme", on: "2026-10-25") == everyHalfHour.filter { $0 != "02:30" })
        try world.expectBookingRefused(CatalogueWorld.createArguments("Coupe homme", "2027-03-28", "02:00"), status: 65, code: "SLOT_UNAVAILABLE")
        try world.expectBookingRefused(CatalogueWorld.createArguments("Coupe homme", "2027-03-28", "02:30"), status: 65, code: "SLOT_UNAVAILABLE")
        let afterJump = try world.create("Coupe homme", "2027-03-28", "03:00")
        #expect(afterJump["start"] as? String == "2027-03-28T03:00:00+02:00")
    }

    @Test("bad input: an impossible date, a count of days out of range, an unknown service")
    func badInput() throws {
        let world = try CatalogueWorld.demo()
        try world.expectBookingRefused(["availability", "--service", "Coupe femme", "--date", "2030-02-30"], status: 65,
                                       code: "VALIDATION_ERROR", message: "--date:")
        try world.expectBookingRefused(["availability", "--service", "Coupe femme", "--days", "0"], status: 65,
                                       code: "VALIDATION_ERROR", message: "--days:")
        try world.expectBookingRefused(["availability", "--service", "Coupe femme", "--days", "x"], status: 65,
                                       code: "VALIDATION_ERROR", message: "--days:")
        try world.expectBookingRefused(["availability", "--service", "Brushing"], status: 66, code: "SERVICE_NOT_FOUND")
        try world.expectBookingRefused(["availability", "--date", "2026-11-26"], status: 64, code: nil)
    }
}
