import ArtisanStore
import Foundation
import Testing
import TestSupport

/// One value that a rule refuses: the flag, the value, and what the one-line error must name.
struct RefusedValue: Sendable, CustomTestStringConvertible {
    let flag: String
    let value: String
    let rule: String
    var testDescription: String { "\(flag) '\(value.count > 40 ? String(value.prefix(12)) + "…(\(value.count))" : value)' (\(rule))" }

    init(_ flag: String, _ value: String, _ rule: String) {
        self.flag = flag
        self.value = value
        self.rule = rule
    }

    /// `--flag: rule…`, the message's form.
    var message: String { "\(flag): \(rule)" }
}

/// `artisanctl artisan init | show | set` and `--artisan`, as a real process against PostgreSQL.
@Suite("artisan, through the binary")
struct ArtisanCommandTests {
    let world: CatalogueWorld

    init() throws { world = try CatalogueWorld() }

    static let artisanKeys: Set<String> = [
        "id", "displayName", "email", "phone", "timezone", "plan", "slotMinutes", "minNoticeMinutes", "horizonDays",
        "cancellationDeadlineHours", "paymentHoldMinutes", "payLinkHoldHours",
    ]

    @Test("init with every detail: shown as a table, stored as given, phone normalised")
    func initWithEverything() throws {
        let result = try world.initArtisan("--phone", "+33 6 12 34 56 78", "--timezone", "America/New_York", "--plan", "pro")
        #expect(result.stderr.isEmpty)
        let table = lines(result.stdout)
        #expect(table.first == "NAME                   Léa Martin")
        #expect(table.contains("E-MAIL                 lea@example.com"))
        #expect(table.contains("PHONE                  +33612345678"))
        #expect(table.contains("TIME ZONE              America/New_York"))
        #expect(table.contains("PLAN                   pro"))
        #expect(table.contains("SLOT                   30 min"))
        #expect(table.contains("CANCELLATION DEADLINE  24 h before"))
        let row = try world.connection.query("SELECT display_name, email, phone, timezone, plan FROM artisans")
        #expect(row.count == 1)
        #expect(row.first?.values == ["Léa Martin", "lea@example.com", "+33612345678", "America/New_York", "pro"])
    }

