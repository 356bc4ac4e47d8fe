import ArtisanCore
import Testing

/// The Idempotency-Key rules, on in-memory repositories, with the clock moved between calls.
@Suite("IdempotentRequests: a key runs once, answers again, and expires")
struct IdempotentRequestsTests {
    let fixture = ServiceFixture()
    let start = "2030-01-07T08:00:00Z"

    func keys(at now: String) -> IdempotentRequests { IdempotentRequests(fixture.context(at: now)) }

    @Test("the first claim runs; a retry while it runs is in progress, with the seconds left of its claim")
    func firstRunsThenInProgress() throws {
        #expect(try keys(at: start).claim(key: "k", requestDigest: "a") == .run)
        #expect(try keys(at: "2030-01-07T08:00:20Z").claim(key: "k", requestDigest: "a") == .inProgress(retryAfterSeconds: 40))
    }

    @Test("another request under the same key is refused, even while the first runs")
    func reusedKey() throws {
        _ = try keys(at: start).claim(key: "k", requestDigest: "a")
        #expect(try keys(at: start).claim(key: "k", requestDigest: "b") == .reused)
    }

    @Test("a booking made with the key is answered to every retry, even after its claim ran out")
    func bookedIsReplayed() throws {
        #expect(try keys(at: start).claim(key: "k", requestDigest: "a") == .run)
        var request = fixture.request("2030-01-08", "10:00")
        request.idempotencyKey = "k"
        let placed = try fixture.bookings(at: start).book(request)
        for now in [start, "2030-01-07T09:00:00Z", "2030-01-08T07:59:59Z"] {
            #expect(try keys(at: now).claim(key: "k", requestDigest: "a") == .booked(code: placed.booking.publicCode), "at \(now)")
        }
    }

    @Test("a refusal kept with the key is given again; a released key runs again")
    func completeAndRelease() throws {
        _ = try keys(at: start).claim(key: "k", requestDigest: "a")
        try keys(at: start).complete(key: "k", statusCode: 409, body: "{}")
        #expect(try keys(at: start).claim(key: "k", requestDigest: "a") == .answered(statusCode: 409, body: "{}"))
        _ = try keys(at: start).claim(key: "j", requestDigest: "a")
        try keys(at: start).release(key: "j")
        #expect(try keys(at: start).claim(key: "j", requestDigest: "a") == .run)
    }

    @Test("a claim whose process died runs out after a minute, and the retry runs")
    func claimRunsOut() throws {
        _ = try keys(at: start).claim(key: "k", requestDigest: "a")
        #expect(try keys(at: "2030-01-07T08:00:59Z").claim(key: "k", requestDigest: "a") == .inProgress(retryAfterSeconds: 1))
        #expect(try keys(at: "2030-01-07T08:01:00Z").claim(key: "k", requestDigest: "a") == .run)
    }

    @Test("a key lives 24 hours: then any request may use it anew")
    func keyExpires() throws {
        _ = try keys(at: start).claim(key: "k", requestDigest: "a")
        try keys(at: start).complete(key: "k", statusCode: 409, body: "{}")
        #expect(try keys(at: "2030-01-08T07:59:59Z").claim(key: "k", requestDigest: "b") == .reused)
        #expect(try keys(at: "2030-01-08T08:00:00Z").claim(key: "k", requestDigest: "b") == .run)
    }
}
