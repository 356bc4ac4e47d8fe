import ArtisanCore
import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// Two-way sync with a real CalDAV server (Radicale), through the binary.
@Suite("calendar sync with Radicale")
struct CalendarSyncTests {
    static let key = "q6S0Yq8Kc4lqzq5mJ1m2qg3m2Vn8Wc2d3ZxQ0eTq1jE="
    static let password = "app-specific-s3cret-pw"
    let database: TestDatabase
    let radicale: FakeServer
    let calendarURL: String
    let environment: [String: String]
    let transport = CurlTransport()

    /// Radicale in a directory of its own, user `lea` with `password`; its calendar `work` made.
    static func startRadicale() throws -> (server: FakeServer, calendarURL: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("radicale-\(UUID().uuidString)").path
        let radicale = try FakeServer.start("radicale", arguments: [directory, "lea", password], python: FakeServer.venvPython)
        let calendarURL = radicale.url + "/lea/work/"
        let authorization = "Basic " + Data("lea:\(password)".utf8).base64EncodedString()
        let made = try CurlTransport().send(HTTPRequest(method: "MKCALENDAR", url: calendarURL, headers: [("Authorization", authorization)]))
        guard made.status == 201 else { throw NotJSON(text: "MKCALENDAR: \(made.status) \(made.text)") }
        return (radicale, calendarURL)
    }

    init() throws {
        database = try TestDatabase.migrated()
        (radicale, calendarURL) = try Self.startRadicale()
        var environment = database.environment
        environment["CALENDAR_ENCRYPTION_KEY"] = Self.key
        environment["ARTISANCTL_NOW"] = "2026-11-24T09:00:00+01:00"
        self.environment = environment
        let demo = FakeServer.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/demo/catalogue.json").path
        try expectSuccess(["catalog", "apply", "-f", demo])
    }

    @discardableResult
    func artisanctl(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil) throws -> Binary.Result {
        try Binary.run(arguments, environment: environment ?? self.environment, stdin: stdin)
    }

