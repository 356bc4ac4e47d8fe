import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `artisanctl hours …` and `breaks …`, as a real process against PostgreSQL.
@Suite("hours and breaks, through the binary")
struct WeekCommandTests {
    let world: CatalogueWorld

    init() throws {
        world = try CatalogueWorld()
        try world.initArtisan()
    }

    /// The stored opening rules: day number → "start-end" in minutes.
    func openingRules() throws -> [Int: String] {
        var rules: [Int: String] = [:]
        for row in try world.connection.query("SELECT day_of_week, start_minutes, end_minutes FROM opening_rules") {
            rules[try row.decode("day_of_week")] = "\(try row.decode("start_minutes", as: Int.self))-\(try row.decode("end_minutes", as: Int.self))"
        }
        return rules
    }

    @Test("hours list shows the week as a table, Monday first; JSON and CSV too")
    func hoursList() throws {
        try world.succeed("hours", "set", "mon-fri", "09:00-17:00")
        try world.succeed("hours", "set", "sam", "08:30-12:00")
        try world.succeed("breaks", "add", "tue", "12:00-13:00")
        try world.succeed("breaks", "add", "tue", "16:00-16:15")
        let table = try world.succeed("hours", "list")
        #expect(lines(table.stdout).map(withoutTrailingSpaces) == [
            "DAY        HOURS        BREAKS",
            "Monday     09:00-17:00",
            "Tuesday    09:00-17:00  12:00-13:00 16:00-16:15",
            "Wednesday  09:00-17:00",
            "Thursday   09:00-17:00",
            "Friday     09:00-17:00",
            "Saturday   08:30-12:00",
            "Sunday     closed",
        ])
        let json = try world.array("hours", "list")
        #expect(json.map { $0["day"] as? String } == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
        #expect(json.map { $0["dayOfWeek"] as? Int } == [1, 2, 3, 4, 5, 6, 0])
        #expect(json.map { $0["open"] as? Bool } == [true, true, true, true, true, true, false])
        #expect(Set(json[0].keys) == ["day", "dayOfWeek", "open", "start", "end", "breaks"])
        #expect(json[5]["start"] as? String == "08:30")
        #expect(json[5]["end"] as? String == "12:00")
        #expect(json[1]["breaks"] as? [String] == ["12:00-13:00", "16:00-16:15"])
        #expect(json[6]["start"] == nil)
        let csv = lines(try world.succeed("hours", "list", "-o", "csv").stdout)
        #expect(csv.first == "day,hours,breaks")
        #expect(csv.count == 8)
        #expect(csv.contains("sun,closed,"))
        #expect(csv.contains("tue,09:00-17:00,12:00-13:00 16:00-16:15"))
    }

    @Test("a week with nothing set is closed every day")
    func closedWeek() throws {
        let json = try world.array("hours", "list")
        #expect(json.count == 7)
        #expect(json.allSatisfy { $0["open"] as? Bool == false })
    }

    @Test("hours set takes days in English or French, ranges, lists and numbers (0 = Sunday)", arguments: [
        ("mon", [1]), ("mon-fri", [1, 2, 3, 4, 5]), ("lun-ven", [1, 2, 3, 4, 5]), ("sat,sun", [6, 0]), ("0", [0]),
        ("dimanche", [0]), ("Mardi", [2]), ("fri-mon", [5, 6, 0, 1]), ("mon,wed-thu", [1, 3, 4]), ("1-3", [1, 2, 3]),
    ])
    func hoursSetDays(days: String, numbers: [Int]) throws {
        let result = try world.succeed("hours", "set", days, "08:30-18:00")
        #expect(result.stderr.hasPrefix("Open "))
        #expect(try openingRules() == Dictionary(uniqueKeysWithValues: numbers.map { ($0, "510-1080") }))
    }

    @Test("hours may end at 24:00 and start at 00:00")
    func wholeDay() throws {
        try world.succeed("hours", "set", "sun", "00:00-24:00")
        #expect(try openingRules() == [0: "0-1440"])
        #expect(try world.array("hours", "list").last?["end"] as? String == "24:00")
    }

    @Test("hours set again replaces that day's hours: one range per day")
    func hoursReplace() throws {
        try world.succeed("hours", "set", "mon-fri", "09:00-17:00")
        try world.succeed("hours", "set", "wed", "14:00-19:30")
        #expect(try openingRules() == [1: "540-1020", 2: "540-1020", 3: "840-1170", 4: "540-1020", 5: "540-1020"])
        #expect(try world.count("opening_rules") == 5)
    }

    @Test("hours clear closes the given days, and is fine on a closed day")
    func hoursClear() throws {
        try world.succeed("hours", "set", "mon-sat", "09:00-17:00")
        let cleared = try world.succeed("hours", "clear", "mer,sat,sun")
        #expect(cleared.stderr.contains("Closed wed, sat, sun."))
        #expect(try openingRules() == [1: "540-1020", 2: "540-1020", 4: "540-1020", 5: "540-1020"])
        #expect(try world.succeed("hours", "list").stdout.contains("Wednesday  closed"))
    }

    static let refusedRanges: [RefusedValue] = [
        RefusedValue("RANGE", "17:00-09:00", "must end after it starts"),
        RefusedValue("RANGE", "09:00-09:00", "must end after it starts"),
        RefusedValue("RANGE", "25:00-26:00", "must be a time HH:MM from 00:00 to 24:00"),
        RefusedValue("RANGE", "09:00-25:00", "must be a time HH:MM from 00:00 to 24:00"),
        RefusedValue("RANGE", "09:00-24:30", "must be a time HH:MM from 00:00 to 24:00"),
        RefusedValue("RANGE", "9:5-10:00", "must be a time HH:MM from 00:00 to 24:00"),
        RefusedValue("RANGE", "09:5-10:00", "must be a time HH:MM from 00:00 to 24:00"),
        RefusedValue("RANGE", "09:00-17:60", "must be a time HH:MM from 00:00 to 24:00"),
        RefusedValue("RANGE", "09h00-17h00", "must be a time HH:MM from 00:00 to 24:00"),
        RefusedValue("RANGE", "09:00", "must be HH:MM-HH:MM"),
        RefusedValue("RANGE", "09:00-12:00-14:00", "must be HH:MM-HH:MM"),
    ]

    @Test("hours set refuses a bad range: 65, nothing changed", arguments: refusedRanges)
    func hoursSetRefusedRange(refusal: RefusedValue) throws {
        try world.succeed("hours", "set", "mon", "09:00-17:00")
        try world.expectRefused(["hours", "set", "tue", refusal.value], status: 65, mentioning: [refusal.message])
    }

    @Test("breaks add refuses a bad range: 65, nothing changed", arguments: refusedRanges)
    func breaksAddRefusedRange(refusal: RefusedValue) throws {
        try world.succeed("breaks", "add", "mon", "12:00-13:00")
        try world.expectRefused(["breaks", "add", "tue", refusal.value], status: 65, mentioning: [refusal.message])
    }

    static let refusedDays = ["xyz", "7", "mon-xyz", "monday-", "mon,,fri", "lun ven", "m"]

    @Test("an unknown day is refused by hours set, hours clear and breaks add: 65, nothing changed", arguments: refusedDays)
    func unknownDay(days: String) throws {
        try world.succeed("hours", "set", "mon-fri", "09:00-17:00")
        try world.succeed("breaks", "add", "mon", "12:00-13:00")
        for command in [["hours", "set", days, "09:00-17:00"], ["hours", "clear", days], ["breaks", "add", days, "12:00-13:00"]] {
            try world.expectRefused(command, status: 65, mentioning: ["DAYS: must be days such as mon, mon-fri"])
        }
    }

    @Test("breaks add on several days prints them; breaks list as a table, JSON and CSV")
    func breaksAddList() throws {
        let added = lines(try world.succeed("breaks", "add", "mar-jeu", "12:30-13:30").stdout)
        #expect(added.count == 4)
        #expect(added[0] == "DAY        HOURS        ID")
        #expect(added[1].hasPrefix("Tuesday    12:30-13:30  "))
        #expect(added[3].hasPrefix("Thursday   12:30-13:30  "))
        try world.succeed("breaks", "add", "mon", "10:00-10:15")
        #expect(try world.count("break_rules") == 4)

        let table = lines(try world.succeed("breaks", "list").stdout)
        #expect(table.map { String($0.prefix(24)) } == [
            "DAY        HOURS        ", "Monday     10:00-10:15  ", "Tuesday    12:30-13:30  ", "Wednesday  12:30-13:30  ",
            "Thursday   12:30-13:30  ",
        ])
        let json = try world.array("breaks", "list")
        #expect(json.map { $0["day"] as? String } == ["mon", "tue", "wed", "thu"])
        #expect(json.map { $0["dayOfWeek"] as? Int } == [1, 2, 3, 4])
        #expect(json.map { $0["start"] as? String } == ["10:00", "12:30", "12:30", "12:30"])
        #expect(json.allSatisfy { Set($0.keys) == ["id", "day", "dayOfWeek", "start", "end"] })
        #expect(lines(try world.succeed("breaks", "list", "--output", "csv").stdout).first == "day,hours,id")
    }

    @Test("adding a break that exists adds nothing")
    func breakTwice() throws {
        try world.succeed("breaks", "add", "tue", "12:00-13:00")
        let again = try world.succeed("breaks", "add", "tue", "12:00-13:00")
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.contains("already exist"))
        #expect(try world.count("break_rules") == 1)
    }

    @Test("breaks remove takes an id or a prefix of one from 'breaks list -o json'")
    func breaksRemove() throws {
        try world.succeed("breaks", "add", "tue,wed", "12:00-13:00")
        let breaks = try world.array("breaks", "list")
        let tuesday = try #require(breaks.first?["id"] as? String)
        let wednesday = try #require(breaks.last?["id"] as? String)
        let removed = try world.succeed("breaks", "remove", String(tuesday.prefix(8)))
        #expect(removed.stderr.contains("Removed the break tue 12:00-13:00."))
        #expect(try world.array("breaks", "list").map { $0["id"] as? String } == [wednesday])
        try world.succeed("breaks", "remove", wednesday.uppercased())
        #expect(try world.count("break_rules") == 0)
    }

    @Test("breaks remove of an unknown id is 66 and removes nothing", arguments: ["ffffffff", "00000000-0000-0000-0000-000000000000", "abc", "lunch"])
    func breaksRemoveUnknown(id: String) throws {
        try world.succeed("breaks", "add", "tue", "12:00-13:00")
        try world.expectRefused(["breaks", "remove", id], status: 66, mentioning: ["no break with the id \(id)"])
    }

    @Test("one artisan's week is not another's")
    func perArtisan() throws {
        try world.initArtisan(name: "Paul", email: "paul@example.com")
        try world.succeed("--artisan", "paul@example.com", "hours", "set", "sat", "10:00-12:00")
        try world.succeed("--artisan", "paul@example.com", "breaks", "add", "sat", "11:00-11:15")
        let lea = try world.array("--artisan", "lea@example.com", "hours", "list")
        #expect(lea.allSatisfy { $0["open"] as? Bool == false })
        #expect(try world.array("--artisan", "lea@example.com", "breaks", "list").isEmpty)
        let paulBreak = try #require(try world.array("--artisan", "paul@example.com", "breaks", "list").first?["id"] as? String)
        try world.expectRefused(["--artisan", "lea@example.com", "breaks", "remove", paulBreak], status: 66)
    }
}
