import Foundation
import Testing
import TestSupport

@Suite("serve: two instances on one database")
struct ServeOpsConcurrencyTests {
    /// The demo world served by two processes, each with a connection per racing request.
    static func twoServers() throws -> (ServeWorld, ServeProcess) {
        let serve = try ServeWorld(arguments: ["--db-pool", "25"])
        return (serve, try ServeWorld.start(serve.world, arguments: ["--db-pool", "25"]))
    }

    /// What the servers logged beside their request lines (the detail of a 503 or 500).
    static func problems(_ servers: ServeProcess...) -> String {
        servers.flatMap { lines($0.logText).filter { !$0.contains("\"message\":\"request\"") } }.prefix(20).joined(separator: "\n")
    }

    @Test("50 simultaneous bookings of one slot through two serve processes: exactly one 201, 49 × 409 SLOT_UNAVAILABLE, no overlap")
    func oneSlotFiftyClients() throws {
        let (serve, second) = try Self.twoServers()
        let ports = [serve.server.port, second.port]
        let payloads = try (0..<50).map { index in
            let body = try serve.bookingBody(date: "2026-12-01", time: "10:00", name: "Client \(index)", email: "client\(index)@example.com")
            return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        }
        let answers = try concurrently(50) { index in
            attempt { try HTTPExchange(port: ports[index % 2]).post("/api/v1/bookings", json: payloads[index]) }
        }

        let statuses = answers.map { (try? $0.get().status) ?? 0 }
        #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == 49, "\(statuses)\n\(Self.problems(serve.server, second))")
        let refusals = answers.compactMap { try? $0.get() }.filter { $0.status == 409 }
        #expect(refusals.allSatisfy { $0.errorCode == "SLOT_UNAVAILABLE" }, "\(refusals.map(\.errorCode))")
        // Each process booked or refused its share.
        #expect(Set(answers.indices.filter { statuses[$0] == 409 }.map { $0 % 2 }) == [0, 1])

        #expect(try serve.world.countOf(overlappingActivePairs) == 0)
        #expect(try serve.world.countOf("""
            SELECT count(*) AS n FROM bookings WHERE start_datetime = '2026-12-01T09:00:00Z' AND status <> 'cancelled'
            """) == 1)
        #expect(try serve.world.count("bookings") == 1)
        #expect(second.stop() == 0)
    }

    @Test("50 simultaneous bookings of 50 different free slots of a week through two serve processes: 50 × 201, no overlap")
    func fiftySlotsFiftyClients() throws {
        let (serve, second) = try Self.twoServers()
        let ports = [serve.server.port, second.port]
        let service = try serve.serviceID("Coupe homme")
        let week = try serve.http.get("/api/v1/availability?serviceId=\(service)&date=2026-12-01&days=7")
        let slots = try #require(week.json["slots"] as? [[String: Any]], "\(week)")
        #expect(slots.count >= 50, "\(slots.count) slots")
        let bodies: [[String: Any]] = slots.prefix(50).enumerated().map { index, slot in
            ["serviceId": service, "date": slot["date"] ?? "", "time": slot["time"] ?? "",
             "customer": ["name": "Client \(index)", "email": "client\(index)@example.com"]]
        }
        let payloads = try bodies.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let answers = try concurrently(payloads.count) { index in
            attempt { try HTTPExchange(port: ports[index % 2]).post("/api/v1/bookings", json: payloads[index]) }
        }

        let statuses = answers.map { (try? $0.get().status) ?? 0 }
        #expect(statuses == Array(repeating: 201, count: 50),
                "\(answers.map { (try? $0.get())?.description ?? "no answer" })\n\(Self.problems(serve.server, second))")
        #expect(try serve.world.count("bookings") == 50)
        #expect(try serve.world.countOf("SELECT count(DISTINCT start_datetime) AS n FROM bookings") == 50)
        #expect(try serve.world.countOf(overlappingActivePairs) == 0)
        #expect(second.stop() == 0)
    }
}
