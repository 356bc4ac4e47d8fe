import ArtisanServer
import Foundation
import Testing
import TestSupport

@Suite("serve: the database pool")
struct ServeOpsPoolTests {
    @Test("each worker opens its connection as it starts: before any request, the database counts --db-pool of them")
    func workersConnectAtStart() throws {
        let serve = try ServeWorld(arguments: ["--db-pool", "3"])
        let counted = try waitUntil(serve.world.database) { observer in
            let connections: Int = try observer.query("""
                SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'artisanctl serve'
                """)[0].decode("n")
            return connections == 3
        }
        #expect(counted, "the pool's three connections were never all open")
        #expect(try serve.http.get("/api/v1/services").status == 200)
        #expect(serve.server.stop() == 0)
    }

    @Test("the pool's connections give each prepared statement one generic plan (PreparedStatementTests shows what that saves)")
    func workersUseGenericPlans() async throws {
        let database = try TestDatabase.empty()
        defer { database.drop() }
        let pool = DatabasePool(conninfo: database.conninfo, size: 1, acquireTimeout: .seconds(5))
        let mode = try await pool.run { connection -> String in
            try connection.query("SELECT current_setting('plan_cache_mode') AS mode")[0].decode("mode")
        }
        #expect(pool.close())
        #expect(mode == "force_generic_plan")
    }

    @Test("requests run on the event loops and the pool's workers: serving them starts no thread of the concurrency pool")
    func noConcurrencyPoolThreads() throws {
        let serve = try ServeWorld(arguments: ["--db-pool", "2"])
        let service = try serve.http.get("/api/v1/services").json["services"].flatMap { ($0 as? [[String: Any]])?.first?["id"] as? String }
        let id = try #require(service)
        for _ in 0..<20 {
            #expect(try serve.http.get("/api/v1/availability?serviceId=\(id)&date=2026-12-01").status == 200)
            #expect(try serve.http.get("/readyz").status == 200)
        }
        let tasks = "/proc/\(serve.server.pid)/task"
        // A thread may end between the listing and the reading of its name.
        let names = try FileManager.default.contentsOfDirectory(atPath: tasks).compactMap { task in
            try? String(contentsOfFile: "\(tasks)/\(task)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // Linux keeps 15 bytes of a thread's name, libdispatch its end: the pool runs request tasks
        // as "com.apple.root.user-initiated-qos" ("r-initiated-qos"). Timers (Hummingbird's date
        // cache) still wake on libdispatch's default queue, which this does not look at.
        #expect(names.filter { $0.contains("initiated") }.isEmpty, "\(names.sorted())")
        #expect(names.filter { $0.hasPrefix("NIO-") }.count >= 1, "\(names.sorted())")
        #expect(serve.server.stop() == 0)
    }

    @Test("with its one connection busy, a request gets 503 SERVICE_UNAVAILABLE with Retry-After; once it frees up, all are served")
    func exhaustedPoolAnswers503() throws {
        let serve = try ServeWorld(arguments: ["--db-pool", "1"])
        let port = serve.server.port
        #expect(try serve.http.get("/api/v1/services").status == 200)

        let lock = try TableLock(serve.world.database, table: "services")
        let blocked = InFlight { attempt { try HTTPExchange(port: port).get("/api/v1/services") } }
        #expect(try waitForLockWaiters(serve.world.database), "the first request never reached the lock")

        let refused = try serve.http.get("/api/v1/services")
        #expect(refused.status == 503, "\(refused)")
        #expect(refused.errorCode == "SERVICE_UNAVAILABLE")
        #expect(refused.headers["retry-after"].flatMap { Int($0) }.map { $0 >= 1 } == true, "\(refused.headers)")
        expectSecurityHeaders(refused, "503")
        // Only the process answers /healthz: it needs no connection.
        #expect(try serve.http.get("/healthz").status == 200)

        try lock.release()
        let first = try blocked.value.get()
        #expect(first.status == 200, "\(first)")
        #expect((first.json["services"] as? [Any])?.count == 3)
        for _ in 0..<3 { #expect(try serve.http.get("/api/v1/services").status == 200) }

        #expect(serve.server.stop() == 0)
        let statuses = try requestRecords(serve.server.logText).filter { $0["route"] as? String == "/api/v1/services" }
            .compactMap { $0["status"] as? Int }
        #expect(statuses.sorted() == [200, 200, 200, 200, 200, 503], "\(statuses)")
    }
}
