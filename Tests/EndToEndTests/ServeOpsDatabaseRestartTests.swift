import Foundation
import Testing
import TestSupport

@Suite("serve: the database restarting under load")
struct ServeOpsDatabaseRestartTests {
    @Test("while its database is down serve answers 503, never hangs nor dies, and serves 200 again once it is back")
    func restartUnderLoad() throws {
        // A private cluster (`db up` in a temporary XDG_DATA_HOME) that this test may stop; reachable
        // by the postgres user when the tests run as root.
        let home = "/tmp/artisanctl-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let environment = Binary.isolatedEnvironment([
            "XDG_DATA_HOME": home, "ARTISANCTL_NOW": CatalogueWorld.now, "RATE_LIMIT": "off", "WEBHOOK_RATE_LIMIT": "off",
        ])
        func artisanctl(_ arguments: String...) throws {
            let result = try Binary.run(arguments, environment: environment, workingDirectory: home)
            guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        }
        defer {
            _ = try? Binary.run(["db", "down"], environment: environment)
            try? FileManager.default.removeItem(atPath: home)
        }
        try artisanctl("db", "up")
        try artisanctl("migrate", "latest")
        try artisanctl("catalog", "apply", "-f", demoCatalogue.path)

        let server = try ServeProcess(arguments: ["--db-pool", "4"], environment: environment, workingDirectory: home)
        let http = HTTPExchange(port: server.port)
        let services = try http.get("/api/v1/services")
        let serviceID = try #require((services.json["services"] as? [[String: Any]])?.first?["id"] as? String, "\(services)")

        let outcomes = Shared([String: Int]())
        let stop = Shared(false)
        let targets = ["/api/v1/services", "/api/v1/availability?serviceId=\(serviceID)&date=2026-12-01&days=7"]
        let load = (0..<3).map { index in
            InFlight {
                var sent = 0
                while !stop.value {
                    let outcome: String
                    switch attempt({ try HTTPExchange(port: server.port).get(targets[(index + sent) % targets.count]) }) {
                    case .success(let answer) where answer.status == 503 && answer.errorCode != "SERVICE_UNAVAILABLE": outcome = "\(answer)"
                    case .success(let answer): outcome = "\(answer.status)"
                    case .failure(let failure): outcome = failure.description
                    }
                    outcomes.update { $0[outcome, default: 0] += 1 }
                    sent += 1
                }
                return sent
            }
        }
        func count(_ status: String) -> Int { outcomes.value[status] ?? 0 }
        func waitFor(_ status: String, moreThan floor: Int) -> Bool {
            for _ in 0..<2400 where count(status) <= floor { usleep(25_000) }
            return count(status) > floor
        }

        #expect(waitFor("200", moreThan: 10), "\(outcomes.value)")
        try artisanctl("db", "down")
        #expect(waitFor("503", moreThan: 10), "no 503 while the database is down: \(outcomes.value)")
        let down = try http.get("/api/v1/services")
        #expect(down.status == 503, "\(down)")
        #expect(down.headers["retry-after"] != nil)
        #expect(try http.get("/healthz").status == 200)

        try artisanctl("db", "up")
        var after: HTTPExchange.Answer?
        for _ in 0..<200 where after?.status != 200 {
            after = try http.get("/api/v1/services")
            if after?.status != 200 { usleep(50_000) }
        }
        #expect(after?.status == 200, "\(after.map { "\($0)" } ?? "")")
        let before = count("200")
        #expect(waitFor("200", moreThan: before + 10), "the load is not served again: \(outcomes.value)")

        stop.update { $0 = true }
        let sent = load.map(\.value)
        print("database restart under load: \(outcomes.value.sorted { $0.key < $1.key }) over \(sent) requests per thread")
        #expect(kill(server.pid, 0) == 0, "the server died")
        #expect(Set(outcomes.value.keys) == ["200", "503"], "\(outcomes.value), \(sent) requests per thread")
        #expect(server.stop() == 0)
    }
}
