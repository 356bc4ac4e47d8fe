import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing

/// The Twilio channel against Tests/Fixtures/fake_twilio.py: the form and Basic auth, the sid,
/// Twilio's refusals as permanent failures naming their code, and the retried kinds.
@Suite("Twilio client")
struct TwilioClientTests {
    typealias T = NotifyTestData
    static let accountSID = "AC_test_artisan"
    static let authToken = "twilio_test_token"
    static let from = "+33123456789"

    static func client(_ fake: NotifyFake, token: String = authToken, waits: StripeWaitRecorder = StripeWaitRecorder()) -> TwilioClient {
        TwilioClient(transport: RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { waits.append($0) }),
                     accountSID: accountSID, authToken: token, from: from, apiBase: fake.url, requestTimeout: 5)
    }

    @Test("an SMS is a form To/From/Body with Basic auth; 201 gives the sid Twilio stored")
    func sends() throws {
        let fake = try NotifyFake("twilio")
        defer { fake.stop() }
        let message = T.sms(text: "Rappel : RDV demain à 08:30 & code AC-7K2Q+1 = 100% réglé")
        let sid = try Self.client(fake).send(message)
        let stored = try #require(try fake.messages().first)
        #expect(sid?.hasPrefix("SM") == true)
        #expect(sid == stored["sid"] as? String)
        #expect(stored["body"] as? String == message.text)
        let request = try #require(try fake.requests().last)
        #expect(request["method"] as? String == "POST")
        #expect(request["path"] as? String == "/2010-04-01/Accounts/AC_test_artisan/Messages.json")
        #expect(request["authorization"] as? String == "Basic ***")
        let form = try #require(request["form"] as? [String: String])
        #expect(form == ["To": "+33612345678", "From": Self.from, "Body": message.text])
    }

    @Test("21211 (invalid To), 21610 (unsubscribed), 21614 (landline), 21617 (too long) are .invalid naming the code, never retried",
          arguments: [("+3361234", 21211), ("+33611111111", 21610), ("+33122222222", 21614), ("+33612345678", 21617)])
    func refusals(to: String, code: Int) throws {
        let fake = try NotifyFake("twilio")
        defer { fake.stop() }
        try fake.control(["unsubscribed": ["+33611111111"], "landline": ["+33122222222"]])
        let waits = StripeWaitRecorder()
        let text = code == 21617 ? String(repeating: "é", count: 1601) : "Rappel"
        let error = #expect(throws: ArtisanError.self) { try Self.client(fake, waits: waits).send(T.sms(to: to, text: text)) }
        #expect(error?.kind == .invalid)
        #expect(error?.code == "NOTIFICATION_REFUSED")
        #expect(error?.message.contains("Twilio error \(code)") == true)
        #expect(waits.values.isEmpty)
        #expect(try fake.messages().isEmpty)
    }

    @Test("another 400 is .invalid too, its code named")
    func otherRefusal() throws {
        let fake = try NotifyFake("twilio")
        defer { fake.stop() }
        try fake.control(["fail": [["status": 400, "code": 21408, "message": "Permission to send an SMS has not been enabled"]]])
        let error = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.sms()) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("21408") == true)
    }

    @Test("a wrong token (401) is .permission and the token is never echoed")
    func wrongToken() throws {
        let fake = try NotifyFake("twilio")
        defer { fake.stop() }
        let error = #expect(throws: ArtisanError.self) { try Self.client(fake, token: "secret_wrong_token").send(T.sms()) }
        #expect(error?.kind == .permission)
        #expect(error?.code == "NOTIFICATION_AUTH_FAILED")
        #expect(error?.message.contains("secret_wrong_token") == false)
        #expect(error?.hint?.contains("secret_wrong_token") != true)
    }

    @Test("429 with Retry-After then success; 429 and 500 that last are .temporary; a lost answer and no server .unavailable")
    func retried() throws {
        let fake = try NotifyFake("twilio")
        defer { fake.stop() }
        try fake.control(["fail": [["status": 429, "retryAfter": 3]]])
        let waits = StripeWaitRecorder()
        #expect(try Self.client(fake, waits: waits).send(T.sms()) != nil)
        #expect(waits.values == [3])
        #expect(try fake.messages().count == 1)

        try fake.control(["fail": [["status": 429, "times": -1]]])
        let limited = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.sms()) }
        #expect(limited?.kind == .temporary)
        #expect(limited?.message.contains("20429") == true)
        try fake.control(["clearFailures": true, "fail": [["status": 500, "times": -1]]])
        #expect((#expect(throws: ArtisanError.self) { try Self.client(fake).send(T.sms()) })?.kind == .temporary)
        try fake.control(["clearFailures": true, "fail": [["lose": true]]])
        #expect((#expect(throws: ArtisanError.self) { try Self.client(fake).send(T.sms()) })?.kind == .unavailable)

        let nobody = TwilioClient(transport: CurlTransport(), accountSID: Self.accountSID, authToken: Self.authToken, from: Self.from,
                                  apiBase: "http://127.0.0.1:1", requestTimeout: 5)
        #expect((#expect(throws: ArtisanError.self) { try nobody.send(T.sms()) })?.kind == .unavailable)
    }

    @Test("a 201 whose body is cut short still counts as sent (nil id): throwing would send the SMS twice")
    func malformedSuccess() throws {
        let fake = try NotifyFake("twilio")
        defer { fake.stop() }
        try fake.control(["fail": [["malformed": true]]])
        #expect(try Self.client(fake).send(T.sms()) == nil)
    }
}
