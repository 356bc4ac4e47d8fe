import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// One test's world for messages: the demo catalogue (Léa Martin, Europe/Paris) on the Pro plan,
/// a real SMTP server (aiosmtpd) or the fake SendGrid for e-mail, the fake Twilio for SMS.
final class NotifyWorld: @unchecked Sendable {
    let world: CatalogueWorld
    let sink: SMTPSink
    let sendgrid: ProviderFake
    let twilio: ProviderFake
    var transport = "smtp"
    var now = CatalogueWorld.now
    /// `user:password` the SMTP server requires (in SMTP_URL), or nil for none.
    let smtpCredentials: String?

    /// On `world` when given (another world's database, such as a StripeWorld's), else a new demo one.
    init(world existing: CatalogueWorld? = nil, smtpCredentials: String? = nil) throws {
        world = try existing ?? CatalogueWorld.demo()
        self.smtpCredentials = smtpCredentials
        try world.succeed("artisan", "set", "--plan", "pro", "--phone", "+33612345678")
        sink = try SMTPSink(arguments: smtpCredentials.map { ["--auth", $0] } ?? [])
        sendgrid = try ProviderFake("sendgrid")
        twilio = try ProviderFake("twilio")
    }

    deinit { sink.stop() }

    var environment: [String: String] {
        ["EMAIL_TRANSPORT": transport, "EMAIL_FROM": "Atelier Léa <contact@atelier-lea.fr>", "SMTP_URL": sink.url(credentials: smtpCredentials),
         "SENDGRID_API_KEY": "SG.test_artisan", "SENDGRID_API_BASE": sendgrid.url,
         "TWILIO_ACCOUNT_SID": "AC_test_artisan", "TWILIO_AUTH_TOKEN": "twilio_test_token", "TWILIO_PHONE_NUMBER": "+33700000000",
         "TWILIO_API_BASE": twilio.url, "MANAGE_URL_BASE": "https://book.example/manage", "ARTISANCTL_NOW": now, "ARTISANCTL_HTTP_TIMEOUT": "2"]
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Binary.Result {
        try world.run(arguments, environment: environment.merging(extra) { _, new in new })
    }

    @discardableResult
    func succeed(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Binary.Result {
        let result = try run(arguments, environment: extra)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return result
    }

    func book(_ date: String = "2026-12-01", _ time: String = "10:00", _ extra: [String] = []) throws -> String {
        try world.code(of: jsonObject(succeed(CatalogueWorld.createArguments("Coupe femme", date, time, extra) + ["--output", "json"]).stdout))
    }

    func outbox(_ code: String? = nil) throws -> [[String: Any]] {
        try jsonArray(succeed(["notifications", "list", "--output", "json"] + (code.map { ["--booking", $0] } ?? [])).stdout)
    }

    /// Every message the sink received, read by Python's `email` package.
    func received() throws -> [[String: Any]] {
        try (0..<sink.count).map { try MailOracle.read(sink.eml($0 + 1)) }
    }
}

@Suite("Notifications")
struct NotificationTests {
    @Test("a booking's confirmation reaches a real SMTP server in French, with text, HTML and an invitation read by icalendar")
    func confirmationBySMTP() throws {
        let w = try NotifyWorld()
        let code = try w.book("2026-12-01", "10:00", ["--name", "Élodie Dupré"])
        let mails = try w.received()
        #expect(mails.count == 2)
        let customer = try #require(mails.first { ($0["headers"] as? [String: Any])?["To"] as? String == "Élodie Dupré <marie@example.com>" },
                                    "\(mails.map { $0["headers"] ?? "" })")
        let headers = try #require(customer["headers"] as? [String: Any])
        #expect(headers["Subject"] as? String == "Réservation confirmée : Coupe femme le mardi 1er décembre 2026")
        #expect((headers["From"] as? String)?.contains("contact@atelier-lea.fr") == true)
        let text = try #require(customer["text"] as? String)
        #expect(text.contains("Votre réservation \(code) est confirmée : Coupe femme avec Atelier Léa Martin, le mardi 1er décembre 2026 à 10:00"))
        #expect(text.contains("Prix : 45,50 €.") && text.contains("Acompte à régler : 13,65 €."))
        #expect(text.contains("https://book.example/manage?code=\(code)"))
        #expect((customer["html"] as? String)?.contains("<p>Bonjour Élodie Dupré,</p>") == true)
        let calendars = try #require(customer["calendars"] as? [[String: Any]])
        #expect(calendars.contains { $0["METHOD"] as? String == "REQUEST" && $0["contentMethod"] as? String == "REQUEST" })
        let event = try #require((calendars.first?["events"] as? [[String: Any]])?.first)
        #expect(event["DTSTART"] as? String == "2026-12-01T10:00:00+01:00" && event["DTEND"] as? String == "2026-12-01T11:00:00+01:00")
        let alert = try #require(mails.first { (($0["headers"] as? [String: Any])?["To"] as? String)?.contains("lea.martin@example.com") == true })
        #expect(((alert["headers"] as? [String: Any])?["Subject"] as? String)?.hasPrefix("Nouvelle réservation \(code)") == true)
        #expect(try w.outbox(code).allSatisfy { $0["status"] as? String == "sent" })
    }

    @Test("cancelling sends METHOD:CANCEL with the same UID and a higher SEQUENCE")
    func cancellationInvitation() throws {
        let w = try NotifyWorld()
        let code = try w.book()
        // At the same instant: the SEQUENCE still rises.
        try w.succeed(["bookings", "cancel", code])
        let invitations = try w.received().compactMap { ($0["calendars"] as? [[String: Any]])?.first }
        let request = try #require((invitations.first { $0["METHOD"] as? String == "REQUEST" }?["events"] as? [[String: Any]])?.first)
        let cancel = try #require((invitations.first { $0["METHOD"] as? String == "CANCEL" }?["events"] as? [[String: Any]])?.first)
        #expect(request["UID"] as? String == cancel["UID"] as? String)
        #expect((cancel["SEQUENCE"] as? Int ?? 0) > (request["SEQUENCE"] as? Int ?? 0))
        #expect(cancel["STATUS"] as? String == "CANCELLED")
    }

    @Test("SendGrid: the exact JSON with Bearer auth and our key in custom_args; SMS by Twilio only for an opted-in customer")
    func sendGridAndTwilio() throws {
        let w = try NotifyWorld()
        w.transport = "sendgrid"
        let code = try w.book("2026-12-01", "10:00", ["--sms", "--phone", "+33698765432"])
        let messages = try w.sendgrid.get("/_control") as? [String: Any]
        let sent = try #require(messages?["messages"] as? [[String: Any]])
        #expect(sent.count == 2)
        let customer = try #require(sent.compactMap { $0["message"] as? [String: Any] }.first {
            (($0["personalizations"] as? [[String: Any]])?.first?["to"] as? [[String: Any]])?.first?["email"] as? String == "marie@example.com"
        })
        #expect((customer["custom_args"] as? [String: Any])?["notification_key"] != nil)
        #expect((customer["attachments"] as? [[String: Any]])?.first?["filename"] as? String == "invite.ics")
        let sms = try #require((try w.twilio.get("/_control") as? [String: Any])?["messages"] as? [[String: Any]])
        #expect(sms.count == 1 && sms.first?["to"] as? String == "+33698765432")
        #expect((sms.first?["body"] as? String)?.contains(code) == true)
        #expect(Int(sms.first?["num_segments"] as? String ?? "9") ?? 9 <= 2)
        _ = try w.book("2026-12-01", "14:00")
        let after = (try w.twilio.get("/_control") as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        #expect(after.count == sms.count)
    }

