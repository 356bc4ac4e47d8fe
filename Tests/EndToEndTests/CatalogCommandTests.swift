import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `artisanctl catalog export | apply`, as a real process against PostgreSQL, with the README's
/// demo catalogue (scripts/demo/catalogue.json).
@Suite("catalog, through the binary")
struct CatalogCommandTests {
    let world: CatalogueWorld

    init() throws { world = try CatalogueWorld() }

    static let demoText: String = (try? String(contentsOf: demoCatalogue, encoding: .utf8)) ?? ""

    /// What applying the demo to an empty database does, line by line.
    static let demoPlan = [
        "+ artisan lea.martin@example.com",
        "+ service Coupe femme",
        "+ service Coloration",
        "+ service Coupe homme",
        "~ hours tue closed → 09:00-18:00",
        "~ hours wed closed → 09:00-18:00",
        "~ hours thu closed → 09:00-19:00",
        "~ hours fri closed → 09:00-19:00",
        "~ hours sat closed → 08:30-16:00",
        "+ break tue 12:30-13:30",
        "+ break wed 12:30-13:30",
        "+ break thu 12:30-13:30",
        "+ break fri 12:30-13:30",
        "+ time off 2026-12-24 → 2026-12-26 (Noël)",
    ]

    func apply(_ path: String, _ extra: String...) throws -> Binary.Result {
        try world.run(["catalog", "apply", "-f", path] + extra)
    }

    /// The demo document, changed by `edit`, written to a file of this world.
    func editedDemo(_ name: String = "edited.json", _ edit: (inout [String: Any]) throws -> Void) throws -> String {
        var document = try jsonObject(Self.demoText)
        try edit(&document)
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        return try world.file(name, String(decoding: data, as: UTF8.self))
    }

    @Test("the demo document is where the README says")
    func demoExists() throws {
        #expect(FileManager.default.fileExists(atPath: demoCatalogue.path))
        #expect(try jsonObject(Self.demoText)["services"] is [Any])
    }

