@testable import ArtisanIntegrations
import Foundation
import Testing

/// A transport that answers 429 with a given `Retry-After` until the last try, then 200.
private struct Throttling: HTTPTransport {
    let retryAfter: String
    let calls = Counter()

    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        calls.increment() < 3
            ? HTTPResponse(status: 429, headers: ["retry-after": retryAfter], body: [])
            : HTTPResponse(status: 200, headers: [:], body: [])
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// The count after this call.
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

@Suite("Retry-After, whatever the server says")
struct RetryAfterTests {
    func waits(for retryAfter: String) throws -> [Double] {
        let waits = WaitLog()
        let transport = RetryingTransport(Throttling(retryAfter: retryAfter), attempts: 3, initialDelay: 0.5, maximumDelay: 30,
                                          sleep: { waits.append($0) })
        #expect(try transport.send(HTTPRequest(url: "http://127.0.0.1:1/")).status == 200)
        return waits.values
    }

    @Test("whole seconds are honoured, surrounding blanks allowed", arguments: ["2", " 2 ", "02"])
    func seconds(value: String) throws {
        #expect(try waits(for: value) == [2, 2])
    }

    @Test("more than the cap, even beyond any integer, waits the cap", arguments: ["31", "99999999999999999999", String(repeating: "9", count: 10_000)])
    func capped(value: String) throws {
        #expect(try waits(for: value) == [30, 30])
    }

    @Test("anything but digits falls back to the backoff", arguments: [
        "-1", "nan", "NaN", "inf", "-inf", "1e999", "1.5", "", "Wed, 21 Oct 2015 07:28:00 GMT", "0x10", "+3", "\u{1b}[31m",
    ])
    func backoff(value: String) throws {
        #expect(try waits(for: value) == [0.5, 1])
    }
}
