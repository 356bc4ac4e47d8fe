import Foundation
import Testing
import TestSupport

/// `GET /api/v1/availability` over HTTP, held against `artisanctl availability --output json` at
/// the same clock: the same slots, whichever front end asks.
@Suite("serve API: availability")
struct ServeAPIAvailabilityTests {
    /// Slots as [date, time, start, end].
    static func records(_ slots: [[String: Any]]) -> [[String]] {
        slots.map { slot in ["date", "time", "start", "end"].map { slot[$0] as? String ?? "?" } }
    }

    static func target(_ serviceID: String, _ date: String, days: Int? = nil) -> String {
        "/api/v1/availability?serviceId=\(serviceID)&date=\(date)" + (days.map { "&days=\($0)" } ?? "")
    }

    /// The API's slots, which must answer 200 with the request echoed.
    static func apiSlots(_ serve: ServeWorld, _ service: String, _ date: String, days: Int? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
        let id = try serve.serviceID(service)
        let answer = try serve.http.get(target(id, date, days: days))
        #expect(answer.status == 200, "\(answer)", sourceLocation: sourceLocation)
        #expect(answer.json["serviceId"] as? String == id, sourceLocation: sourceLocation)
        #expect(answer.json["timezone"] as? String == "Europe/Paris", sourceLocation: sourceLocation)
        #expect(answer.json["date"] as? String == date && answer.json["days"] as? Int == (days ?? 1), sourceLocation: sourceLocation)
        return records(try #require(answer.json["slots"] as? [[String: Any]], sourceLocation: sourceLocation))
    }

    /// The CLI's slots at `now`.
    static func cliSlots(_ serve: ServeWorld, _ service: String, _ date: String, days: Int = 1,
                         now: String = CatalogueWorld.now) throws -> [[String]] {
        records(try serve.world.slots(service, from: date, days: days, environment: ["ARTISANCTL_NOW": now]))
    }

    @Test("the slots of one day are the CLI's for every demo service, around a booking and its buffer")
    func oneDayEqualsCLI() throws {
        let serve = try ServeWorld()
        try serve.world.create("Coloration", "2026-12-01", "14:00")
        for service in ["Coupe femme", "Coloration", "Coupe homme"] {
            let api = try Self.apiSlots(serve, service, "2026-12-01")
            #expect(!api.isEmpty)
            #expect(api == (try Self.cliSlots(serve, service, "2026-12-01")), "\(service)")
            #expect(!api.contains { $0[1] == "14:00" }, "\(service): the booked slot is offered")
        }
        #expect(try Self.apiSlots(serve, "Coupe femme", "2026-12-01").first == ["2026-12-01", "09:00", "2026-12-01T09:00:00+01:00",
                                                                                 "2026-12-01T10:00:00+01:00"])
        // Monday is closed.
        #expect(try Self.apiSlots(serve, "Coupe femme", "2026-11-30").isEmpty)
    }

    @Test("days=N gives N days of slots, the CLI's; up to the 60-day horizon")
    func severalDays() throws {
        let serve = try ServeWorld()
        let five = try Self.apiSlots(serve, "Coupe femme", "2026-12-01", days: 5)
        #expect(Set(five.map { $0[0] }) == ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"])
        #expect(five == (try Self.cliSlots(serve, "Coupe femme", "2026-12-01", days: 5)))
        let horizon = try Self.apiSlots(serve, "Coupe homme", "2026-11-24", days: 60)
        #expect(horizon == (try Self.cliSlots(serve, "Coupe homme", "2026-11-24", days: 60)))
        #expect(Set(horizon.map { $0[0] }).count > 30)
    }

    @Test("each bad query is 400 VALIDATION_ERROR naming its parameter; an unknown service id is 404 SERVICE_NOT_FOUND")
    func validation() throws {
        let serve = try ServeWorld()
        let id = try serve.serviceID("Coupe femme")
        let cases: [(query: String, fields: Set<String>)] = [
            ("date=2026-12-01", ["serviceId"]),
            ("serviceId=&date=2026-12-01", ["serviceId"]),
            ("serviceId=coupe-femme&date=2026-12-01", ["serviceId"]),
            ("serviceId=\(id.dropLast())&date=2026-12-01", ["serviceId"]),
            ("serviceId=\(id)", ["date"]),
            ("serviceId=\(id)&date=2026-02-30", ["date"]),
            ("serviceId=\(id)&date=2026-13-01", ["date"]),
            ("serviceId=\(id)&date=01/12/2026", ["date"]),
            ("serviceId=\(id)&date=2026-12-01&days=0", ["days"]),
            ("serviceId=\(id)&date=2026-12-01&days=-1", ["days"]),
            ("serviceId=\(id)&date=2026-12-01&days=abc", ["days"]),
            ("serviceId=\(id)&date=2026-12-01&days=1000000000000000000000000000000", ["days"]),
            ("serviceId=\(id)&date=2026-12-01&days=2.5", ["days"]),
            ("serviceId=\(id)&date=2026-12-01&days=61", ["days"]),
            ("serviceId=\(id)&date=2026-12-01&days=366", ["days"]),
            ("serviceId=\(id)&date=2026-12-01&service=\(id)", ["service"]),
            ("", ["serviceId", "date"]),
            ("serviceId=x&date=y&days=z&extra=1", ["serviceId", "date", "days", "extra"]),
        ]
        for (query, fields) in cases {
            expectValidation(try serve.http.get("/api/v1/availability?" + query), fields: fields, query)
        }
        let unknown = try serve.http.get(Self.target(UUID().uuidString.lowercased(), "2026-12-01"))
        #expect(unknown.status == 404 && unknown.errorCode == "SERVICE_NOT_FOUND", "\(unknown)")
    }

    @Test("as the clock moves the notice moves the first slot, a past day empties, the horizon's end opens, and DST changes the offset")
    func clockMoves() throws {
        let serve = try ServeWorld()
        // Tuesday 09:00: two hours' notice.
        let morning = try Self.apiSlots(serve, "Coupe femme", "2026-11-24")
        #expect(morning.first?[1] == "11:00", "\(morning)")
        #expect(try Self.apiSlots(serve, "Coupe femme", "2027-01-26").isEmpty, "63 days ahead is past the horizon")

        let afternoon = "2026-11-24T13:40:00+01:00"
        try serve.restart(now: afternoon)
        let later = try Self.apiSlots(serve, "Coupe femme", "2026-11-24")
        #expect(later.first?[1] == "16:00", "\(later)")
        #expect(later == (try Self.cliSlots(serve, "Coupe femme", "2026-11-24", now: afternoon)))

        let nextWeek = "2026-12-01T09:00:00+01:00"
        try serve.restart(now: nextWeek)
        #expect(try Self.apiSlots(serve, "Coupe femme", "2026-11-24").isEmpty, "a past day has no slot")
        #expect(try Self.apiSlots(serve, "Coupe femme", "2026-12-01").first?[1] == "11:00")
        let opened = try Self.apiSlots(serve, "Coupe femme", "2027-01-26")
        #expect(!opened.isEmpty)
        #expect(opened == (try Self.cliSlots(serve, "Coupe femme", "2027-01-26", now: nextWeek)))

        // Summer time starts on Sunday 2027-03-28: Saturday's slots are at +01:00, Tuesday's at +02:00.
        let beforeDST = "2027-03-26T09:00:00+01:00"
        try serve.restart(now: beforeDST)
        let across = try Self.apiSlots(serve, "Coupe femme", "2027-03-26", days: 5)
        #expect(across == (try Self.cliSlots(serve, "Coupe femme", "2027-03-26", days: 5, now: beforeDST)))
        #expect(across.first?[1] == "11:00")
        #expect(across.contains(["2027-03-27", "10:00", "2027-03-27T10:00:00+01:00", "2027-03-27T11:00:00+01:00"]), "\(across)")
        #expect(across.contains(["2027-03-30", "10:00", "2027-03-30T10:00:00+02:00", "2027-03-30T11:00:00+02:00"]), "\(across)")
        #expect(Set(across.map(\.[0])) == ["2027-03-26", "2027-03-27", "2027-03-30"])
    }
}
