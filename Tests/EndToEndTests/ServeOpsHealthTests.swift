import ArtisanStore
import Foundation
import Testing
import TestSupport

@Suite("serve: /healthz and /readyz")
struct ServeOpsHealthTests {
    @Test("/healthz says ok; /readyz says ready, then 503 with Retry-After while a migration is missing, and ready again once applied")
    func readinessFollowsMigrations() throws {
        let serve = try ServeWorld()
        let http = serve.http
        let alive = try http.get("/healthz")
        #expect(alive.status == 200)
        #expect(alive.json as NSDictionary == ["status": "ok"] as NSDictionary, "\(alive)")
        let ready = try http.get("/readyz")
        #expect(ready.status == 200)
        #expect(ready.json as NSDictionary == ["status": "ready"] as NSDictionary, "\(ready)")

        try serve.world.succeed("migrate", "rollback", "--yes")
        let unready = try http.get("/readyz")
        #expect(unready.status == 503, "\(unready)")
        #expect(unready.errorCode == "SERVICE_UNAVAILABLE")
        #expect(unready.headers["retry-after"].flatMap { Int($0) }.map { $0 >= 1 } == true, "\(unready.headers)")
        #expect(!unready.text.contains("migrat"), "the answer tells the public about migrations: \(unready)")
        #expect(try http.get("/healthz").status == 200)

        try serve.world.succeed("migrate", "latest")
        let again = try http.get("/readyz")
        #expect(again.status == 200, "\(again)")
        #expect(again.json as NSDictionary == ["status": "ready"] as NSDictionary)
    }

    @Test("/readyz is 503 while the database refuses connections, and /healthz still 200")
    func readinessNeedsTheDatabase() throws {
        let serve = try ServeWorld()
        let name = serve.world.database.name
        #expect(try serve.http.get("/readyz").status == 200)
        // No new connection to the database, and the server's own ones dropped.
        let admin = try PostgresConnection(conninfo: "dbname=postgres")
        defer { admin.close() }
        try admin.execute("ALTER DATABASE \(unsafeSQL: name) WITH ALLOW_CONNECTIONS false")
        defer { _ = try? admin.execute("ALTER DATABASE \(unsafeSQL: name) WITH ALLOW_CONNECTIONS true") }
        try admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(name) AND pid <> pg_backend_pid()")
        let unready = try serve.http.get("/readyz")
        #expect(unready.status == 503, "\(unready)")
        #expect(unready.headers["retry-after"] != nil)
        #expect(try serve.http.get("/healthz").status == 200)

        try admin.execute("ALTER DATABASE \(unsafeSQL: name) WITH ALLOW_CONNECTIONS true")
        var ready: Int?
        for _ in 0..<50 where ready != 200 { ready = try serve.http.get("/readyz").status }
        #expect(ready == 200)
    }
}