    @discardableResult
    func expectSuccess(_ arguments: [String], stdin: String? = nil) throws -> Binary.Result {
        let result = try artisanctl(arguments, stdin: stdin)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    func dav(_ method: String, _ url: String, body: String?, headers: [(String, String)] = []) throws -> HTTPResponse {
        let authorization = "Basic " + Data("lea:\(Self.password)".utf8).base64EncodedString()
        return try transport.send(HTTPRequest(method: method, url: url, headers: [("Authorization", authorization)] + headers, body: body.map { Array($0.utf8) }))
    }

    /// One event in its own object, after `timeZone` (a VTIMEZONE's lines).
    func putEvent(_ name: String, _ lines: [String], timeZone: [String] = []) throws {
        let body = (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"] + timeZone + ["BEGIN:VEVENT", "UID:\(name)@test", "DTSTAMP:20261101T000000Z"]
                    + lines + ["END:VEVENT", "END:VCALENDAR", ""]).joined(separator: "\r\n")
        let response = try dav("PUT", calendarURL + name + ".ics", body: body, headers: [("Content-Type", "text/calendar")])
        #expect((200...299).contains(response.status), "PUT \(name): \(response.status)")
    }

    func blocks() throws -> [String] {
        try database.connect().query("""
            SELECT to_char(start_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') || '/' || to_char(end_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS span
            FROM external_busy_blocks WHERE source = 'external' ORDER BY start_datetime
            """).map { try $0.decode("span") }
    }

    func connect() throws {
        try expectSuccess(["calendars", "connect", "apple", "--username", "lea", "--password-stdin", "--url", radicale.url + "/"],
                          stdin: Self.password + "\n")
    }

    @Test("busy time is imported: recurring instances, all-day, other time zones; free and deleted events are not")
    func importBusy() throws {
        defer { radicale.stop() }
        try putEvent("weekly", ["DTSTART;TZID=Europe/Paris:20261125T100000", "DTEND;TZID=Europe/Paris:20261125T110000", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Chantier"])
        try putEvent("allday", ["DTSTART;VALUE=DATE:20261127", "DTEND;VALUE=DATE:20261128", "SUMMARY:Salon"])
        try putEvent("newyork", ["DTSTART;TZID=America/New_York:20261126T090000", "DTEND;TZID=America/New_York:20261126T100000"])
        try putEvent("free", ["DTSTART:20261126T080000Z", "DTEND:20261126T090000Z", "TRANSP:TRANSPARENT"])
        try putEvent("gone", ["DTSTART:20261128T080000Z", "DTEND:20261128T090000Z"])
        try connect()
        let listed = try expectSuccess(["calendars", "list", "--json"])
        #expect(listed.stdout.contains("\"provider\" : \"apple\""))
        #expect(listed.stdout.contains("work\""))

        let first = try expectSuccess(["sync", "calendars"])
        #expect(first.stdout.contains("apple    imported 6, removed 0"), "\(first.stdout)")
        #expect(try blocks() == [
            "2026-11-25T09:00/2026-11-25T10:00", "2026-11-26T14:00/2026-11-26T15:00", "2026-11-26T23:00/2026-11-27T23:00",
            "2026-11-28T08:00/2026-11-28T09:00", "2026-12-02T09:00/2026-12-02T10:00", "2026-12-09T09:00/2026-12-09T10:00",
        ])
        // Nothing changed: the ctag says so, and the blocks stay.
        #expect(try expectSuccess(["sync", "calendars"]).stdout.contains("imported 0, removed 0"))
        #expect(try dav("DELETE", calendarURL + "gone.ics", body: nil).status < 300)
        #expect(try expectSuccess(["sync", "calendars"]).stdout.contains("imported 0, removed 1"))
        #expect(try blocks().count == 5)

        // Availability subtracts them: Wednesday 10:00 (Paris) is taken by the weekly event.
        let slots = try expectSuccess(["availability", "--service", "Coupe homme", "--date", "2026-11-25", "--days", "1", "--output", "csv"])
        #expect(!slots.stdout.contains(",10:00,"))
        #expect(!slots.stdout.contains(",10:30,"))
        #expect(slots.stdout.contains(",11:00,"))
    }

    @Test("bookings are exported, moved when rescheduled, deleted when cancelled; reruns never duplicate")
    func exportBookings() throws {
        defer { radicale.stop() }
        try connect()
        let created = try expectSuccess(["bookings", "create", "--service", "Coupe femme", "--date", "2026-11-26", "--time", "10:00",
                                         "--name", "Marie Curie", "--email", "marie@example.com", "--json"])
        let code = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["code"] as? String)
        #expect(try expectSuccess(["sync", "calendars"]).stdout.contains("exported 1"))
        #expect(try expectSuccess(["sync", "calendars"]).stdout.contains("exported 0, moved 0, deleted 0"))
        let booking: String = try database.connect().query("SELECT id::text AS id FROM bookings")[0].decode("id")
        let event = try dav("GET", calendarURL + "booking-\(booking).ics", body: nil)
        #expect(event.status == 200)
        #expect(event.text.contains(code))
        #expect(event.text.contains("DTSTART;TZID=Europe/Paris:20261126T100000"))
        #expect(event.text.contains("BEGIN:VTIMEZONE"))
        // DTSTAMP: when the sync wrote it (ARTISANCTL_NOW), not when the booking starts.
        #expect(event.text.contains("DTSTAMP:20261124T080000Z\r\n"))
        // Our own event does not come back as busy time blocking its slot.
        #expect(try blocks().isEmpty)

        try expectSuccess(["bookings", "reschedule", code, "--date", "2026-11-27", "--time", "14:00"])
        var later = environment
        later["ARTISANCTL_NOW"] = "2026-11-25T10:30:00+01:00"
        let moved = try artisanctl(["sync", "calendars"], environment: later)
        #expect(moved.status == 0 && moved.stdout.contains("moved 1"), "\(moved.stderr)")
        let movedEvent = try dav("GET", calendarURL + "booking-\(booking).ics", body: nil).text
        #expect(movedEvent.contains("DTSTART;TZID=Europe/Paris:20261127T140000"))
        #expect(movedEvent.contains("DTSTAMP:20261125T093000Z\r\n"))

        try expectSuccess(["bookings", "cancel", code])
        #expect(try expectSuccess(["sync", "calendars"]).stdout.contains("deleted 1"))
        #expect(try dav("GET", calendarURL + "booking-\(booking).ics", body: nil).status == 404)
    }

    @Test("a Windows TZID is read with the event's VTIMEZONE; an unknown one fails the import (75) naming it, keeping the blocks")
    func foreignTimeZones() throws {
        defer { radicale.stop() }
        let windows = try String(contentsOf: FakeServer.fixtures.appendingPathComponent("vtimezone_w_europe.ics"), encoding: .utf8)
        try putEvent("outlook", ["DTSTART;TZID=W. Europe Standard Time:20261125T100000", "DTEND;TZID=W. Europe Standard Time:20261125T113000"],
                     timeZone: windows.split(separator: "\n").map(String.init))
        try connect()
        #expect(try expectSuccess(["sync", "calendars"]).stdout.contains("imported 1"))
        #expect(try blocks() == ["2026-11-25T09:00/2026-11-25T10:30"])

        try putEvent("mars", ["DTSTART;TZID=Mars/Olympus_Mons:20261126T100000", "DTEND;TZID=Mars/Olympus_Mons:20261126T110000"])
        let result = try artisanctl(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("'Mars/Olympus_Mons'"), "\(result.stderr)")
        #expect(try blocks() == ["2026-11-25T09:00/2026-11-25T10:30"])
    }

