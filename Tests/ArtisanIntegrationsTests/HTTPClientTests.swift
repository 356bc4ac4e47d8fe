import ArtisanIntegrations
import Foundation
import Testing
import TestSupport

/// The libcurl transport and the retry policy against a real local HTTP server (Python's).
@Suite("HTTP client")
struct HTTPClientTests {
    @Test("GET and POST round-trip status, headers and body")
    func roundTrip() throws {
        let server = try FakeServer.start("echo")
        defer { server.stop() }
        let transport = CurlTransport()
        let response = try transport.send(HTTPRequest(method: "POST", url: server.url + "/echo?x=1", headers: [("X-Test", "yes")], body: Array("héllo".utf8)))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
        #expect(object?["method"] == "POST")
        #expect(object?["body"] == "héllo")
        #expect(object?["x-test"] == "yes")
    }

    @Test("a hung server times out within the request's timeout")
    func timeout() throws {
        let server = try FakeServer.start("echo")
        defer { server.stop() }
        let error = #expect(throws: HTTPError.self) { try CurlTransport().send(HTTPRequest(url: server.url + "/hang", timeout: 1)) }
        #expect(error?.kind == .timeout)
    }

    @Test("nothing listening: unreachable")
    func unreachable() {
        let error = #expect(throws: HTTPError.self) { try CurlTransport().send(HTTPRequest(url: "http://127.0.0.1:1/", timeout: 2)) }
        #expect(error?.kind == .unreachable)
    }

    @Test("429 with Retry-After, then 500, then success: three tries, waits as asked")
    func retries() throws {
        let server = try FakeServer.start("echo")
        defer { server.stop() }
        let waits = WaitLog()
        let transport = RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { waits.append($0) })
        let response = try transport.send(HTTPRequest(url: server.url + "/flaky?key=\(UUID().uuidString)"))
        #expect(response.status == 200)
        #expect(waits.values == [2, 0.02])
    }

    @Test("after three failures the last answer is returned")
    func givesUp() throws {
        let server = try FakeServer.start("echo")
        defer { server.stop() }
        let waits = WaitLog()
        let transport = RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { waits.append($0) })
        #expect(try transport.send(HTTPRequest(url: server.url + "/status/503")).status == 503)
        #expect(waits.values.count == 2)
    }
}

final class WaitLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Double] = []
    func append(_ value: Double) { lock.lock(); log.append(value); lock.unlock() }
    var values: [Double] { lock.lock(); defer { lock.unlock() }; return log }
}
