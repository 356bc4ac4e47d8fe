import ArtisanStore
import Foundation
import Testing
import TestSupport

/// The booking page in a real browser: headless Chromium (Debian's, driven through its own
/// chromedriver by Selenium) books through the public API under the server's CSP.
@Suite("serve: the booking page in headless Chromium")
struct ServeBrowserTests {
    @Test("a booking made through the page is in the database, with no console error and no CSP violation")
    func bookThroughThePage() throws {
        let serve = try ServeWorld()
        let script = FakeServer.fixtures.appendingPathComponent("browser_booking.py").path
        let run = try Subprocess.run([FakeServer.venvPython, script, serve.server.url], environment: ProcessInfo.processInfo.environment)
        #expect(run.status == 0, "\(run.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        let code = try #require(outcome["code"] as? String)
        #expect(outcome["found"] as? Bool == true)
        #expect((outcome["consoleErrors"] as? [Any])?.isEmpty == true, "\(outcome)")
        #expect((outcome["cspViolations"] as? [Any])?.isEmpty == true, "\(outcome)")
        let rows = try serve.world.connection.query("""
            SELECT customer_email, status FROM bookings WHERE public_code = \(code)
            """)
        #expect(rows.count == 1)
        #expect(try rows.first?.decode("customer_email", as: String.self) == "browser@example.com")
    }
}
