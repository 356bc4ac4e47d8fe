import ArtisanCore
import ArtisanIntegrations
import Foundation
import TestSupport

/// Tests/Fixtures/fake_sendgrid.py or fake_twilio.py (contracts: the scripts' docstrings), one per
/// test, driven through its `/_control` endpoint.
final class NotifyFake: @unchecked Sendable {
    let server: FakeServer
    var url: String { server.url }

    init(_ name: String) throws { server = try FakeServer.start(name) }

    func stop() { server.stop() }

    /// POST /_control with `command` as JSON.
    func control(_ command: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: command)
        let response = try CurlTransport().send(HTTPRequest(method: "POST", url: url + "/_control", headers: [("Content-Type", "application/json")],
                                                            body: Array(body), timeout: 5))
        guard response.status == 200 else { throw FakeControlError(message: "control answered \(response.status): \(response.text)") }
    }

    /// GET /_control.
    func snapshot() throws -> [String: Any] {
        let response = try CurlTransport().send(HTTPRequest(url: url + "/_control", timeout: 5))
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw FakeControlError(message: "control state is not an object")
        }
        return object
    }

    func requests() throws -> [[String: Any]] { try snapshot()["requests"] as? [[String: Any]] ?? [] }

    func messages() throws -> [[String: Any]] { try snapshot()["messages"] as? [[String: Any]] ?? [] }
}

enum NotifyTestData {
    static let now = Timestamp(iso8601: "2026-03-10T08:00:00Z")!
    static let sender = try! EmailAddress(parsing: "Atelier Martin <contact@atelier-martin.fr>")

    /// A minimal invitation, CRLF as RFC 5545 wants.
    static let invitation = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//artisanctl//tests//FR", "METHOD:REQUEST", "BEGIN:VEVENT",
        "UID:booking-0b9d1c8e@artisanctl", "SEQUENCE:0", "DTSTAMP:20260310T080000Z", "DTSTART:20260312T083000Z",
        "DTEND:20260312T100000Z", "SUMMARY:Pose de carrelage – Salle d'eau", "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR", "",
    ].joined(separator: "\r\n")

    static func email(key: String = "notif-0001", to: String = "lea@example.com", toName: String? = "Léa Martin",
                      subject: String = "Réservation confirmée — Léa", text: String = "Bonjour Léa,\nVotre rendez-vous est confirmé.\n",
                      html: String? = "<p>Bonjour L&eacute;a,</p>\n<p>Votre rendez-vous est <b>confirmé</b>.</p>\n",
                      calendar: CalendarAttachment? = nil, templateID: String? = nil, templateData: [String: String] = [:]) -> OutgoingMessage {
        OutgoingMessage(channel: .email, idempotencyKey: key, to: to, toName: toName, subject: subject, text: text, html: html,
                        calendar: calendar, templateID: templateID, templateData: templateData)
    }

    static func sms(key: String = "notif-sms-1", to: String = "+33612345678", text: String = "Rappel : RDV demain à 08:30. Code AC-7K2Q.") -> OutgoingMessage {
        OutgoingMessage(channel: .sms, idempotencyKey: key, to: to, text: text)
    }
}
