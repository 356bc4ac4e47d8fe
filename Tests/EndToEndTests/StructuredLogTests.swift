import ArtisanStore
import Foundation
import Testing
import TestSupport

/// Logs of a whole day's work, `--log-format json --verbose`, through the binary: bookings from the
/// command line and over HTTP, a deposit paid (fake Stripe, signed webhooks), messages sent (a real
/// SMTP server with a password, the fake SendGrid and Twilio), a calendar synced with Radicale.
@Suite("structured logs of a full run")
struct StructuredLogTests {
    static let flags = ["--log-format", "json", "--verbose"]
    static let customer = (name: "Zéphyrine Quatremaine", email: "zephyrine.quatremaine@example.org", phone: "+33611223344")
    static let webCustomer = (name: "Anatole Brisebarre", email: "anatole.brisebarre@example.net", phone: "+33799887766")
    static let smtpCredentials = "mailer:smtp-s3cret-pass"
    static let googleSecret = "google-client-s3cret-value"

    @Test("every line is JSON with time, level and message; none shows a secret, an e-mail, a phone or a customer's name")
    func fullRun() throws {
        let stripe = try StripeWorld()
        let notify = try NotifyWorld(world: stripe.world, smtpCredentials: Self.smtpCredentials)
        let (radicale, _) = try CalendarSyncTests.startRadicale()
        defer { radicale.stop() }
        let database = try Self.databaseURL(stripe.world)
        var environment = stripe.environment.merging(notify.environment) { _, notifying in notifying }
        environment.merge(["CALENDAR_ENCRYPTION_KEY": CalendarSyncTests.key, "GOOGLE_CLIENT_ID": "walk-client",
                           "GOOGLE_CLIENT_SECRET": Self.googleSecret, "DATABASE_URL": database.url]) { _, new in new }
        var logs: [String] = []
        func run(_ arguments: [String], stdin: String? = nil, _ extra: [String: String] = [:]) throws -> Binary.Result {
            let result = try stripe.world.run(arguments + Self.flags, stdin: stdin, environment: environment.merging(extra) { _, new in new })
            logs.append(result.stderr)
            guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
            return result
        }

        // Booking from the command line: the deposit's PaymentIntent, the confirmation by SMTP and by SMS.
        let c = Self.customer
        let created = try run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "10:00", name: c.name, email: c.email,
                                                             ["--phone", c.phone, "--sms", "--output", "json"]))
        let code = try stripe.world.code(of: try jsonObject(created.stdout))
        let intent = try #require(try stripe.intentID(code))
        let clientSecret = try #require(try stripe.intents[intent]?["client_secret"] as? String)
        // The deposit paid: Stripe's event through `webhooks stripe`, signed by the official package.
        let events = try stripe.pay(intent)
        let paid = try #require(try events.first { try stripe.payload($0).contains("\"payment_intent.succeeded\"") })
        let body = try stripe.payload(paid)
        _ = try run(["webhooks", "stripe", "--signature", try stripe.officialSignature(body)], stdin: body)
        _ = try run(["payments", "sync"])
        // Messages: another booking by SendGrid, its SMS refused by Twilio in words that quote the number; then the cron jobs.
        try notify.twilio.control(["fail": [["status": 400, "code": 21211, "message": "The 'To' number \(c.phone) is not a valid phone number."]]])
        _ = try run(CatalogueWorld.createArguments("Coupe homme", "2026-12-01", "15:00", name: c.name, email: c.email,
                                                   ["--phone", c.phone, "--sms"]), ["EMAIL_TRANSPORT": "sendgrid"])
        _ = try run(["notify", "send"], ["EMAIL_TRANSPORT": "sendgrid"])
        _ = try run(["bookings", "list", "--customer", c.email])
        // The calendar: connected with an app password, then synced both ways.
        _ = try run(["calendars", "connect", "apple", "--username", "lea", "--password-stdin", "--url", radicale.url + "/"],
                    stdin: CalendarSyncTests.password + "\n")
        _ = try run(["sync", "calendars"])

        // Over HTTP: a booking, its lookup, its deposit paid by webhook, its cancellation.
        let server = try ServeWorld.start(stripe.world, environment: environment.merging(["EMAIL_TRANSPORT": "sendgrid"]) { _, new in new },
                                          arguments: Self.flags)
        let http = HTTPExchange(port: server.port)
        let w = Self.webCustomer
        let serviceID: String = try stripe.world.connection.query("SELECT id::text AS id FROM services WHERE name = 'Coloration'")[0].decode("id")
        let booked = try http.post("/api/v1/bookings", json: jsonText([
            "serviceId": serviceID, "date": "2026-12-02", "time": "11:00", "customer": ["name": w.name, "email": w.email, "phone": w.phone],
        ] as [String: Any]))
        #expect(booked.status == 201, "\(booked)")
        let webCode = try #require(booked.json["code"] as? String)
        let webSecret = try #require(booked.json["clientSecret"] as? String)
        let email = w.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        #expect(try http.get("/api/v1/bookings/public?code=\(webCode)&email=\(email)").status == 200)
        let webEvent = try ServeAPIWebhookTests.succeededEvent(stripe, try #require(try stripe.intentID(webCode)))
        #expect(try ServeAPIWebhookTests.deliver(http, webEvent, signature: try stripe.officialSignature(webEvent)).status == 200)
        #expect(try http.post("/api/v1/bookings/\(webCode)/cancel", json: ["email": w.email]).status == 200)
        #expect(server.stop() == 0)
        logs.append(server.logText)
        // The SMTP server (which requires the password of SMTP_URL) got the first booking's messages.
        #expect(notify.sink.count >= 2)

        let log = logs.joined()
        let records = try LogOracle.records(log)
        // The run logged what it did: each provider's requests, the server's requests.
        let hosts = Set(records.filter { $0["message"] as? String == "provider request" }.compactMap { $0["host"] as? String })
        let providers = [("Stripe", stripe.stripe.url), ("Twilio", notify.twilio.url), ("SendGrid", notify.sendgrid.url), ("Radicale", radicale.url)]
        for (name, url) in providers {
            #expect(hosts.contains(String(url.dropFirst("http://".count))), "no request to \(name) logged: \(hosts)")
        }
        #expect(records.contains { ($0["path"] as? String)?.hasPrefix("/2010-04-01/Accounts/***/") == true }, "Twilio's account id is not masked")
        #expect(records.filter { $0["message"] as? String == "request" }.count >= 4)
        #expect(records.contains { $0["message"] as? String == "connecting to the database" })

        let secrets = [StripeWorld.secretKey, StripeWorld.webhookSecret, "SG.test_artisan", "AC_test_artisan", "twilio_test_token",
                       CalendarSyncTests.key, CalendarSyncTests.password, "smtp-s3cret-pass", Self.googleSecret, database.password,
                       clientSecret, webSecret]
        let personal = [c.name, c.email, c.phone, w.name, w.email, w.phone, "Zéphyrine", "Quatremaine", "Anatole", "Brisebarre",
                        "611223344", "799887766", "+33612345678", "+33700000000", webCode]
        for text in secrets + personal {
            #expect(!log.contains(text), "the log shows \(text)")
        }
        let address = try NSRegularExpression(pattern: "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")
        let found = address.matches(in: log, range: NSRange(log.startIndex..., in: log)).map { String(log[Range($0.range, in: log)!]) }
        #expect(found.isEmpty, "e-mail addresses in the log: \(found)")
    }

    /// DATABASE_URL for the world's database with the test server's password in it, and that password.
    static func databaseURL(_ world: CatalogueWorld) throws -> (url: String, password: String) {
        let environment = world.environment
        let password = try #require(environment["PGPASSWORD"], "the test server has a password (pg_virtualenv sets PGPASSWORD)")
        let user = environment["PGUSER"] ?? "postgres", host = environment["PGHOST"] ?? "localhost", port = environment["PGPORT"] ?? "5432"
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return ("postgresql://\(user):\(encoded)@\(host):\(port)/\(world.database.name)", password)
    }
}