    @Test("a wrong password marks the connection needs_reauth and exits 77; the imported blocks survive")
    func revokedPassword() throws {
        defer { radicale.stop() }
        try putEvent("one", ["DTSTART:20261126T080000Z", "DTEND:20261126T090000Z"])
        try connect()
        try expectSuccess(["sync", "calendars"])
        #expect(try blocks().count == 1)
        try database.connect().execute("UPDATE calendar_connections SET access_token_encrypted = \(try SecretBox(environment: ["CALENDAR_ENCRYPTION_KEY": Self.key]).seal("wrong"))")
        let result = try artisanctl(["sync", "calendars"])
        #expect(result.status == 77)
        #expect(result.stderr.contains("calendars connect apple"))
        #expect(try blocks().count == 1)
        #expect(try expectSuccess(["calendars", "list"]).stdout.contains("needs_reauth"))
    }

    @Test("a server that cannot be reached: exit 75, blocks kept")
    func serverDown() throws {
        defer { radicale.stop() }
        try putEvent("one", ["DTSTART:20261126T080000Z", "DTEND:20261126T090000Z"])
        try connect()
        try expectSuccess(["sync", "calendars"])
        try database.connect().execute("UPDATE calendar_connections SET server_url = 'http://127.0.0.1:1/lea/work/'")
        let result = try artisanctl(["sync", "calendars"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(try blocks().count == 1)
    }

    @Test("a second sync of the same artisan while one holds the lock exits 75 at once; another artisan's lock does not block it")
    func lockHeld() throws {
        defer { radicale.stop() }
        try connect()
        let holder = try database.connect()
        let artisan: UUID = try holder.query("SELECT id FROM artisans")[0].decode("id")
        let lock = { (id: UUID) in try holder.execute("SELECT pg_advisory_lock(\(PostgresStore.lockKey(CalendarSyncService.lockScope, id)))") }
        try lock(UUID())
        #expect(try artisanctl(["sync", "calendars"]).status == 0, "another artisan's sync never blocks this one")
        try lock(artisan)
        let result = try artisanctl(["sync", "calendars"])
        #expect(result.status == 75)
        #expect(result.stderr.contains("another 'sync calendars' is running"))
        try holder.execute("SELECT pg_advisory_unlock_all()")
        #expect(try artisanctl(["sync", "calendars"]).status == 0)
    }

    @Test("no encryption key: connecting and syncing exit 77 and say how to make one")
    func missingKey() throws {
        defer { radicale.stop() }
        var environment = self.environment
        environment.removeValue(forKey: "CALENDAR_ENCRYPTION_KEY")
        for arguments in [["sync", "calendars"], ["calendars", "connect", "apple", "--username", "lea", "--password-stdin", "--url", radicale.url + "/"]] {
            let result = try artisanctl(arguments, stdin: Self.password + "\n", environment: environment)
            #expect(result.status == 77)
            #expect(result.stderr.contains("head -c 32 /dev/urandom | base64"))
        }
    }

    @Test("the password is never stored, logged or printed in clear")
    func noSecretInClear() throws {
        defer { radicale.stop() }
        try connect()
        let verbose = try artisanctl(["sync", "calendars", "--verbose"])
        #expect(!(verbose.stdout + verbose.stderr).contains(Self.password))
        let dump = try Subprocess.run(["pg_dump", "--data-only", database.name], environment: environment)
        #expect(dump.succeeded)
        #expect(dump.stdout.contains("calendar_connections"))
        #expect(!dump.stdout.contains(Self.password))
    }

    @Test("calendars feed: one VCALENDAR with the zone and a VEVENT per active booking")
    func feed() throws {
        defer { radicale.stop() }
        try expectSuccess(["bookings", "create", "--service", "Coupe homme", "--date", "2026-11-26", "--time", "15:00",
                           "--name", "Ada Lovelace", "--email", "ada@example.com"])
        let feed = try expectSuccess(["calendars", "feed"]).stdout
        #expect(feed.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(feed.contains("TZID:Europe/Paris\r\n"))
        // The changes of 2025 to 2027 themselves, and when the feed was written.
        #expect(feed.contains("BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nRDATE:20260329T020000\r\nRDATE:20270328T020000\r\n"
                              + "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"))
        #expect(feed.contains("DTSTAMP:20261124T080000Z\r\n"))
        #expect(feed.components(separatedBy: "BEGIN:VEVENT").count == 2)
        #expect(feed.contains("DTSTART;TZID=Europe/Paris:20261126T150000"))
        #expect(feed.hasSuffix("END:VCALENDAR\r\n"))
    }

    @Test("disconnect removes the connection and its imported blocks")
    func disconnect() throws {
        defer { radicale.stop() }
        try putEvent("one", ["DTSTART:20261126T080000Z", "DTEND:20261126T090000Z"])
        try connect()
        try expectSuccess(["sync", "calendars"])
        #expect(try artisanctl(["calendars", "disconnect", "apple"]).status == 64)
        try expectSuccess(["calendars", "disconnect", "apple", "--yes"])
        #expect(try blocks().isEmpty)
        #expect(try database.connect().query("SELECT 1 FROM calendar_connections").isEmpty)
    }
}
