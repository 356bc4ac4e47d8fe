import Foundation
import Testing
import TestSupport

@Suite("serve: graceful shutdown")
struct ServeOpsShutdownTests {
    @Test("on SIGTERM or SIGINT a request in flight still gets its 200, new connections are refused or answered 503, and serve exits 0",
          arguments: [SIGTERM, SIGINT])
    func inFlightRequestFinishes(_ signal: Int32) throws {
        let serve = try ServeWorld()
        let port = serve.server.port
        let lock = try TableLock(serve.world.database, table: "services")
        let inFlight = InFlight { attempt { try HTTPExchange(port: port).get("/api/v1/services") } }
        #expect(try waitForLockWaiters(serve.world.database), "the request never reached the lock")

        kill(serve.server.pid, signal)
        // The signal is handled asynchronously: a connection made just after it may still be served, and
        // one the kernel had queued when the listening socket closed is reset without an answer.
        var outcomes: [String] = []
        for _ in 0..<400 {
            switch attempt({ try HTTPExchange(port: port).get("/healthz") }) {
            case .success(let answer) where answer.status == 200:
                outcomes.append("200")
            case .success(let answer):
                outcomes.append("\(answer.status)")
            case .failure(let failure):
                outcomes.append(failure.description.hasPrefix("connect to port") ? "refused" : "closed")
            }
            if ["refused", "503"].contains(outcomes.last) { break }
            usleep(25_000)
        }
        #expect(["refused", "503"].contains(outcomes.last ?? ""), "after the signal: \(outcomes)")
        #expect(outcomes.allSatisfy { ["200", "503", "refused", "closed"].contains($0) }, "\(outcomes)")

        try lock.release()
        let answer = try inFlight.value.get()
        #expect(answer.status == 200, "\(answer)")
        #expect((answer.json["services"] as? [Any])?.count == 3)
        #expect(serve.server.waitForExit(seconds: 120) == 0)
    }

    @Test("a request still waiting on the database when the shutdown grace (10 s) runs out does not keep serve from exiting 0")
    func graceIsBounded() throws {
        let serve = try ServeWorld()
        let port = serve.server.port
        let lock = try TableLock(serve.world.database, table: "services")
        let inFlight = InFlight { attempt { try HTTPExchange(port: port).get("/api/v1/services") } }
        #expect(try waitForLockWaiters(serve.world.database), "the request never reached the lock")

        kill(serve.server.pid, SIGTERM)
        // Far beyond the grace: only a server that waits for the lock forever misses it.
        let status = serve.server.waitForExit(seconds: 120)
        try lock.release()
        #expect(status == 0, "serve did not exit while a request was blocked")
        switch inFlight.value {
        case .success(let answer):
            #expect(answer.status == 503, "\(answer)")
            #expect(answer.errorCode == "SERVICE_UNAVAILABLE")
        case .failure:
            break  // the connection closed with the process: the client sees no answer, never a hang
        }
        let warnings = try logRecords(serve.server.logText).filter { $0["level"] as? String == "warn" }
        #expect(warnings.contains { ($0["message"] as? String)?.contains("grace") == true }, "\(serve.server.logText)")
    }
}
