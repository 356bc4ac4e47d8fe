import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `artisanctl services …`, as a real process against PostgreSQL, for an artisan with 30-minute slots.
@Suite("services, through the binary")
struct ServiceCommandTests {
    let world: CatalogueWorld

    init() throws {
        world = try CatalogueWorld()
        try world.initArtisan()
    }

    static let serviceKeys: Set<String> = [
        "id", "name", "description", "durationMinutes", "price", "priceCents", "depositRate", "depositPercent", "deposit",
        "depositCents", "bufferBeforeMinutes", "bufferAfterMinutes", "active",
    ]

    @Test("create prints the service, stores cents and the rate, and JSON has stable camelCase fields")
    func create() throws {
        let table = try world.createService("Coupe femme", price: "45,50", depositRate: "30%", "--description", "Shampooing, coupe",
                                            "--buffer-before", "10", "--buffer-after", "15")
        #expect(lines(table.stdout) == [
            "NAME           Coupe femme", "DESCRIPTION    Shampooing, coupe", "DURATION       60 min", "PRICE          45.50 €",
            "DEPOSIT        30% = 13.65 €", "BUFFER BEFORE  10 min", "BUFFER AFTER   15 min", "STATE          active",
        ] + lines(table.stdout).suffix(1))
        #expect(lines(table.stdout).last?.hasPrefix("ID             ") == true)
        let stored = try world.connection.query("""
            SELECT name, description, duration_minutes, base_price_cents, deposit_rate::text, buffer_before_minutes, buffer_after_minutes, is_active::text
            FROM services
            """)
        #expect(stored.first?.values == ["Coupe femme", "Shampooing, coupe", "60", "4550", "0.30", "10", "15", "true"])

        let json = try world.object("services", "show", "Coupe femme")
        #expect(Set(json.keys) == Self.serviceKeys)
        #expect(json["name"] as? String == "Coupe femme")
        #expect(json["durationMinutes"] as? Int == 60)
        #expect(json["price"] as? String == "45.50")
        #expect(json["priceCents"] as? Int == 4550)
        #expect(json["depositRate"] as? String == "0.30")
        #expect(json["depositPercent"] as? String == "30%")
        #expect(json["deposit"] as? String == "13.65")
        #expect(json["depositCents"] as? Int == 1365)
        #expect(json["bufferBeforeMinutes"] as? Int == 10)
        #expect(json["bufferAfterMinutes"] as? Int == 15)
        #expect(json["active"] as? Bool == true)
        #expect(json["description"] as? String == "Shampooing, coupe")
    }

    @Test("list: the active services as a table, JSON and CSV; --all adds the archived ones")
    func list() throws {
        try world.createService("Coupe femme", price: "45.5", depositRate: "0.3", "--buffer-after", "15")
        try world.createService("Coloration", duration: "90", price: "72", depositRate: "40%")
        try world.createService("Ancienne coupe", duration: "30", price: "20", depositRate: "0")
        try world.succeed("services", "archive", "Ancienne coupe")

        let table = lines(try world.succeed("services", "list").stdout)
        #expect(table.count == 3)
        #expect(table[0].hasPrefix("NAME         DURATION  PRICE    DEPOSIT        BUFFERS   STATE   ID"))
        #expect(table[1].hasPrefix("Coloration   90 min    72.00 €  40% (28.80 €)  -         active  "))
        #expect(table[2].hasPrefix("Coupe femme  60 min    45.50 €  30% (13.65 €)  0/15 min  active  "))

        let json = try world.array("services", "list")
        #expect(json.map { $0["name"] as? String } == ["Coloration", "Coupe femme"])
        #expect(json.allSatisfy { Set($0.keys) == Self.serviceKeys.subtracting(["description"]) })
        #expect(json.map { $0["priceCents"] as? Int } == [7200, 4550])
        #expect(json.map { $0["depositRate"] as? String } == ["0.40", "0.30"])
        #expect(json.map { $0["durationMinutes"] as? Int } == [90, 60])
        #expect(json.map { $0["bufferAfterMinutes"] as? Int } == [0, 15])

        let csv = lines(try world.succeed("services", "list", "--output", "csv").stdout)
        #expect(csv.first == "name,durationMinutes,price,depositRate,buffers,active,id")
        #expect(csv.count == 3)

        let all = try world.array("services", "list", "--all")
        #expect(all.map { $0["name"] as? String } == ["Coloration", "Coupe femme", "Ancienne coupe"])
        #expect(all.map { $0["active"] as? Bool } == [true, true, false])
        #expect(lines(try world.succeed("services", "list", "--all").stdout).last?.contains("archived") == true)
    }

    @Test("an empty list says how to add one, on stderr; JSON is an empty array")
    func emptyList() throws {
        let table = try world.succeed("services", "list")
        #expect(table.stdout.isEmpty)
        #expect(table.stderr.contains("services create"))
        #expect(try world.array("services", "list").isEmpty)
    }

    @Test("show finds a service by name whatever the case, by id and by id prefix; 66 otherwise")
    func show() throws {
        let id = try #require(try world.object("services", "create", "--name", "Coupe femme", "--duration", "60", "--price", "45",
                                               "--deposit-rate", "0.3")["id"] as? String)
        for reference in ["Coupe femme", "COUPE FEMME", id, String(id.prefix(8)), id.uppercased()] {
            #expect(try world.object("services", "show", reference)["id"] as? String == id, "\(reference)")
        }
        try world.expectRefused(["services", "show", "Coupe homme"], status: 66, mentioning: ["no service 'Coupe homme'"])
        try world.expectRefused(["services", "show", "ffffffff"], status: 66)
    }

    @Test("prices in euros are kept in cents", arguments: [("45", 4500), ("45.5", 4550), ("45.50", 4550), ("45,50", 4550), ("0", 0), ("0,05", 5)])
    func priceAccepted(typed: String, cents: Int) throws {
        let json = try world.object("services", "create", "--name", "Coupe", "--duration", "60", "--price", typed, "--deposit-rate", "0")
        #expect(json["priceCents"] as? Int == cents)
        #expect(try world.value("SELECT base_price_cents FROM services") == String(cents))
    }

    @Test("deposit rates as a fraction or a whole percentage", arguments: [
        ("0.30", "0.30"), ("30%", "0.30"), ("0,3", "0.30"), ("0", "0.00"), ("1", "1.00"), ("100%", "1.00"), ("0.05", "0.05"),
    ])
    func depositRateAccepted(typed: String, stored: String) throws {
        let json = try world.object("services", "create", "--name", "Coupe", "--duration", "60", "--price", "45", "--deposit-rate", typed)
        #expect(json["depositRate"] as? String == stored)
        #expect(try world.value("SELECT deposit_rate::text FROM services") == stored)
    }

    @Test("durations and buffers at their limits are accepted")
    func limitsAccepted() throws {
        let json = try world.object("services", "create", "--name", "Chantier", "--duration", "1440", "--price", "900", "--deposit-rate", "0.5",
                                    "--buffer-before", "480", "--buffer-after", "0")
        #expect(json["durationMinutes"] as? Int == 1440)
        #expect(json["bufferBeforeMinutes"] as? Int == 480)
        #expect(json["bufferAfterMinutes"] as? Int == 0)
    }

    static let refusedValues: [RefusedValue] = [
        RefusedValue("--price", "-1", "must be an amount in euros"),
        RefusedValue("--price", "45.555", "must be an amount in euros"),
        RefusedValue("--price", "abc", "must be an amount in euros"),
        RefusedValue("--price", "1e3", "must be an amount in euros"),
        RefusedValue("--price", "45.", "must be an amount in euros"),
        RefusedValue("--price", "45 €", "must be an amount in euros"),
        RefusedValue("--price", "100000000", "must be an amount in euros"),
        RefusedValue("--deposit-rate", "1.5", "must be between 0 and 1"),
        RefusedValue("--deposit-rate", "150%", "must be between 0 and 1"),
        RefusedValue("--deposit-rate", "0.333", "must be between 0 and 1"),
        RefusedValue("--deposit-rate", "-0.1", "must be between 0 and 1"),
        RefusedValue("--deposit-rate", "33.3%", "must be between 0 and 1"),
        RefusedValue("--duration", "45", "must be a positive multiple of the 30-minute slot"),
        RefusedValue("--duration", "0", "must be a positive multiple of the 30-minute slot"),
        RefusedValue("--duration", "-30", "must be a positive multiple of the 30-minute slot"),
        RefusedValue("--duration", "1470", "must be a positive multiple of the 30-minute slot, at most 1440 minutes"),
        RefusedValue("--duration", "1h", "must be a positive multiple of the 30-minute slot"),
        RefusedValue("--buffer-before", "-1", "must be a whole number of minutes from 0 to 480"),
        RefusedValue("--buffer-before", "481", "must be a whole number of minutes from 0 to 480"),
        RefusedValue("--buffer-after", "-1", "must be a whole number of minutes from 0 to 480"),
        RefusedValue("--buffer-after", "481", "must be a whole number of minutes from 0 to 480"),
        RefusedValue("--name", "", "must not be empty"),
        RefusedValue("--name", " \t ", "must not be empty"),
        RefusedValue("--name", String(repeating: "é", count: 256), "must be at most 255 characters"),
        RefusedValue("--description", String(repeating: "x", count: 2001), "must be at most 2000 characters"),
    ]

    @Test("create refuses a value that breaks a rule: 65, field and rule named, nothing stored", arguments: refusedValues)
    func createRefused(refusal: RefusedValue) throws {
        var flags = ["--name": "Coupe", "--duration": "60", "--price": "45", "--deposit-rate": "0.30"]
        flags[refusal.flag] = refusal.value
        try world.expectRefused(["services", "create"] + flags.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] },
                                status: 65, mentioning: [refusal.message])
        #expect(try world.count("services") == 0)
    }

    @Test("update refuses the same values and leaves the service as it was", arguments: refusedValues)
    func updateRefused(refusal: RefusedValue) throws {
        try world.createService("Coupe", "--description", "Avant")
        // A valid change alongside the bad one is not made either.
        let valid = refusal.flag == "--description" ? ["--price", "50"] : ["--description", "Après"]
        try world.expectRefused(["services", "update", "Coupe"] + valid + [refusal.flag, refusal.value], status: 65, mentioning: [refusal.message])
    }

    @Test("update changes what it is given and nothing else")
    func update() throws {
        try world.createService("Coupe", price: "45", depositRate: "0.30", "--description", "Courte", "--buffer-before", "5")
        let json = try world.object("services", "update", "coupe", "--name", "Coupe courte", "--price", "48,90", "--buffer-after", "15",
                                    "--duration", "90")
        #expect(json["name"] as? String == "Coupe courte")
        #expect(json["priceCents"] as? Int == 4890)
        #expect(json["durationMinutes"] as? Int == 90)
        #expect(json["bufferAfterMinutes"] as? Int == 15)
        #expect(json["bufferBeforeMinutes"] as? Int == 5)
        #expect(json["depositRate"] as? String == "0.30")
        #expect(json["description"] as? String == "Courte")
        // An empty --description removes it.
        #expect(try world.object("services", "update", "Coupe courte", "--description", "")["description"] == nil)
        #expect(try world.count("services") == 1)
    }

    @Test("names are unique among active services, whatever the case; an archived one frees its name")
    func uniqueActiveNames() throws {
        try world.createService("Coupe femme")
        try world.expectRefused(["services", "create", "--name", "COUPE FEMME", "--duration", "30", "--price", "20", "--deposit-rate", "0"],
                                status: 65, mentioning: ["--name: an active service is already called 'COUPE FEMME'"])
        try world.createService("Coupe homme")
        try world.expectRefused(["services", "update", "Coupe homme", "--name", "coupe Femme"], status: 65, mentioning: ["--name:"])
        try world.succeed("services", "archive", "Coupe femme")
        #expect(try world.object("services", "create", "--name", "COUPE FEMME", "--duration", "30", "--price", "20", "--deposit-rate", "0")["active"] as? Bool == true)
        #expect(try world.count("services") == 3)
    }

    @Test("archive hides a service from the list and keeps it; restore brings it back")
    func archiveRestore() throws {
        try world.createService("Coupe femme")
        let archived = try world.succeed("services", "archive", "Coupe femme")
        #expect(archived.stderr.contains("Service 'Coupe femme' is archived."))
        #expect(try world.value("SELECT is_active::text FROM services") == "false")
        #expect(try world.array("services", "list").isEmpty)
        #expect(try world.object("services", "show", "Coupe femme")["active"] as? Bool == false)
        let restored = try world.succeed("services", "restore", "coupe femme")
        #expect(restored.stderr.contains("Service 'Coupe femme' is active."))
        #expect(try world.array("services", "list").map { $0["name"] as? String } == ["Coupe femme"])
        try world.expectRefused(["services", "archive", "Nothing"], status: 66)
    }

    @Test("restore is refused while an active service has that name, by name and by id")
    func restoreRefused() throws {
        let old = try #require(try world.object("services", "create", "--name", "Coupe", "--duration", "60", "--price", "45",
                                                "--deposit-rate", "0")["id"] as? String)
        try world.succeed("services", "archive", "Coupe")
        try world.createService("COUPE", price: "50")
        try world.expectRefused(["services", "restore", old], status: 65, mentioning: ["--name: an active service is already called 'Coupe'"])
        try world.expectRefused(["services", "restore", String(old.prefix(8))], status: 65, mentioning: ["--name:"])
        try world.expectRefused(["services", "restore", "Coupe"], status: 65, mentioning: ["--name:"])
        // Once the new one is archived, the old one comes back.
        try world.succeed("services", "archive", "COUPE")
        try world.succeed("services", "restore", old)
        #expect(try world.value("SELECT name FROM services WHERE is_active") == "Coupe")
    }

    @Test("delete is refused with 65 and a hint to archive when a booking refers to the service")
    func deleteWithBooking() throws {
        try world.createService("Coupe femme")
        try world.book("Coupe femme")
        let refused = try world.expectRefused(["services", "delete", "Coupe femme", "--yes"], status: 65,
                                              mentioning: ["service 'Coupe femme' has 1 booking and cannot be deleted",
                                                           "archive it instead: artisanctl services archive 'Coupe femme'"])
        #expect(refused.stderr.contains("hint:"))
        #expect(try world.count("services") == 1)
    }

    @Test("delete without bookings needs --yes without a terminal (64), then deletes")
    func delete() throws {
        try world.createService("Coupe femme")
        try world.createService("Coloration", duration: "90")
        try world.expectRefused(["services", "delete", "Coupe femme"], status: 64, mentioning: ["--yes"])
        let deleted = try world.succeed("services", "delete", "coupe femme", "--yes")
        #expect(deleted.stderr.contains("Deleted the service 'Coupe femme'."))
        #expect(try world.connection.query("SELECT name FROM services").map { $0["name"] } == ["Coloration"])
        try world.expectRefused(["services", "delete", "Coupe femme", "-y"], status: 66, mentioning: ["no service 'Coupe femme'"])
    }

    @Test("an id prefix is hex digits and dashes: LIKE's wildcards name no service", arguments: ["%-%-", "____-", "%%%%"])
    func wildcardsAreNotPrefixes(reference: String) throws {
        try world.createService("Coupe femme")
        try world.expectRefused(["services", "delete", "--yes", "--", reference], status: 66, mentioning: ["no service '\(reference)'"])
        #expect(try world.count("services") == 1)
    }

    @Test("without a terminal, create never prompts: 64 naming the missing flags", arguments: [
        (["--name", "X"], "services create needs --duration, --price, --deposit-rate"),
        ([], "services create needs --name, --duration, --price, --deposit-rate"),
        (["--name", "X", "--duration", "60", "--price", "45"], "services create needs --deposit-rate"),
    ])
    func missingFlags(given: [String], message: String) throws {
        try world.expectRefused(["services", "create"] + given, status: 64, mentioning: [message])
    }

    @Test("names and descriptions that look like SQL or shell, and Unicode, are stored and shown literally", arguments: [
        ("Robert'); DROP TABLE services;--", "$(rm -rf /)"),
        ("Électricité générale ⚡", "Tableau, prises & câblage — « devis » gratuit"),
        ("`reboot`; echo 'x' > /tmp/pwned", "%s %n \\x00 ${HOME}"),
    ])
    func literalStrings(name: String, description: String) throws {
        let created = try world.createService(name, "--description", description)
        #expect(lines(created.stdout).prefix(2) == ["NAME           \(name)", "DESCRIPTION    \(description)"])
        let json = try world.object("services", "show", name)
        #expect(json["name"] as? String == name)
        #expect(json["description"] as? String == description)
        #expect(try world.value("SELECT name FROM services") == name)
        #expect(try world.value("SELECT description FROM services") == description)
        #expect(try world.succeed("services", "list").stdout.contains(name))
        #expect(try world.count("services") == 1)
    }
}
