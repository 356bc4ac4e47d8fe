import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `GET /api/v1/calendar.ics?token=`: the artisan's iCalendar feed behind the secret token that
/// `calendars feed --rotate-token` draws, read by the `icalendar` package (Tests/Fixtures/ical_oracle.py).
@Suite("serve API: calendar feed")
struct ServeAPICalendarFeedTests {
    static func rotate(_ serve: ServeWorld) throws -> String {
        let output = try serve.world.succeed("calendars", "feed", "--rotate-token").stdout
        #expect(output.hasSuffix("\n") && lines(output).count == 1, "\(output)")
        return output.trimmingCharacters(in: .newlines)
    }

    static func feed(_ serve: ServeWorld, token: String?) throws -> HTTPExchange.Answer {
        try serve.http.get("/api/v1/calendar.ics" + (token.map { "?token=\(queryValue($0))" } ?? ""))
    }

    /// ical_oracle.py's differences for `document`, which must hold exactly the `expected` events.
    static func oracleDifferences(_ document: String, expected: [String: [String]]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("serve-feed-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: [["zone": "Europe/Paris", "document": document, "expected": expected]]).write(to: file)
        let oracle = try Subprocess.run([FakeServer.venvPython, FakeServer.fixtures.appendingPathComponent("ical_oracle.py").path, file.path])
        guard oracle.status == 0, let report = try JSONSerialization.jsonObject(with: Data(oracle.stdout.utf8)) as? [String: Any] else {
            return ["oracle failed: \(oracle.stderr)"]
        }
        let differences = report["differences"] as? [String] ?? ["no report"]
        return differences + (report["events"] as? Int == expected.count ? [] : ["events: \(report)"])
    }

    @Test("with the rotated token the feed is text/calendar that icalendar reads, holding the bookings; the database keeps only its SHA-256")
    func feedWithToken() throws {
        let serve = try ServeWorld()
        let first = try serve.bookCode(time: "10:00")
        let second = try serve.bookCode(date: "2027-01-05", time: "15:00")
        let token = try Self.rotate(serve)
        #expect(token.wholeMatch(of: #/[A-Za-z0-9_-]{43}/#) != nil, "\(token)")

        let stored = try serve.world.value("SELECT calendar_feed_token_digest FROM artisans")
        #expect(stored == (try serve.world.value("SELECT encode(sha256(convert_to(\(token), 'UTF8')), 'hex')")))
        #expect(stored?.count == 64)
        let artisanRows = try serve.world.connection.query("SELECT t::text AS row FROM artisans t")
            .map { try $0.decode("row", as: String.self) }
        #expect(!artisanRows.joined().contains(token))

        let answer = try Self.feed(serve, token: token)
        #expect(answer.status == 200, "\(answer)")
        #expect(answer.headers["content-type"] == "text/calendar; charset=utf-8")
        #expect(answer.text.hasPrefix("BEGIN:VCALENDAR\r\n"))
        let expected = try serve.world.connection.query("""
            SELECT 'booking-' || id || '@artisanconnect' AS uid,
                   to_char(start_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS start,
                   to_char((start_datetime + make_interval(mins => duration_minutes)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS end
            FROM bookings WHERE public_code IN (\(first), \(second))
            """).reduce(into: [String: [String]]()) { table, row in
                table[try row.decode("uid")] = [try row.decode("start"), try row.decode("end")]
            }
        #expect(expected.count == 2)
        for uid in expected.keys { #expect(answer.text.contains("UID:\(uid)"), "\(uid)") }
        let differences = try Self.oracleDifferences(answer.text, expected: expected)
        #expect(differences.isEmpty, "\(differences)")
        // At one clock, the very document `calendars feed` prints.
        let printed = try serve.world.succeed("calendars", "feed").stdout
        #expect(answer.text == printed, "the served feed differs from the printed one")
    }

    @Test("a wrong, malformed or missing token is 404 CALENDAR_NOT_FOUND; after another rotation the old token is too")
    func wrongTokens() throws {
        let serve = try ServeWorld()
        _ = try serve.bookCode()
        #expect(try Self.feed(serve, token: "x").errorCode == "CALENDAR_NOT_FOUND", "no token rotated yet")
        let old = try Self.rotate(serve)
        var wrongByOne = Array(old)
        wrongByOne[0] = wrongByOne[0] == "A" ? "B" : "A"
        let refused: [String?] = [nil, "", String(wrongByOne), old.lowercased() == old ? old.uppercased() : old.lowercased(),
                                  String(old.dropLast()), old + "A", String(repeating: "A", count: 43), "../../etc/passwd"]
        for token in refused {
            let answer = try Self.feed(serve, token: token)
            #expect(answer.status == 404 && answer.errorCode == "CALENDAR_NOT_FOUND", "\(token ?? "nil"): \(answer)")
        }
        #expect(try Self.feed(serve, token: old).status == 200)

        let new = try Self.rotate(serve)
        #expect(new != old)
        let stale = try Self.feed(serve, token: old)
        #expect(stale.status == 404 && stale.errorCode == "CALENDAR_NOT_FOUND", "\(stale)")
        #expect(try Self.feed(serve, token: new).status == 200)
    }
}
