import Foundation
import Testing
import TestSupport

/// `serve` checks its flags and environment before it connects or listens (exit statuses: ExitStatus.swift).
@Suite("serve: refused settings")
struct ServeOpsConfigurationTests {
    @Test("a bad RATE_LIMIT or WEBHOOK_RATE_LIMIT stops serve with status 78 and a line naming the variable", arguments: [
        ("RATE_LIMIT", "x"), ("RATE_LIMIT", ""), ("RATE_LIMIT", "0/600"), ("RATE_LIMIT", "3/0"), ("RATE_LIMIT", "3/"), ("RATE_LIMIT", "/600"),
        ("RATE_LIMIT", "-1/60"), ("RATE_LIMIT", "3/600/1"), ("RATE_LIMIT", "3/86401"), ("RATE_LIMIT", "99999999999999999999/60"),
        ("WEBHOOK_RATE_LIMIT", "ten/60"), ("WEBHOOK_RATE_LIMIT", "0/1"), ("WEBHOOK_RATE_LIMIT", "none"),
    ])
    func badRateLimit(_ name: String, _ value: String) throws {
        try expectServeRefused(CatalogueWorld(), environment: [name: value], status: 78, naming: name)
    }

    @Test("a bad TRUST_PROXY stops serve with status 78 and a line naming it", arguments: ["maybe", "11", "-1", "1.5", "truee", "0x1"])
    func badTrustProxy(_ value: String) throws {
        try expectServeRefused(CatalogueWorld(), environment: ["TRUST_PROXY": value], status: 78, naming: "TRUST_PROXY")
    }

    @Test("a bad --port, --db-pool or --host value is invalid data (65), named", arguments: [
        ["--port", "65536"], ["--port", "http"], ["--port", "80.5"], ["--db-pool", "0"], ["--db-pool", "101"], ["--db-pool", "many"],
        ["--host", ""], ["--host", "a b"], ["--host", String(repeating: "h", count: 256)], ["--host", "héte"],
        // As a text line when asked for.
        ["--port", "65536", "--log-format", "text"],
    ])
    func badFlagValue(_ arguments: [String]) throws {
        try expectServeRefused(CatalogueWorld(), arguments, status: 65, naming: arguments[0])
    }

    @Test("a flag without its value is a usage error (64), named", arguments: ["--port", "--db-pool", "--host"])
    func flagWithoutValue(_ flag: String) throws {
        try expectServeRefused(CatalogueWorld(), [flag], status: 64, naming: flag)
    }

    @Test("a --host that is no address of this machine is invalid data (65), named",
          arguments: ["no-such-host.invalid", "2026-02-30", "192.0.2.1"])
    func hostNotHere(_ host: String) throws {
        try expectServeRefused(CatalogueWorld.demo(), ["--host", host], status: 65, naming: "--host")
    }

    @Test("a --port another process listens on makes serve unavailable (69), named")
    func portInUse() throws {
        let serve = try ServeWorld()
        try expectServeRefused(serve.world, ["--port", "\(serve.server.port)"], status: 69, naming: "--port")
        #expect(try serve.http.get("/healthz").status == 200)
    }
}