    @Test("export prints the artisan, services, hours, breaks and time off as one JSON document")
    func export() throws {
        try world.initArtisan("--phone", "+33612345678", "--plan", "pro")
        try world.createService("Coupe femme", price: "45,5", depositRate: "30%", "--description", "Shampooing", "--buffer-after", "15")
        try world.createService("Ancienne", duration: "30", price: "20", depositRate: "0")
        try world.succeed("services", "archive", "Ancienne")
        try world.succeed("hours", "set", "mon-fri", "09:00-17:00")
        try world.succeed("hours", "set", "sat", "08:00-24:00")
        try world.succeed("breaks", "add", "tue", "12:00-13:00")
        try world.succeed("timeoff", "add", "2026-12-24", "--to", "2026-12-26", "--reason", "Noël")
        try world.succeed("timeoff", "add", "2027-01-04", "--from-time", "14:00", "--to-time", "18:00")

        let result = try world.succeed("catalog", "export")
        #expect(result.stderr.isEmpty)
        let document = try jsonObject(result.stdout)
        #expect(Set(document.keys) == ["artisan", "services", "hours", "breaks", "timeOff"])

        let artisan = try #require(document["artisan"] as? [String: Any])
        #expect(Set(artisan.keys) == [
            "displayName", "email", "phone", "timezone", "plan", "slotMinutes", "minNoticeMinutes", "horizonDays", "cancellationDeadlineHours",
            "paymentHoldMinutes", "payLinkHoldHours",
        ])
        #expect(artisan["email"] as? String == "lea@example.com")
        #expect(artisan["phone"] as? String == "+33612345678")
        #expect(artisan["plan"] as? String == "pro")
        #expect(artisan["slotMinutes"] as? Int == 30)

        let services = try #require(document["services"] as? [[String: Any]])
        #expect(services.count == 2)
        #expect(Set(services[0].keys) == [
            "name", "description", "durationMinutes", "price", "depositRate", "bufferBeforeMinutes", "bufferAfterMinutes", "active",
        ])
        #expect(services[0]["name"] as? String == "Coupe femme")
        #expect(services[0]["price"] as? String == "45.50")
        #expect(services[0]["depositRate"] as? String == "0.30")
        #expect(services[0]["durationMinutes"] as? Int == 60)
        #expect(services[0]["bufferAfterMinutes"] as? Int == 15)
        #expect(services[0]["active"] as? Bool == true)
        #expect(services[1]["name"] as? String == "Ancienne")
        #expect(services[1]["active"] as? Bool == false)

        #expect(document["hours"] as? [String: String] == [
            "mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00", "fri": "09:00-17:00", "sat": "08:00-24:00",
        ])
        #expect(document["breaks"] as? [[String: String]] == [["day": "tue", "hours": "12:00-13:00"]])
        #expect(document["timeOff"] as? [[String: String]] == [
            ["from": "2026-12-24", "to": "2026-12-26", "reason": "Noël"],
            ["from": "2027-01-04", "to": "2027-01-04", "fromTime": "14:00", "toTime": "18:00"],
        ])
    }

    @Test("apply of the demo on an empty database creates the artisan, 3 services, hours, breaks and time off")
    func applyDemo() throws {
        let result = try apply(demoCatalogue.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines(result.stdout) == Self.demoPlan)
        #expect(result.stderr.contains("14 changes applied."))

        #expect(try world.count("artisans") == 1)
        #expect(try world.count("services") == 3)
        #expect(try world.count("opening_rules") == 5)
        #expect(try world.count("break_rules") == 4)
        #expect(try world.count("time_off") == 1)

        let artisan = try world.object("artisan", "show")
        #expect(artisan["displayName"] as? String == "Atelier Léa Martin")
        #expect(artisan["phone"] as? String == "+33612345678")
        #expect(artisan["plan"] as? String == "pro")
        let services = try world.array("services", "list")
        #expect(services.map { $0["name"] as? String } == ["Coloration", "Coupe femme", "Coupe homme"])
        #expect(services.map { $0["priceCents"] as? Int } == [7200, 4550, 2500])
        #expect(services.map { $0["depositRate"] as? String } == ["0.40", "0.30", "0.20"])
        #expect(services.map { $0["durationMinutes"] as? Int } == [90, 60, 30])
        #expect(services.map { $0["bufferAfterMinutes"] as? Int } == [15, 0, 0])
        let week = lines(try world.succeed("hours", "list").stdout).map(withoutTrailingSpaces)
        #expect(week == [
            "DAY        HOURS        BREAKS",
            "Monday     closed",
            "Tuesday    09:00-18:00  12:30-13:30",
            "Wednesday  09:00-18:00  12:30-13:30",
            "Thursday   09:00-19:00  12:30-13:30",
            "Friday     09:00-19:00  12:30-13:30",
            "Saturday   08:30-16:00",
            "Sunday     closed",
        ])
        #expect(try world.array("timeoff", "list").first?["reason"] as? String == "Noël")
    }

    @Test("a second apply of the same file changes nothing and says so")
    func idempotent() throws {
        try #require(try apply(demoCatalogue.path).status == 0)
        let before = try world.snapshot()
        let again = try apply(demoCatalogue.path)
        #expect(again.status == 0)
        #expect(again.stdout == "No change: the database already matches the catalogue.\n")
        #expect(try world.snapshot() == before)
        let json = try apply(demoCatalogue.path, "--output", "json")
        #expect(try jsonArray(json.stdout).isEmpty)
    }

    @Test("--dry-run prints the plan and changes nothing, on an empty database and on a populated one")
    func dryRun() throws {
        let empty = try world.snapshot()
        let plan = try apply(demoCatalogue.path, "--dry-run")
        #expect(plan.status == 0)
        #expect(lines(plan.stdout) == ["Plan (dry run, nothing was changed):"] + Self.demoPlan)
        #expect(try world.snapshot() == empty)
        #expect(try world.count("artisans") == 0)

        let json = try apply(demoCatalogue.path, "--dry-run", "-o", "json")
        #expect(try jsonArray(json.stdout).map { $0["change"] as? String } == Self.demoPlan)
        #expect(try world.snapshot() == empty)

        try #require(try apply(demoCatalogue.path).status == 0)
        let populated = try world.snapshot()
        let edited = try editedDemo { document in
            var hours = document["hours"] as? [String: Any] ?? [:]
            hours["mon"] = "10:00-12:00"
            document["hours"] = hours
        }
        let changed = try apply(edited, "--dry-run")
        #expect(lines(changed.stdout) == ["Plan (dry run, nothing was changed):", "~ hours mon closed → 10:00-12:00"])
        #expect(try world.snapshot() == populated)
    }

    @Test("an edited file applies exactly its changes: a price, a service removed (archived, not deleted), a day closed")
    func editedFile() throws {
        try #require(try apply(demoCatalogue.path).status == 0)
        try world.book("Coupe homme")
        let before = try world.snapshot()
        let edited = try editedDemo { document in
            var services = document["services"] as? [[String: Any]] ?? []
            services[0]["price"] = "48"
            services.removeLast()
            document["services"] = services
            var hours = document["hours"] as? [String: Any] ?? [:]
            hours["sat"] = nil
            document["hours"] = hours
        }
        let result = try apply(edited)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines(result.stdout) == [
            "~ service Coupe femme: price",
            "- service Coupe homme (archived, bookings kept)",
            "~ hours sat 08:30-16:00 → closed",
        ])
        #expect(result.stderr.contains("3 changes applied."))

        let stored = try world.connection.query("SELECT name, base_price_cents, is_active::text FROM services ORDER BY name").map(\.values)
        #expect(stored == [["Coloration", "7200", "true"], ["Coupe femme", "4800", "true"], ["Coupe homme", "2500", "false"]])
        #expect(try world.value("SELECT count(*) FROM opening_rules WHERE day_of_week = 6") == "0")
        #expect(try world.count("opening_rules") == 4)
        let after = try world.snapshot()
        for table in ["artisans", "break_rules", "time_off", "bookings"] { #expect(after[table] == before[table], "\(table)") }
        // The Coupe homme row is the same one, only archived.
        #expect(after["services"]?.count == 3)

        let again = try apply(edited)
        #expect(again.stdout.hasPrefix("No change"))
        #expect(try world.snapshot() == after)
    }

    @Test("a service the file lists again is restored, not created anew")
    func restoreAndCreate() throws {
        try #require(try apply(demoCatalogue.path).status == 0)
        let without = try editedDemo("without.json") { document in
            var services = document["services"] as? [[String: Any]] ?? []
            services.removeLast()
            document["services"] = services
        }
        try #require(try apply(without).status == 0)
        let back = try apply(demoCatalogue.path)
        #expect(lines(back.stdout) == ["~ service Coupe homme: active"])
        #expect(try world.count("services") == 3)
        #expect(try world.value("SELECT count(*) FROM services WHERE is_active") == "3")
    }

    struct InvalidDocument: Sendable, CustomTestStringConvertible {
        let replacing: String
        let with: String
        let field: String
        var testDescription: String { field }
    }

    static let invalidDocuments: [InvalidDocument] = [
        InvalidDocument(replacing: #""price": "72.00""#, with: #""price": "72.005""#, field: "services[1].price: must be an amount in euros"),
        InvalidDocument(replacing: #""price": "25""#, with: #""price": "-25""#, field: "services[2].price"),
        InvalidDocument(replacing: #""depositRate": "0.40""#, with: #""depositRate": "40""#, field: "services[1].depositRate"),
        InvalidDocument(replacing: #""durationMinutes": 30"#, with: #""durationMinutes": 45"#, field: "services[2].durationMinutes"),
        InvalidDocument(replacing: #""slotMinutes": 30"#, with: #""slotMinutes": 60"#, field: "services[1].durationMinutes"),
        InvalidDocument(replacing: #""slotMinutes": 30"#, with: #""slotMinutes": 7"#, field: "artisan.slotMinutes"),
        InvalidDocument(replacing: #""bufferAfterMinutes": 15"#, with: #""bufferAfterMinutes": 481"#, field: "services[1].bufferAfterMinutes"),
        InvalidDocument(replacing: #""name": "Coupe homme""#, with: #""name": "COUPE FEMME""#, field: "services[2].name"),
        InvalidDocument(replacing: #""name": "Coupe homme""#, with: #""name": "  ""#, field: "services[2].name: must not be empty"),
        InvalidDocument(replacing: #""timezone": "Europe/Paris""#, with: #""timezone": "Mars/Olympus""#, field: "artisan.timezone"),
        InvalidDocument(replacing: #""email": "lea.martin@example.com""#, with: #""email": "lea.martin@""#, field: "artisan.email"),
        InvalidDocument(replacing: #""plan": "pro""#, with: #""plan": "gold""#, field: "artisan.plan"),
        InvalidDocument(replacing: #""phone": "+33612345678""#, with: #""phone": "0612345678""#, field: "artisan.phone"),
        InvalidDocument(replacing: #""horizonDays": 60"#, with: #""horizonDays": 0"#, field: "artisan.horizonDays"),
        InvalidDocument(replacing: #""sat": "08:30-16:00""#, with: #""sat": "16:00-08:30""#, field: "hours.sat: must end after it starts"),
        InvalidDocument(replacing: #""sat": "08:30-16:00""#, with: #""sam": "08:30-25:00""#, field: "hours.sam"),
        InvalidDocument(replacing: #""sat": "08:30-16:00""#, with: #""xyz": "08:30-16:00""#, field: "hours.xyz"),
        InvalidDocument(replacing: #""sat": "08:30-16:00""#, with: #""tue-sat": "08:30-16:00""#, field: "is given twice"),
        InvalidDocument(replacing: #""day": "tue-fri""#, with: #""day": "tue-xyz""#, field: "breaks[0].day"),
        InvalidDocument(replacing: #""hours": "12:30-13:30""#, with: #""hours": "13:30-12:30""#, field: "breaks[0].hours"),
        InvalidDocument(replacing: #""to": "2026-12-26""#, with: #""to": "2026-12-20""#, field: "timeOff[0].to"),
        InvalidDocument(replacing: #""from": "2026-12-24""#, with: #""from": "2026-02-30""#, field: "timeOff[0].from"),
        InvalidDocument(replacing: #""durationMinutes": 60"#, with: #""durationMinutes": "60""#, field: "services[0].durationMinutes: must be a whole number"),
        InvalidDocument(replacing: #""price": "25","#, with: "", field: "services[2].price: is missing"),
        InvalidDocument(replacing: #""displayName": "Atelier Léa Martin","#, with: "", field: "artisan.displayName: is missing"),
    ]

    @Test("an invalid file is refused with 65 naming the place in the document, and changes nothing", arguments: invalidDocuments)
    func invalidFile(invalid: InvalidDocument) throws {
        #expect(Self.demoText.contains(invalid.replacing))
        let bad = try world.file("bad.json", Self.demoText.replacingOccurrences(of: invalid.replacing, with: invalid.with))
        // Nothing on an empty database…
        try world.expectRefused(["catalog", "apply", "-f", bad], status: 65, mentioning: [invalid.field])
        try world.expectRefused(["catalog", "apply", "-f", bad, "--dry-run"], status: 65, mentioning: [invalid.field])
        // …nor on one that holds the catalogue already.
        try #require(try apply(demoCatalogue.path).status == 0)
        try world.expectRefused(["catalog", "apply", "-f", bad], status: 65, mentioning: [invalid.field])
    }

    @Test("a file with valid changes and one bad price changes nothing at all")
    func invalidAmongValid() throws {
        try #require(try apply(demoCatalogue.path).status == 0)
        let bad = try editedDemo { document in
            var services = document["services"] as? [[String: Any]] ?? []
            services[0]["price"] = "50"
            services[1]["price"] = "soixante-douze"
            document["services"] = services
            document["hours"] = ["mon-sat": "08:00-20:00"]
            document["breaks"] = [[String: Any]]()
        }
        try world.expectRefused(["catalog", "apply", "-f", bad], status: 65, mentioning: ["services[1].price"])
    }

    @Test("malformed JSON is refused with 65 and changes nothing", arguments: [
        "{ not json", "", "[]", "{\"artisan\": {}}", "null", String(demoText.dropLast(40)),
    ])
    func malformed(text: String) throws {
        try #require(try apply(demoCatalogue.path).status == 0)
        let path = try world.file("malformed.json", text)
        try world.expectRefused(["catalog", "apply", "-f", path], status: 65)
    }

    @Test("apply without --file is 64; a file that does not exist is 66")
    func applyUsage() throws {
        try world.expectRefused(["catalog", "apply"], status: 64, mentioning: ["--file"])
        try world.expectRefused(["catalog", "apply", "-f", "/nonexistent/catalogue.json"], status: 66, mentioning: ["/nonexistent/catalogue.json"])
    }

    @Test("apply reads the document from stdin with -f -")
    func applyFromStdin() throws {
        let result = try world.run(["catalog", "apply", "-f", "-"], stdin: Self.demoText)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines(result.stdout) == Self.demoPlan)
    }

    @Test("export, then apply of the export onto the same database: no change; onto an empty one: the same catalogue")
    func roundTrip() throws {
        try world.initArtisan(name: "Électricité générale ⚡", email: "elec@example.com", "--phone", "+33 1 23 45 67 89", "--plan", "business",
                              "--slot-minutes", "15", "--min-notice-minutes", "45", "--horizon-days", "30", "--cancellation-hours", "12")
        try world.createService("Robert'); DROP TABLE services;--", duration: "45", price: "0,05", depositRate: "1",
                                "--description", "$(rm -rf /)", "--buffer-before", "30", "--buffer-after", "480")
        try world.createService("Dépannage", duration: "75", price: "89.9", depositRate: "0.25")
        // An archived service whose name an active one took again.
        try world.succeed("services", "archive", "Dépannage")
        try world.createService("DÉPANNAGE", duration: "90", price: "95", depositRate: "0.25")
        try world.succeed("hours", "set", "lun-ven", "07:45-19:15")
        try world.succeed("hours", "set", "dim", "00:00-24:00")
        try world.succeed("breaks", "add", "mon-fri", "12:00-13:00")
        try world.succeed("breaks", "add", "wed", "16:00-16:15")
        try world.succeed("timeoff", "add", "2026-12-24", "--to", "2027-01-02", "--reason", "Fermeture « annuelle »")
        try world.succeed("timeoff", "add", "2026-11-01")
        try world.succeed("timeoff", "add", "2027-02-01", "--to", "2027-02-02", "--from-time", "18:00", "--to-time", "08:00")

        let exported = try world.succeed("catalog", "export").stdout
        let file = try world.file("export.json", exported)
        let before = try world.snapshot()
        let same = try apply(file)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout == "No change: the database already matches the catalogue.\n")
        #expect(try world.snapshot() == before)

        let elsewhere = try CatalogueWorld()
        let created = try elsewhere.run(["catalog", "apply", "-f", file])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try elsewhere.succeed("catalog", "export").stdout == exported)
        #expect(try elsewhere.count("services") == 3)
    }
}