    @Test("init with only a name and an e-mail takes the defaults; show prints them as JSON and CSV")
    func defaultsAndShow() throws {
        try world.initArtisan(email: "Lea.Martin+RDV@Example.COM")
        let json = try world.object("artisan", "show")
        #expect(Set(json.keys) == Self.artisanKeys.subtracting(["phone"]))
        #expect(json["displayName"] as? String == "Léa Martin")
        #expect(json["email"] as? String == "lea.martin+rdv@example.com")
        #expect(json["timezone"] as? String == "Europe/Paris")
        #expect(json["plan"] as? String == "starter")
        #expect(json["slotMinutes"] as? Int == 30)
        #expect(json["minNoticeMinutes"] as? Int == 120)
        #expect(json["horizonDays"] as? Int == 60)
        #expect(json["cancellationDeadlineHours"] as? Int == 24)
        #expect((json["id"] as? String).flatMap(UUID.init(uuidString:)) != nil)
        let csv = try world.succeed("artisan", "show", "--output", "csv")
        let csvLines = lines(csv.stdout)
        #expect(csvLines.first == "displayName,email,phone,timezone,plan,slotMinutes,minNoticeMinutes,horizonDays,cancellationDeadlineHours,"
                + "paymentHoldMinutes,payLinkHoldHours,id")
        #expect(csvLines.count == 2)
        #expect(csvLines.last?.hasPrefix("Léa Martin,lea.martin+rdv@example.com,,Europe/Paris,starter,") == true)
    }

    @Test("set changes the details and every scheduling setting, and only those")
    func set() throws {
        try world.initArtisan()
        let result = try world.succeed(
            "artisan", "set", "--name", "Léa M.", "--phone", "0033 6 12 34 56 78", "--plan", "business", "--timezone", "America/New_York",
            "--slot-minutes", "15", "--min-notice-minutes", "60", "--horizon-days", "90", "--cancellation-hours", "48", "-o", "json")
        let json = try jsonObject(result.stdout)
        #expect(Set(json.keys) == Self.artisanKeys)
        #expect(json["displayName"] as? String == "Léa M.")
        #expect(json["email"] as? String == "lea@example.com")
        #expect(json["phone"] as? String == "+33612345678")
        #expect(json["plan"] as? String == "business")
        #expect(json["timezone"] as? String == "America/New_York")
        #expect(json["slotMinutes"] as? Int == 15)
        #expect(json["minNoticeMinutes"] as? Int == 60)
        #expect(json["horizonDays"] as? Int == 90)
        #expect(json["cancellationDeadlineHours"] as? Int == 48)
        let stored = try world.connection.query("""
            SELECT slot_granularity_minutes, min_notice_minutes, booking_horizon_days, cancellation_deadline_hours FROM artisans
            """)
        #expect(stored.first?.values == ["15", "60", "90", "48"])
        // An empty --phone removes it.
        #expect(try world.object("artisan", "set", "--phone", "")["phone"] == nil)
        #expect(try world.value("SELECT phone FROM artisans") == nil)
    }

    @Test("set --slot-minutes 15 makes a 45-minute service possible")
    func finerSlots() throws {
        try world.initArtisan()
        try world.expectRefused(["services", "create", "--name", "Brushing", "--duration", "45", "--price", "30", "--deposit-rate", "0"],
                                status: 65, mentioning: ["--duration:", "30-minute"])
        #expect(try world.object("artisan", "set", "--slot-minutes", "15")["slotMinutes"] as? Int == 15)
        #expect(try world.object("services", "create", "--name", "Brushing", "--duration", "45", "--price", "30", "--deposit-rate", "0")["durationMinutes"] as? Int == 45)
    }

    @Test("set --slot-minutes 60 is refused while a 90-minute service is active, allowed once it is archived")
    func coarserSlotsRefused() throws {
        try world.initArtisan()
        try world.createService("Coloration", duration: "90")
        try world.expectRefused(["artisan", "set", "--slot-minutes", "60"], status: 65,
                                mentioning: ["--slot-minutes: 60 does not divide the 90-minute service 'Coloration'", "archive"])
        try world.succeed("services", "archive", "Coloration")
        #expect(try world.object("artisan", "set", "--slot-minutes", "60")["slotMinutes"] as? Int == 60)
    }

    @Test("known time zones are accepted", arguments: ["America/New_York", "Europe/Paris", "Asia/Kolkata"])
    func knownZone(zone: String) throws {
        try world.initArtisan("--timezone", zone)
        #expect(try world.value("SELECT timezone FROM artisans") == zone)
    }

    @Test("phones in international form are accepted and stored compact", arguments: [
        ("+33 6 12 34 56 78", "+33612345678"), ("0033612345678", "+33612345678"), ("+1 (212) 555-0100", "+12125550100"),
    ])
    func internationalPhone(typed: String, stored: String) throws {
        try world.initArtisan("--phone", typed)
        #expect(try world.value("SELECT phone FROM artisans") == stored)
    }

    @Test("a name of 255 characters is accepted; spaces around it are dropped")
    func longestName() throws {
        let name = String(repeating: "é", count: 255)
        try world.initArtisan(name: "  \(name)  ")
        #expect(try world.value("SELECT display_name FROM artisans") == name)
    }

    static let refusedValues: [RefusedValue] = [
        RefusedValue("--email", "not-an-email", "must be an e-mail address"),
        RefusedValue("--email", "lea@example", "must be an e-mail address"),
        RefusedValue("--email", "léa martin@example.com", "must be an e-mail address"),
        RefusedValue("--email", "lea@@example.com", "must be an e-mail address"),
        RefusedValue("--email", "lea@exa_mple.com", "must be an e-mail address"),
        RefusedValue("--timezone", "Mars/Olympus", "must be an IANA time zone"),
        RefusedValue("--timezone", "../../etc/passwd", "must be an IANA time zone"),
        RefusedValue("--timezone", "Europe", "must be an IANA time zone"),
        RefusedValue("--plan", "gold", "must be one of starter, pro, business"),
        RefusedValue("--plan", "enterprise", "must be one of starter, pro, business"),
        RefusedValue("--phone", "06 12 34 56 78", "must be an international number"),
        RefusedValue("--phone", "+33 6", "must be an international number"),
        RefusedValue("--phone", "+33 6 12 34 56 78 90 12 34", "must be an international number"),
        RefusedValue("--phone", "+33 6 12 AB 56 78", "must be an international number"),
        RefusedValue("--name", "", "must not be empty"),
        RefusedValue("--name", "   ", "must not be empty"),
        RefusedValue("--name", String(repeating: "x", count: 256), "must be at most 255 characters"),
        RefusedValue("--name", "Léa\u{7}Martin", "must not contain control characters"),
        RefusedValue("--slot-minutes", "7", "must be one of 5, 10, 15, 20, 30, 60"),
        RefusedValue("--slot-minutes", "0", "must be one of 5, 10, 15, 20, 30, 60"),
        RefusedValue("--min-notice-minutes", "-1", "must be a whole number of minutes from 0 to 43200"),
        RefusedValue("--min-notice-minutes", "2h", "must be a whole number of minutes from 0 to 43200"),
        RefusedValue("--horizon-days", "0", "must be a whole number of days from 1 to 730"),
        RefusedValue("--horizon-days", "731", "must be a whole number of days from 1 to 730"),
        RefusedValue("--cancellation-hours", "721", "must be a whole number of hours from 0 to 720"),
    ]

    @Test("init refuses a value that breaks a rule with 65, naming the field and the rule; nothing is created",
          arguments: refusedValues)
    func initRefused(refusal: RefusedValue) throws {
        var arguments = ["artisan", "init"]
        if refusal.flag != "--name" { arguments += ["--name", "Léa Martin"] }
        if refusal.flag != "--email" { arguments += ["--email", "lea@example.com"] }
        try world.expectRefused(arguments + [refusal.flag, refusal.value], status: 65, mentioning: [refusal.message])
        #expect(try world.count("artisans") == 0)
    }

    @Test("set refuses a value that breaks a rule with 65 and changes nothing", arguments: refusedValues)
    func setRefused(refusal: RefusedValue) throws {
        try world.initArtisan("--phone", "+33612345678", "--plan", "pro")
        // A valid change alongside the bad one is not made either.
        let valid = refusal.flag == "--horizon-days" ? ["--plan", "business"] : ["--horizon-days", "90"]
        try world.expectRefused(["artisan", "set"] + valid + [refusal.flag, refusal.value], status: 65, mentioning: [refusal.message])
    }

    @Test("an e-mail already used by another artisan is refused by init and by set")
    func duplicateEmail() throws {
        try world.initArtisan()
        try world.expectRefused(["artisan", "init", "--name", "Other", "--email", "LEA@example.com"], status: 65,
                                mentioning: ["--email: lea@example.com is already an artisan's e-mail"])
        try world.initArtisan(name: "Paul", email: "paul@example.com")
        try world.expectRefused(["--artisan", "paul@example.com", "artisan", "set", "--email", "lea@example.com"], status: 65,
                                mentioning: ["--email:"])
    }

    @Test("without a terminal, init never prompts: 64 naming the missing flags", arguments: [
        ([String](), "artisan init needs --name, --email"),
        (["--name", "Léa"], "artisan init needs --email"),
        (["--email", "lea@example.com"], "artisan init needs --name"),
    ])
    func missingFlags(given: [String], message: String) throws {
        try world.expectRefused(["artisan", "init"] + given, status: 64, mentioning: [message])
    }

    @Test("every command that acts for the artisan says 66 when there is none", arguments: [
        ["artisan", "show"], ["artisan", "set", "--plan", "pro"], ["services", "list"], ["services", "create", "--name", "Coupe"],
        ["hours", "list"], ["hours", "set", "mon", "09:00-17:00"], ["breaks", "list"], ["breaks", "add", "tue", "12:00-13:00"],
        ["timeoff", "list"], ["timeoff", "add", "2026-12-24"], ["catalog", "export"],
    ])
    func noArtisan(arguments: [String]) throws {
        try world.expectRefused(arguments, status: 66, mentioning: ["no artisan is set up yet", "artisan init"])
    }

    @Test("with several artisans, --artisan EMAIL picks one; without it 64; an unknown one 66")
    func severalArtisans() throws {
        try world.initArtisan()
        try world.initArtisan(name: "Paul Durand", email: "paul@example.com")
        try world.expectRefused(["services", "list"], status: 64, mentioning: ["2 artisans", "--artisan EMAIL", "lea@example.com", "paul@example.com"])
        try world.expectRefused(["artisan", "show"], status: 64, mentioning: ["--artisan"])
        try world.succeed("--artisan", "paul@example.com", "services", "create", "--name", "Plomberie", "--duration", "60", "--price", "80",
                          "--deposit-rate", "0")
        try world.succeed("services", "create", "--name", "Coupe", "--duration", "60", "--price", "45", "--deposit-rate", "0", "--artisan", "lea@example.com")
        #expect(try world.array("--artisan", "paul@example.com", "services", "list").map { $0["name"] as? String } == ["Plomberie"])
        #expect(try world.array("--artisan", "LEA@example.com", "services", "list").map { $0["name"] as? String } == ["Coupe"])
        #expect(try world.object("--artisan", "paul@example.com", "artisan", "show")["displayName"] as? String == "Paul Durand")
        let all = try world.succeed("artisan", "show", "--all")
        #expect(lines(all.stdout).count == 3)
        #expect(all.stdout.contains("paul@example.com") && all.stdout.contains("lea@example.com"))
        try world.expectRefused(["--artisan", "nobody@example.com", "services", "list"], status: 66, mentioning: ["nobody@example.com"])
    }

    @Test("names that look like SQL or shell, and Unicode, are stored and shown literally", arguments: [
        "Robert'); DROP TABLE artisans;--", "$(rm -rf /)", "`id` && echo pwned", "Électricité générale ⚡", "Zoë \"Le Plombier\" O'Brien",
    ])
    func literalNames(name: String) throws {
        let shown = try world.initArtisan(name: name)
        #expect(lines(shown.stdout).first == "NAME                   \(name)")
        #expect(try world.object("artisan", "show")["displayName"] as? String == name)
        #expect(try world.value("SELECT display_name FROM artisans") == name)
        #expect(try world.count("artisans") == 1)
    }
}
