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

/// Tests/Fixtures/smtp_sink.py (aiosmtpd) writing into a directory of its own.
final class SMTPSink: @unchecked Sendable {
    let server: FakeServer
    let directory: URL

    init(arguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        server = try FakeServer.start(script: "smtp_sink.py", arguments: [directory.path] + arguments, python: FakeServer.venvPython)
    }

    func url(credentials: String? = nil, scheme: String = "smtp") -> String {
        "\(scheme)://" + (credentials.map { $0 + "@" } ?? "") + "127.0.0.1:\(server.port)"
    }

    /// The stored messages, 1 first.
    var count: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    func eml(_ number: Int) -> URL { directory.appendingPathComponent("\(number).eml") }

    func envelope(_ number: Int) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(number).json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Tests/Fixtures/mail_oracle.py: Python's `email` and `icalendar` reading a message we wrote.
enum MailOracle {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ file: URL) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FakeServer.venvPython)
        process.arguments = [FakeServer.fixtures.appendingPathComponent("mail_oracle.py").path, file.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = try output.fileHandleForReading.readToEnd() ?? Data()
        let problem = String(decoding: try errors.fileHandleForReading.readToEnd() ?? Data(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "mail_oracle.py failed (\(process.terminationStatus)): \(problem)")
        }
        return object
    }

    static func read(bytes: [UInt8]) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mime-\(UUID().uuidString).eml")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try read(file)
    }
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
