import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `artisanctl timeoff …`, as a real process against PostgreSQL, on Tuesday 24 November 2026
/// at 09:00 in Paris (`ARTISANCTL_NOW`).
@Suite("time off, through the binary")
struct TimeOffCommandTests {
    let world: CatalogueWorld

    init() throws {
        world = try CatalogueWorld()
        try world.initArtisan()
    }

    func stored() throws -> [[String?]] {
        try world.connection.query("""
            SELECT start_date::text, end_date::text, start_minutes::text, end_minutes::text, reason FROM time_off ORDER BY start_date, start_minutes
            """).map(\.values)
    }

    @Test("add whole days from DATE to --to with a reason: printed as a table and stored")
    func addDays() throws {
        let added = lines(try world.succeed("timeoff", "add", "2026-12-24", "--to", "2027-01-02", "--reason", "Congés de Noël").stdout)
        #expect(added.count == 2)
        #expect(added[0] == "FROM        TO          REASON          ID")
        #expect(added[1].hasPrefix("2026-12-24  2027-01-02  Congés de Noël  "))
        #expect(try stored() == [["2026-12-24", "2027-01-02", nil, nil, "Congés de Noël"]])
    }

    @Test("add one day, and part of a day with --from-time and --to-time")
    func addOneDayAndHours() throws {
        try world.succeed("timeoff", "add", "2026-12-07")
        try world.succeed("timeoff", "add", "2026-12-08", "--from-time", "14:00", "--to-time", "18:00", "--reason", "Dentiste")
        try world.succeed("timeoff", "add", "2026-12-09", "--to", "2026-12-10", "--from-time", "16:00", "--to-time", "10:00")
        try world.succeed("timeoff", "add", "2028-02-29", "--from-time", "00:00", "--to-time", "24:00")
        #expect(try stored() == [
            ["2026-12-07", "2026-12-07", nil, nil, nil],
            ["2026-12-08", "2026-12-08", "840", "1080", "Dentiste"],
            ["2026-12-09", "2026-12-10", "960", "600", nil],
            ["2028-02-29", "2028-02-29", "0", "1440", nil],
        ])
        let json = try world.array("timeoff", "list")
        #expect(json[1]["startTime"] as? String == "14:00")
        #expect(json[1]["endTime"] as? String == "18:00")
        #expect(json[1]["reason"] as? String == "Dentiste")
        #expect(Set(json[1].keys) == ["id", "startDate", "endDate", "startTime", "endTime", "reason"])
        #expect(Set(json[0].keys) == ["id", "startDate", "endDate"])
    }

    @Test("list hides time off that ended before today (in the artisan's zone) unless --all; JSON and CSV")
    func listFromToday() throws {
        for date in ["2026-11-01", "2026-11-23", "2026-11-24", "2026-12-24"] { try world.succeed("timeoff", "add", date) }
        try world.succeed("timeoff", "add", "2026-11-20", "--to", "2026-11-25", "--reason", "Salon")
        let upcoming = try world.array("timeoff", "list")
        #expect(upcoming.map { $0["startDate"] as? String } == ["2026-11-20", "2026-11-24", "2026-12-24"])
        let all = try world.array("timeoff", "list", "--all")
        #expect(all.map { $0["startDate"] as? String } == ["2026-11-01", "2026-11-20", "2026-11-23", "2026-11-24", "2026-12-24"])
        let table = lines(try world.succeed("timeoff", "list").stdout)
        #expect(table.count == 4)
        #expect(table[0].hasPrefix("FROM        TO          REASON  ID"))
        #expect(table[1].hasPrefix("2026-11-20  2026-11-25  Salon   "))
        let csv = lines(try world.succeed("timeoff", "list", "--all", "-o", "csv").stdout)
        #expect(csv.first == "startDate,endDate,reason,id")
        #expect(csv.count == 6)
    }

    @Test("'today' is the artisan's: 23:30 UTC on the 24th is already the 25th in Paris")
    func todayInTheArtisansZone() throws {
        try world.succeed("timeoff", "add", "2026-11-24")
        try world.succeed("timeoff", "add", "2026-11-25")
        let late = ["ARTISANCTL_NOW": "2026-11-24T23:30:00Z"]
        let listed = try jsonArray(try world.succeed(["timeoff", "list", "-o", "json"], environment: late).stdout)
        #expect(listed.map { $0["startDate"] as? String } == ["2026-11-25"])
        // In New York it is still the 24th.
        try world.succeed("artisan", "set", "--timezone", "America/New_York")
        let there = try jsonArray(try world.succeed(["timeoff", "list", "-o", "json"], environment: late).stdout)
        #expect(there.map { $0["startDate"] as? String } == ["2026-11-24", "2026-11-25"])
    }

    @Test("an empty list says how to add some, on stderr")
    func emptyList() throws {
        try world.succeed("timeoff", "add", "2026-01-01")
        let result = try world.succeed("timeoff", "list")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("timeoff add"))
    }

    static let refusals: [TimeOffRefusal] = [
        TimeOffRefusal(["2026-12-10", "--to", "2026-12-09"], "--to: must be on or after 2026-12-10"),
        TimeOffRefusal(["2026-12-10", "--from-time", "10:00"], "--to-time: is needed with --from-time"),
        TimeOffRefusal(["2026-12-10", "--to-time", "10:00"], "--from-time: is needed with --to-time"),
        TimeOffRefusal(["2030-02-30"], "DATE: must be a real date YYYY-MM-DD"),
        TimeOffRefusal(["2027-02-29"], "DATE: must be a real date YYYY-MM-DD"),
        TimeOffRefusal(["2026-13-01"], "DATE: must be a real date YYYY-MM-DD"),
        TimeOffRefusal(["24/12/2026"], "DATE: must be a real date YYYY-MM-DD"),
        TimeOffRefusal(["tomorrow"], "DATE: must be a real date YYYY-MM-DD"),
        TimeOffRefusal(["2026-12-10", "--to", "2026-12-32"], "--to: must be a real date YYYY-MM-DD"),
        TimeOffRefusal(["2026-12-10", "--from-time", "14:00", "--to-time", "10:00"], "--to-time: must be after --from-time on a single day"),
        TimeOffRefusal(["2026-12-10", "--from-time", "14:00", "--to-time", "14:00"], "--to-time: must be after --from-time on a single day"),
        TimeOffRefusal(["2026-12-10", "--from-time", "24:00", "--to-time", "24:00"], "--from-time: must be before 24:00"),
        TimeOffRefusal(["2026-12-10", "--from-time", "9:00", "--to-time", "12:00"], "--from-time: must be a time HH:MM"),
        TimeOffRefusal(["2026-12-10", "--from-time", "09:00", "--to-time", "25:00"], "--to-time: must be a time HH:MM"),
        TimeOffRefusal(["2026-12-10", "--reason", String(repeating: "x", count: 501)], "--reason: must be at most 500 characters"),
    ]

    @Test("add refuses bad dates and times: 65, field and rule named, nothing stored", arguments: refusals)
    func addRefused(refusal: TimeOffRefusal) throws {
        try world.succeed("timeoff", "add", "2026-12-24")
        try world.expectRefused(["timeoff", "add"] + refusal.arguments, status: 65, mentioning: [refusal.message])
        #expect(try world.count("time_off") == 1)
    }

    @Test("remove takes an id or a prefix, past entries too; an unknown one is 66")
    func remove() throws {
        try world.succeed("timeoff", "add", "2026-01-01", "--reason", "Jour de l'an")
        try world.succeed("timeoff", "add", "2026-12-24", "--to", "2026-12-26")
        let entries = try world.array("timeoff", "list", "--all")
        let past = try #require(entries.first?["id"] as? String)
        let removed = try world.succeed("timeoff", "remove", String(past.prefix(6)))
        #expect(removed.stderr.contains("Removed the time off 2026-01-01."))
        #expect(try stored() == [["2026-12-24", "2026-12-26", nil, nil, nil]])
        try world.expectRefused(["timeoff", "remove", past], status: 66, mentioning: ["no time off with the id \(past)"])
        try world.expectRefused(["timeoff", "remove", "ffffffff"], status: 66)
    }

    @Test("reasons that look like SQL or shell, and Unicode, are stored and shown literally")
    func literalReason() throws {
        let reason = "Fermé ⚡ '); DELETE FROM time_off;-- $(reboot)"
        try world.succeed("timeoff", "add", "2026-12-24", "--reason", reason)
        #expect(try world.array("timeoff", "list").first?["reason"] as? String == reason)
        #expect(try world.value("SELECT reason FROM time_off") == reason)
        #expect(try world.succeed("timeoff", "list").stdout.contains(reason))
    }
}

struct TimeOffRefusal: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let message: String
    var testDescription: String { arguments.map { $0.count > 20 ? String($0.prefix(8)) + "…" : $0 }.joined(separator: " ") }

    init(_ arguments: [String], _ message: String) {
        self.arguments = arguments
        self.message = message
    }
}
