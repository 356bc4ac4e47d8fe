import Foundation
import Testing
import TestSupport

/// Requests no client should send, byte for byte: none may crash, hang or 5xx the server.
@Suite("serve: hostile requests get a 4xx or a closed connection, and the server keeps serving")
struct ServeHostileTests {
    static let deepJSON = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)

    static var requests: [(String, Data)] {
        let booking = "POST /api/v1/bookings HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
        func post(_ body: Data) -> Data { Data((booking + "Content-Length: \(body.count)\r\n\r\n").utf8) + body }
        return [
            ("a garbage request line", Data("HELLO\r\n\r\n".utf8)),
            ("a request line of 100 kB", Data(("GET /" + String(repeating: "a", count: 100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").utf8)),
            ("a header of 100 kB", Data(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 100_000) + "\r\n\r\n").utf8)),
            ("a NUL in the path", Data("GET /api/v1/\u{0}services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)),
            ("percent-encoded garbage in the query",
             Data("GET /api/v1/availability?serviceId=%ZZ%00%FF&date=%E2%80%AE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)),
            ("a Content-Length of 10^12", Data((booking + "Content-Length: 1000000000000\r\n\r\n{}").utf8)),
            ("a negative Content-Length", Data((booking + "Content-Length: -5\r\n\r\n{}").utf8)),
            ("invalid UTF-8 in the body", post(Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]))),
            ("JSON nested 100,000 deep", post(Data(deepJSON.utf8))),
            ("a 2 MiB body", post(Data(repeating: 0x20, count: 2 << 20))),
            ("a number of 400 digits", post(Data(("{\"serviceId\":" + String(repeating: "9", count: 400) + "}").utf8))),
            ("an unknown method", Data("BREW /api/v1/services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)),
            ("a chunked body that never ends well", Data((booking + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\n").utf8)),
        ]
    }

    @Test("each hostile request is refused without a server error, and /healthz answers after each")
    func hostileRequests() throws {
        let serve = try ServeWorld()
        for (name, bytes) in Self.requests {
            // A closed connection without an answer is an acceptable refusal of a broken request.
            if let answer = try? serve.http.exchange(bytes) {
                #expect(answer.status < 500 || answer.status == 503, "\(name): \(answer)")
            }
            let health = try serve.http.get("/healthz")
            #expect(health.status == 200, "after \(name): \(health)")
        }
        #expect(serve.server.stop() == 0, "\(serve.server.logText.suffix(2000))")
    }
}
