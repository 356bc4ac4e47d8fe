import Foundation
import Testing
import TestSupport

@Suite("serve: start, book, stop")
struct ServeSmokeTests {
    @Test("a booking made over HTTP is in the database, and SIGTERM stops the server with status 0")
    func bookAndStop() throws {
        let serve = try ServeWorld()
        let created = try serve.http.post("/api/v1/bookings", json: serve.bookingBody())
        #expect(created.status == 201, "\(created)")
        let code = try #require(created.json["code"] as? String)
        #expect(try serve.world.countOf("SELECT count(*) AS n FROM bookings WHERE public_code = \(code)") == 1)
        #expect(serve.server.stop() == 0)
    }

    @Test("a port already taken is exit 69 with a one-line error and a hint, before anything is served")
    func portTaken() throws {
        let serve = try ServeWorld()
        let second = try serve.world.run(["serve", "--port", "\(serve.server.port)"])
        #expect(second.status == 69, "\(second.stderr)")
        #expect(second.stderr.hasPrefix("artisanctl: error: cannot listen on 127.0.0.1:\(serve.server.port)"), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 2)
        #expect(try serve.http.get("/healthz").status == 200)
    }
}
