import Foundation
import Testing
import TestSupport

@Suite("serve: CORS allow-list")
struct ServeOpsCORSTests {
    static let origins = "https://front.example.com,http://localhost:3000"

    static func preflight(_ http: HTTPExchange, from origin: String) throws -> HTTPExchange.Answer {
        try http.send("OPTIONS", "/api/v1/bookings", headers: [
            ("Origin", origin), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type, idempotency-key"),
        ])
    }

    @Test("a preflight from a listed origin gets 204 with that origin, the methods and headers it needs and Vary: Origin")
    func listedPreflight() throws {
        let serve = try ServeWorld(environment: ["CORS_ORIGINS": Self.origins])
        for origin in ["https://front.example.com", "http://localhost:3000"] {
            let answer = try Self.preflight(serve.http, from: origin)
            #expect(answer.status == 204, "\(answer)")
            #expect(answer.headers["access-control-allow-origin"] == origin)
            let methods = Set((answer.headers["access-control-allow-methods"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(methods.isSuperset(of: ["GET", "POST"]), "\(methods)")
            let headers = Set((answer.headers["access-control-allow-headers"] ?? "").lowercased().split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(headers.isSuperset(of: ["content-type", "idempotency-key"]), "\(headers)")
            #expect(answer.headers["vary"]?.contains("Origin") == true)
            #expect(answer.headers["access-control-allow-credentials"] == nil)
        }
    }

    @Test("a preflight from an origin not listed, or a look-alike of one, is refused 403 without Access-Control-Allow-Origin")
    func unlistedPreflight() throws {
        let serve = try ServeWorld(environment: ["CORS_ORIGINS": Self.origins])
        for origin in ["https://evil.example.com", "https://front.example.com.evil.com", "http://front.example.com",
                       "https://front.example.com:8443", "http://localhost:3001", "null", "*"] {
            let answer = try Self.preflight(serve.http, from: origin)
            #expect(answer.status == 403, "\(origin): \(answer)")
            #expect(answer.errorCode == "CORS_ORIGIN_DENIED", "\(origin)")
            #expect(answer.headers["access-control-allow-origin"] == nil, "\(origin)")
            #expect(answer.headers["access-control-allow-methods"] == nil, "\(origin)")
        }
    }

    @Test("a simple GET from a listed origin carries Allow-Origin and Expose-Headers; from another origin, none")
    func simpleRequests() throws {
        let serve = try ServeWorld(environment: ["CORS_ORIGINS": Self.origins])
        let listed = try serve.http.get("/api/v1/services", headers: [("Origin", "http://localhost:3000")])
        #expect(listed.status == 200)
        #expect(listed.headers["access-control-allow-origin"] == "http://localhost:3000")
        #expect(listed.headers["access-control-expose-headers"]?.contains("X-Request-Id") == true, "\(listed.headers)")
        #expect(listed.headers["vary"]?.contains("Origin") == true)

        for origin in ["https://evil.example.com", "null"] {
            let other = try serve.http.get("/api/v1/services", headers: [("Origin", origin)])
            #expect(other.status == 200)
            #expect(other.headers.keys.filter { $0.hasPrefix("access-control-") }.isEmpty, "\(origin): \(other.headers)")
        }
        let noOrigin = try serve.http.get("/api/v1/services")
        #expect(noOrigin.headers.keys.filter { $0.hasPrefix("access-control-") }.isEmpty, "\(noOrigin.headers)")
    }

    @Test("without CORS_ORIGINS no origin is allowed")
    func noOriginsConfigured() throws {
        let serve = try ServeWorld()
        let answer = try Self.preflight(serve.http, from: "https://front.example.com")
        #expect(answer.status == 403)
        #expect(answer.headers["access-control-allow-origin"] == nil)
    }

    @Test("a CORS_ORIGINS that is not a list of origins stops serve with status 78 and a line naming CORS_ORIGINS", arguments: [
        "ftp://x", "https://a/b", "front.example.com", "https://", "https://front.example.com,*", "https://a b",
        "http://ok.example.com, javascript:x",
    ])
    func badOrigins(_ value: String) throws {
        try expectServeRefused(CatalogueWorld(), environment: ["CORS_ORIGINS": value], status: 78, naming: "CORS_ORIGINS")
    }
}