    @Test("a provider down during bookings create: the booking stands, exit 0 with a warning; notify send delivers later, once")
    func providerDownThenSend() throws {
        let w = try NotifyWorld()
        w.transport = "sendgrid"
        try w.sendgrid.control(["fail": [["status": 500, "times": -1]]])
        let created = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "10:00"))
        #expect(created.status == 0 && created.stderr.contains("notify send"), "\(created.output)")
        try w.sendgrid.control(["clearFailures": true])
        w.now = "2026-11-24T09:02:00+01:00"
        let send = try w.run(["notify", "send", "--json"])
        #expect(send.status == 0, "\(send.output)")
        #expect(try jsonObject(send.stdout)["sent"] as? Int == 2)
        #expect(try w.run(["notify", "send", "--json"]).stdout.contains("\"sent\" : 0"))
        let sent = (try w.sendgrid.get("/_control") as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        #expect(sent.count == 2)
    }

    @Test("a provider hanging during bookings create: the booking stands after the short timeout; notify send delivers the rest")
    func providerHangsThenSend() throws {
        let w = try NotifyWorld()
        w.transport = "sendgrid"
        // The first message's request is held and never answered.
        try w.sendgrid.control(["fail": [["hold": true, "times": 1]]])
        let created = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "10:00"))
        #expect(created.status == 0 && created.stderr.contains("notify send"), "\(created.output)")
        #expect(try w.world.countOf("SELECT count(*) AS n FROM bookings WHERE status = 'confirmed'") == 1)
        w.now = "2026-11-24T09:02:00+01:00"
        let send = try jsonObject(w.succeed(["notify", "send", "--json"]).stdout)
        #expect(send["sent"] as? Int == 1)
        let keys = ((try w.sendgrid.get("/_control") as? [String: Any])?["messages"] as? [[String: Any]] ?? []).compactMap {
            (($0["message"] as? [String: Any])?["custom_args"] as? [String: Any])?["notification_key"] as? String
        }
        #expect(keys.count == 2 && Set(keys).count == 2)
        #expect(try w.outbox().allSatisfy { $0["status"] as? String == "sent" })
    }

    @Test("without an e-mail transport, messages wait in the outbox and notifications list says why; notify send exits 78")
    func noTransport() throws {
        let w = try NotifyWorld()
        let created = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "14:00"), environment: ["EMAIL_TRANSPORT": ""])
        #expect(created.status == 0)
        let pending = try jsonArray(w.run(["notifications", "list", "--status", "pending", "--output", "json"], environment: ["EMAIL_TRANSPORT": ""]).stdout)
        #expect(pending.count == 2 && pending.allSatisfy { ($0["lastError"] as? String)?.contains("EMAIL_TRANSPORT") == true })
        #expect(try w.run(["notify", "send"], environment: ["EMAIL_TRANSPORT": "", "TWILIO_ACCOUNT_SID": ""]).status == 78)
    }

    @Test("two notify send at once over 200 due messages: each is sent exactly once")
    func concurrentSenders() throws {
        let w = try NotifyWorld()
        w.transport = "sendgrid"
        // 100 bookings, two messages each, queued while no transport is configured.
        let days = (1...23).map { String(format: "2026-12-%02d", $0) }
        var made = 0
        for day in days where made < 100 {
            for time in ["09:00", "10:00", "11:00", "14:00", "15:00", "16:00", "17:00"] where made < 100 {
                let result = try w.run(CatalogueWorld.createArguments("Coupe femme", day, time), environment: ["EMAIL_TRANSPORT": ""])
                if result.status == 0 { made += 1 }
            }
        }
        #expect(made == 100)
        let outcomes = try ProcessRace.run([["notify", "send", "--json"], ["notify", "send", "--json"]],
                                           environment: w.world.environment.merging(w.environment) { _, new in new },
                                           in: w.world.directory.appendingPathComponent("race"))
        #expect(outcomes.allSatisfy { $0.status == 0 }, "\(outcomes.map(\.stderr))")
        let counts = try outcomes.map { try jsonObject($0.stdout)["sent"] as? Int ?? -1 }
        #expect(counts.reduce(0, +) == 200, "\(counts)")
        let keys = ((try w.sendgrid.get("/_control") as? [String: Any])?["messages"] as? [[String: Any]] ?? []).compactMap {
            (($0["message"] as? [String: Any])?["custom_args"] as? [String: Any])?["notification_key"] as? String
        }
        #expect(keys.count == 200 && Set(keys).count == 200)
    }

    @Test("reminders: once under rerun and concurrency, on the DST days, and not for a booking cancelled after queueing")
    func reminders() throws {
        let w = try NotifyWorld()
        w.now = "2026-11-24T09:00:00+01:00"
        let kept = try w.book("2026-12-01", "10:00")
        let cancelled = try w.book("2026-12-01", "14:00")
        w.now = "2026-11-30T18:00:00+01:00"
        // Three runs at once on a fresh day, then a rerun: two reminders in all.
        let outcomes = try ProcessRace.run(Array(repeating: ["notify", "reminders", "--output", "json"], count: 3),
                                           environment: w.world.environment.merging(w.environment) { _, new in new },
                                           in: w.world.directory.appendingPathComponent("race"))
        #expect(try outcomes.map { try jsonArray($0.stdout).first?["queued"] as? Int ?? -1 }.reduce(0, +) == 2, "\(outcomes.map(\.stderr))")
        let rerun = try jsonArray(w.succeed(["notify", "reminders", "--output", "json"]).stdout)
        #expect(rerun.first?["date"] as? String == "2026-12-01" && rerun.first?["queued"] as? Int == 0 && rerun.first?["existing"] as? Int == 2)
        let before = w.sink.count
        // Cancelling delivers the booking's due messages at once: its queued reminder is dropped there.
        try w.succeed(["bookings", "cancel", cancelled, "--force"])
        _ = try w.succeed(["notify", "send", "--json"])
        let dropped = try w.outbox(cancelled).filter { $0["kind"] as? String == "reminder" }
        #expect(dropped.count == 1 && dropped.first?["status"] as? String == "cancelled")
        let reminders = try w.received().suffix(w.sink.count - before).filter {
            ((($0["headers"] as? [String: Any])?["Subject"] as? String) ?? "").hasPrefix("Rappel")
        }
        #expect(reminders.count == 1 && (reminders.first?["text"] as? String)?.contains(kept) == true)
        // The DST days (23 and 25 hours long) as the reminded day: run on the Saturday evening before.
        try w.world.succeed("hours", "set", "sun", "09:00-18:00")
        for (booked, evening, date, expected) in [
            ("2027-03-22T09:00:00+01:00", "2027-03-27T18:00:00+01:00", "2027-03-28", "dimanche 28 mars 2027 à 10:00"),
            ("2027-10-25T09:00:00+02:00", "2027-10-30T18:00:00+02:00", "2027-10-31", "dimanche 31 octobre 2027 à 10:00"),
        ] {
            w.now = booked
            let code = try w.book(date, "10:00")
            w.now = evening
            let queued = try jsonArray(w.succeed(["notify", "reminders", "--output", "json"]).stdout)
            #expect(queued.first?["date"] as? String == date && queued.first?["queued"] as? Int == 1, "\(queued)")
            let count = w.sink.count
            try w.succeed(["notify", "send"])
            let text = try MailOracle.read(w.sink.eml(count + 1))["text"] as? String ?? ""
            #expect(text.contains("Rappel : Coupe femme avec Atelier Léa Martin demain, le \(expected) (réservation \(code))"), "\(text)")
        }
    }

    @Test("the artisan's own template (NOTIFY_TEMPLATES_DIR) replaces ours; a SendGrid template id gets the same variables")
    func overrides() throws {
        let w = try NotifyWorld()
        let templates = w.world.directory.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "Votre rendez-vous {{{code}}} chez {{{artisanName}}}".write(to: templates.appendingPathComponent("confirmation.subject.mustache"),
                                                                     atomically: true, encoding: .utf8)
        let code = try w.book()
        let preview = try w.run(["notify", "preview", "confirmation", code], environment: ["NOTIFY_TEMPLATES_DIR": templates.path])
        #expect(preview.stdout.contains("Subject: Votre rendez-vous \(code) chez Atelier Léa Martin"), "\(preview.output)")
        #expect(try w.succeed(["notify", "preview", "confirmation", code]).stdout.contains("Subject: Réservation confirmée"))
        try "{{#broken}}".write(to: templates.appendingPathComponent("reminder.text.mustache"), atomically: true, encoding: .utf8)
        #expect(try w.run(["notify", "preview", "reminder", code], environment: ["NOTIFY_TEMPLATES_DIR": templates.path]).status == 78)

        w.transport = "sendgrid"
        let template = "d-" + String(repeating: "0123456789abcdef", count: 2)
        try w.succeed(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "14:00"), environment: ["SENDGRID_TEMPLATE_CONFIRMATION": template])
        let sent = ((try w.sendgrid.get("/_control") as? [String: Any])?["messages"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? [String: Any] }
        let templated = try #require(sent.first { $0["template_id"] as? String == template })
        let data = (templated["personalizations"] as? [[String: Any]])?.first?["dynamic_template_data"] as? [String: Any]
        #expect(data?["serviceName"] as? String == "Coupe femme" && data?["dateTime"] as? String == "mardi 1er décembre 2026 à 14:00")
        #expect(sent.contains { $0["template_id"] == nil })
    }

    @Test("preview prints a message without sending it; a bad kind is refused")
    func preview() throws {
        let w = try NotifyWorld()
        let code = try w.book()
        let before = w.sink.count
        let shown = try w.succeed(["notify", "preview", "reminder", code])
        #expect(shown.stdout.contains("Rappel : Coupe femme demain, mardi 1er décembre 2026 à 10:00"))
        #expect(try w.succeed(["notify", "preview", "confirmation", code, "--channel", "sms"]).stdout.contains("RDV \(code) confirmé"))
        #expect(try w.run(["notify", "preview", "birthday", code]).status == 65)
        #expect(w.sink.count == before)
    }
}
