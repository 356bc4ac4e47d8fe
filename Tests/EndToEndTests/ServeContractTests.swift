import ArtisanServer
import Foundation
import Testing
import TestSupport

/// The OpenAPI document against the routes, and against readers we did not write.
@Suite("serve: the OpenAPI document is the API's contract")
struct ServeContractTests {
    /// `GET /api/v1/services`… as the document lists them.
    static func operations(_ document: [String: Any]) -> Set<String> {
        let methods: Set = ["get", "post", "put", "patch", "delete", "head", "options"]
        var operations: Set<String> = []
        for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for method in item.keys where methods.contains(method) { operations.insert("\(method.uppercased()) \(path)") }
        }
        return operations
    }

    @Test("artisanctl openapi prints an OpenAPI 3.1 document whose operations are exactly the server's routes")
    func documentMatchesRoutes() throws {
        let printed = try Binary.run(["openapi"], environment: Binary.isolatedEnvironment())
        #expect(printed.status == 0, "\(printed.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        #expect(Self.operations(document) == Set(APIRoutes.documentedOperations))
    }

    @Test("the server serves the same document at /api/v1/openapi.json, and a path not in it is 404 NOT_FOUND")
    func servedDocument() throws {
        let serve = try ServeWorld()
        let served = try serve.http.get("/api/v1/openapi.json")
        #expect(served.status == 200)
        #expect(served.headers["content-type"]?.hasPrefix("application/json") == true)
        let printed = try Binary.run(["openapi"], environment: Binary.isolatedEnvironment())
        #expect(served.text == printed.stdout)
        for path in ["/api/v1/nothing", "/api/v2/services", "/api/v1/bookings/AC-AAAAAA"] {
            let answer = try serve.http.get(path)
            #expect(answer.status == 404 && answer.errorCode == "NOT_FOUND", "\(path): \(answer)")
        }
    }

    @Test("every documented operation is routed: none answers the router's NOT_FOUND")
    func everyOperationRouted() throws {
        let serve = try ServeWorld()
        let document = try #require(try JSONSerialization.jsonObject(with: serve.http.get("/api/v1/openapi.json").body) as? [String: Any])
        for operation in Self.operations(document) {
            let parts = operation.split(separator: " ")
            let path = String(parts[1]).replacingOccurrences(of: "{code}", with: "AC-AAAAAA")
            let answer = parts[0] == "POST" ? try serve.http.post(path, json: "{}") : try serve.http.get(path)
            #expect(answer.errorCode != "NOT_FOUND", "\(operation) is not routed: \(answer)")
        }
    }
}
