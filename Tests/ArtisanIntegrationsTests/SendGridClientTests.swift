import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing

/// The SendGrid channel against Tests/Fixtures/fake_sendgrid.py: the JSON each message becomes
/// (read back from the fake's log), the id, and every failure mapped to the kind the outbox reads.
@Suite("SendGrid client")
struct SendGridClientTests {
    typealias T = NotifyTestData
    static let apiKey = "SG.test_artisan"

    static func client(_ fake: NotifyFake, key: String = apiKey, waits: StripeWaitRecorder = StripeWaitRecorder()) -> SendGridClient {
        SendGridClient(transport: RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { waits.append($0) }),
                       apiKey: key, from: T.sender, apiBase: fake.url + "/", requestTimeout: 5)
    }

    static func lastBody(_ fake: NotifyFake) throws -> [String: Any] {
        let request = try #require(try fake.requests().last)
        #expect(request["method"] as? String == "POST")
        #expect(request["path"] as? String == "/v3/mail/send")
        #expect(request["authorization"] as? String == "Bearer ***")
        #expect(request["contentType"] as? String == "application/json")
        return try #require(request["body"] as? [String: Any])
    }

    @Test("text and HTML with an invitation: the exact JSON SendGrid reads, the .ics as base64, our key in custom_args, the X-Message-Id back")
    func contentAndAttachment() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        let message = T.email(calendar: CalendarAttachment(method: "REQUEST", content: T.invitation))
        let id = try Self.client(fake).send(message)

        let stored = try #require(try fake.messages().first)
        #expect(id != nil && id == stored["messageId"] as? String)
        let body = try Self.lastBody(fake)
        let expected: [String: Any] = [
            "personalizations": [["to": [["email": "lea@example.com", "name": "Léa Martin"]]]],
            "from": ["email": "contact@atelier-martin.fr", "name": "Atelier Martin"],
            "subject": "Réservation confirmée — Léa",
            "content": [["type": "text/plain", "value": message.text], ["type": "text/html", "value": message.html ?? ""]],
            "attachments": [["content": Data(T.invitation.utf8).base64EncodedString(), "type": "text/calendar",
                             "filename": "invite.ics", "disposition": "attachment"]],
            "custom_args": ["notification_key": "notif-0001"],
        ]
        #expect(NSDictionary(dictionary: body) == NSDictionary(dictionary: expected))
        let attachment = try #require((stored["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["text"] as? String == T.invitation)
    }

    @Test("a template: template_id and dynamic_template_data, no subject nor content; no name gives no name key")
    func template() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        let templateID = "d-0123456789abcdef0123456789abcdef"
        let data = ["customerName": "Léa", "code": "AC-7K2Q", "manageUrl": "https://app.artisanconnect.fr/manage?code=AC-7K2Q"]
        _ = try Self.client(fake).send(T.email(toName: nil, templateID: templateID, templateData: data))
        let body = try Self.lastBody(fake)
        let expected: [String: Any] = [
            "personalizations": [["to": [["email": "lea@example.com"]], "dynamic_template_data": data]],
            "from": ["email": "contact@atelier-martin.fr", "name": "Atelier Martin"],
            "template_id": templateID,
            "custom_args": ["notification_key": "notif-0001"],
        ]
        #expect(NSDictionary(dictionary: body) == NSDictionary(dictionary: expected))
    }

    @Test("text only, no HTML, no calendar: one content block, no attachments key")
    func textOnly() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        _ = try Self.client(fake).send(T.email(html: nil))
        let body = try Self.lastBody(fake)
        #expect(body["attachments"] == nil)
        #expect((body["content"] as? [[String: String]]) == [["type": "text/plain", "value": T.email().text]])
    }

    @Test("400 (SendGrid's validation) is .invalid with its first message on one line; nothing is retried")
    func badRequest() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        let waits = StripeWaitRecorder()
        let error = #expect(throws: ArtisanError.self) { try Self.client(fake, waits: waits).send(T.email(to: "not-an-address")) }
        #expect(error?.kind == .invalid)
        #expect(error?.code == "NOTIFICATION_REFUSED")
        #expect(error?.message.contains("HTTP 400") == true)
        #expect(error?.message.contains("personalizations.0.to.0.email") == true)
        #expect(error?.message.contains("\n") == false)
        #expect(waits.values.isEmpty)
        #expect(try fake.requests().count == 1)
    }

    @Test("a refusal whose message holds an API key shows it blanked")
    func redaction() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        try fake.control(["fail": [["status": 400, "message": "bad key SG.test_artisan in\r\nrequest SG.other_key", "field": "x"]]])
        let error = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.email()) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("SG.") == false)
        #expect(error?.message.contains("test_artisan") == false)
        #expect(error?.message.contains("\n") == false && error?.message.contains("\r") == false)
    }

    @Test("a wrong key (401) and a forbidden sender (403) are .permission, the key never echoed")
    func permission() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        let wrong = #expect(throws: ArtisanError.self) { try Self.client(fake, key: "SG.wrong_secret_value").send(T.email()) }
        #expect(wrong?.kind == .permission)
        #expect(wrong?.code == "NOTIFICATION_AUTH_FAILED")
        #expect(wrong?.message.contains("wrong_secret_value") == false)
        #expect(wrong?.hint?.contains("SENDGRID_API_KEY") == true)
        try fake.control(["fail": [["status": 403]]])
        let forbidden = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.email()) }
        #expect(forbidden?.kind == .permission)
    }

    @Test("413 (too large) is .invalid: retrying the same message cannot help")
    func tooLarge() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        try fake.control(["fail": [["status": 413]]])
        let error = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.email()) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("HTTP 413") == true)
    }

    @Test("429 with Retry-After, then success: the wait is SendGrid's, the message goes once")
    func rateLimitedThenSent() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        try fake.control(["fail": [["status": 429, "retryAfter": 2]]])
        let waits = StripeWaitRecorder()
        let id = try Self.client(fake, waits: waits).send(T.email())
        #expect(id != nil)
        #expect(waits.values == [2])
        #expect(try fake.messages().count == 1)
    }

    @Test("429 and 500 that last are .temporary; a refused connection and a lost answer are .unavailable")
    func temporaryAndUnavailable() throws {
        let fake = try NotifyFake("sendgrid")
        defer { fake.stop() }
        try fake.control(["fail": [["status": 429, "times": -1]]])
        let limited = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.email()) }
        #expect(limited?.kind == .temporary)
        #expect(limited?.code == "NOTIFICATION_PROVIDER_UNAVAILABLE")
        try fake.control(["clearFailures": true, "fail": [["status": 500, "times": -1]]])
        let failing = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.email()) }
        #expect(failing?.kind == .temporary)
        #expect(failing?.message.contains("HTTP 500") == true)
        try fake.control(["clearFailures": true, "fail": [["lose": true]]])
        let lost = #expect(throws: ArtisanError.self) { try Self.client(fake).send(T.email()) }
        #expect(lost?.kind == .unavailable)

        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        let nobody = SendGridClient(transport: CurlTransport(), apiKey: Self.apiKey, from: T.sender, apiBase: "http://127.0.0.1:1", requestTimeout: 5)
        let refused = #expect(throws: ArtisanError.self) { try nobody.send(T.email()) }
        #expect(refused?.kind == .unavailable)
    }
}
