import Foundation
import Testing
import TestSupport

@Suite("serve: X-Request-Id")
struct ServeOpsRequestIdTests {
    @Test("a sane incoming X-Request-Id is echoed, a hostile one is replaced by a UUID, and the request's log line carries the same id")
    func requestIds() throws {
        let serve = try ServeWorld()
        let http = serve.http
        let sane = ["abc-DEF_1.2", "7f0c2b1e-0d1a-4c1e-9a59-0a9b8c7d6e5f", String(repeating: "a", count: 64)]
        let hostile = [String(repeating: "a", count: 65), "abc def", "a;b", "a/b", "<script>", "id\"quoted", "%0d%0a", "é", "a,b"]

        var sent: [(incoming: String?, answer: HTTPExchange.Answer, route: String)] = []
        for id in sane + hostile {
            sent.append((id, try http.get("/healthz", headers: [("X-Request-Id", id)]), "/healthz"))
        }
        sent.append((nil, try http.get("/api/v1/services"), "/api/v1/services"))
        sent.append((nil, try http.get("/no/such/route"), "unmatched"))
        sent.append(("bad-body", try http.post("/api/v1/bookings", json: "{", headers: [("X-Request-Id", "bad-body")]), "/api/v1/bookings"))

        for (incoming, answer, _) in sent {
            let id = try #require(answer.headers["x-request-id"], "no X-Request-Id for \(incoming ?? "none")")
            if let incoming, sane.contains(incoming) || incoming == "bad-body" {
                #expect(id == incoming)
            } else {
                #expect(UUID(uuidString: id) != nil, "\(incoming ?? "none") got \(id)")
                #expect(id != incoming)
            }
        }
        let ids = sent.compactMap { $0.answer.headers["x-request-id"] }
        #expect(ids.allSatisfy { !$0.contains(",") }, "an answer has more than one X-Request-Id: \(ids)")
        let generated = ids.filter { !sane.contains($0) && $0 != "bad-body" }
        #expect(generated.count == hostile.count + 2)
        #expect(Set(generated).count == generated.count, "generated ids repeat: \(generated)")

        #expect(serve.server.stop() == 0)
        let records = try requestRecords(serve.server.logText)
        for (_, answer, route) in sent {
            let id = answer.headers["x-request-id"] ?? "?"
            let logged = records.filter { $0["requestId"] as? String == id }
            #expect(logged.count == 1, "log lines with id \(id): \(logged)")
            #expect(logged.first?["route"] as? String == route)
            #expect(logged.first?["status"] as? Int == answer.status)
        }
    }
}
