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
}
