import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing
import TestSupport

/// The SMTP channel through a real SMTP server (Tests/Fixtures/smtp_sink.py, aiosmtpd), each
/// received message read by Tests/Fixtures/mail_oracle.py (Python's `email` and `icalendar`).
@Suite("SMTP client")
struct SMTPClientTests {
    typealias T = NotifyTestData

    static func client(_ url: String) throws -> SMTPClient {
        try SMTPClient(url: url, from: T.sender, requestTimeout: 10, clock: .fixed(T.now))
    }

    @Test("an invitation arrives as Python's email reads it: decoded names and subject, the exact text and HTML, the calendar inline and attached")
    func delivered() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let message = T.email(calendar: CalendarAttachment(method: "REQUEST", content: T.invitation))
        let id = try Self.client(sink.url()).send(message)
        #expect(id == "<notif-0001@artisanctl>")
        #expect(sink.count == 1)
        let envelope = try sink.envelope(1)
        #expect(envelope["mail_from"] as? String == "contact@atelier-martin.fr")
        #expect(envelope["rcpt_tos"] as? [String] == ["lea@example.com"])

        let mail = try MailOracle.read(sink.eml(1))
        let headers = try #require(mail["headers"] as? [String: Any])
        #expect(headers["Subject"] as? String == "Réservation confirmée — Léa")
        #expect(headers["Message-ID"] as? String == "<notif-0001@artisanctl>")
        #expect(headers["MIME-Version"] as? String == "1.0")
        #expect(mail["date"] as? String == "2026-03-10T08:00:00+00:00")
        let addresses = try #require(mail["addresses"] as? [String: [[String: String]]])
        #expect(addresses["From"] == [["name": "Atelier Martin", "address": "contact@atelier-martin.fr"]])
        #expect(addresses["To"] == [["name": "Léa Martin", "address": "lea@example.com"]])
        #expect(mail["text"] as? String == message.text)
        #expect(mail["html"] as? String == message.html)
        #expect((mail["defects"] as? [Any])?.isEmpty == true)

        let structure = try #require(mail["structure"] as? [String: Any])
        #expect(structure["contentType"] as? String == "multipart/mixed")
        let calendars = try #require(mail["calendars"] as? [[String: Any]])
        #expect(calendars.count == 2)
        let inline = try #require(calendars.first), attached = try #require(calendars.last)
        #expect(inline["inAlternative"] as? Bool == true)
        #expect(inline["contentMethod"] as? String == "REQUEST")
        #expect(attached["inAlternative"] as? Bool == false)
        #expect(attached["contentMethod"] as? String == "REQUEST")
        #expect(attached["filename"] as? String == "invite.ics")
        #expect(attached["disposition"] as? String == "attachment")
        for calendar in calendars {
            #expect(calendar["METHOD"] as? String == "REQUEST")
            let event = try #require((calendar["events"] as? [[String: Any]])?.first)
            #expect(event["UID"] as? String == "booking-0b9d1c8e@artisanctl")
            #expect(event["SUMMARY"] as? String == "Pose de carrelage – Salle d'eau")
            #expect(event["DTSTART"] as? String == "2026-03-12T08:30:00+00:00")
        }
    }

    @Test("AUTH with the URL's user and password, percent-decoded; the URL libcurl gets holds no credentials")
    func authenticated() throws {
        let sink = try SMTPSink(arguments: ["--auth", "atelier@example.com:p@ss w0rd+%"])
        defer { sink.stop() }
        _ = try Self.client(sink.url(credentials: "atelier%40example.com:p%40ss%20w0rd+%25")).send(T.email())
        #expect(try sink.envelope(1)["auth_user"] as? String == "atelier@example.com")
    }

    @Test("a refused password is .permission and no message holds it; no credentials at all is .permission too")
    func refusedCredentials() throws {
        let sink = try SMTPSink(arguments: ["--auth", "atelier:right-password"])
        defer { sink.stop() }
        let wrong = #expect(throws: ArtisanError.self) { try Self.client(sink.url(credentials: "atelier:Wr0ngSecret")).send(T.email()) }
        #expect(wrong?.kind == .permission)
        #expect(wrong?.code == "NOTIFICATION_AUTH_FAILED")
        #expect(wrong?.message.contains("Wr0ngSecret") == false)
        #expect(wrong?.hint?.contains("Wr0ngSecret") == false)
        let missing = #expect(throws: ArtisanError.self) { try Self.client(sink.url()).send(T.email()) }
        #expect(missing?.kind == .permission)
        #expect(sink.count == 0)
    }

    @Test("550 (unknown user) is .invalid, never retried; 451 is .temporary")
    func refusedRecipients() throws {
        let sink = try SMTPSink(arguments: ["--reject-rcpt", "gone@example.com", "--tempfail-rcpt", "busy@example.com"])
        defer { sink.stop() }
        let client = try Self.client(sink.url())
        let gone = #expect(throws: ArtisanError.self) { try client.send(T.email(to: "gone@example.com")) }
        #expect(gone?.kind == .invalid)
        #expect(gone?.code == "NOTIFICATION_REFUSED")
        #expect(gone?.message.contains("550") == true)
        let busy = #expect(throws: ArtisanError.self) { try client.send(T.email(to: "busy@example.com")) }
        #expect(busy?.kind == .temporary)
        #expect(busy?.message.contains("451") == true)
        #expect(sink.count == 0)
        _ = try client.send(T.email())
        #expect(sink.count == 1)
    }

    @Test("STARTTLS is taken whenever offered: with a certificate no CA vouches for, nothing is sent in clear and it is .unavailable")
    func startTLS() throws {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: keys) }
        let cert = keys.appendingPathComponent("cert.pem").path, key = keys.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)

        let sink = try SMTPSink(arguments: ["--starttls", cert, key])
        defer { sink.stop() }
        let error = #expect(throws: ArtisanError.self) { try Self.client(sink.url()).send(T.email()) }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("certificate") == true)
        #expect(sink.count == 0)
    }

    @Test("a refused connection is .unavailable")
    func unreachable() throws {
        // Port 1 on loopback: nothing listens there.
        let error = #expect(throws: ArtisanError.self) { try Self.client("smtp://user:Secr3tPass@127.0.0.1:1").send(T.email()) }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("Secr3tPass") == false)
    }

    @Test("a recipient that is no address (a header smuggled in) is .invalid before anything is sent")
    func hostileRecipient() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        for to in ["lea@example.com\r\nBcc: evil@example.com", "lea@example.com>, <evil@example.com", "", "lea", "lea@@example.com"] {
            let error = #expect(throws: ArtisanError.self) { try Self.client(sink.url()).send(T.email(to: to)) }
            #expect(error?.kind == .invalid)
        }
        #expect(sink.count == 0)
    }

    @Test("SMTP_URL errors are configuration errors that never repeat the password",
          arguments: ["http://u:Secr3tPass@host", "smtp://u:Secr3tPass@", "smtp://u:Secr3tPass@host:0", "smtp://u:Secr3tPass@host:99999",
                      "smtp://u:Secr3tPass@ho st", "smtp://u:Secr3tPass@host:25\r\n", "u:Secr3tPass@host", "smtp://u:Secr3tPass@[::1"])
    func badURL(url: String) throws {
        let error = #expect(throws: ArtisanError.self) { try Self.client(url) }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("Secr3tPass") == false)
    }
}
