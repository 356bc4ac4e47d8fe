import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// Deposits end to end: `artisanctl` against a real PostgreSQL and the local fake Stripe, with
/// signatures made by the official `stripe` package.
@Suite("Deposits with Stripe")
struct DepositTests {
    @Test("a booking's deposit is one PaymentIntent keyed by the booking id; its client secret is printed by show --client-secret only")
    func intentAtBooking() throws {
        let w = try StripeWorld()
        let created = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "10:00") + ["--output", "json", "--verbose"])
        #expect(created.status == 0, "\(created.stderr)")
        let booking = try jsonObject(created.stdout)
        let code = try w.world.code(of: booking)
        #expect(booking["depositStatus"] as? String == "pending" && booking["depositCents"] as? Int == 1365)
        #expect(booking["depositDueBy"] as? String == "2026-11-24T09:30:00+01:00")
        let id: String = try w.deposit(code).decode("id")
        let intent = try #require(try w.intentID(code))
        let posts = try w.requests("POST", "/v1/payment_intents")
        #expect(posts.count == 1)
        let form = try #require(posts.first?["form"] as? [String: Any])
        #expect(form["amount"] as? String == "1365" && form["currency"] as? String == "eur")
        #expect((form["automatic_payment_methods"] as? [String: Any])?["enabled"] as? String == "true")
        #expect((form["metadata"] as? [String: Any])?["booking_id"] as? String == id)
        #expect((form["metadata"] as? [String: Any])?["public_code"] as? String == code)
        #expect((form["description"] as? String)?.contains(code) == true)
        #expect(posts.first?["idempotencyKey"] as? String == "artisanctl-intent-\(id)")
        #expect(try w.deposit(code).decode("deposit_hold_until", as: Timestamp?.self) == Timestamp(iso8601: "2026-11-24T08:30:00Z"))

        let secret = try #require(try w.intents[intent]?["client_secret"] as? String)
        #expect(try w.succeed(["payments", "show", code, "--client-secret"]).stdout == secret + "\n")
        let shown = try w.succeed(["payments", "show", code, "--verbose"])
        for text in [secret, StripeWorld.secretKey] {
            #expect(!(created.output + shown.output).contains(text))
            #expect(!(try w.paymentState().joined().contains(text)))
        }
    }

    @Test("Stripe failing, hanging or losing the answer at booking time: the booking stands and payments sync ends with exactly one intent")
    func stripeTroubleAtBooking() throws {
        let w = try StripeWorld()
        let failures: [[String: Any]] = [
            ["path": "/v1/payment_intents", "method": "POST", "status": 500, "times": -1],
            ["path": "/v1/payment_intents", "method": "POST", "lose": true, "times": -1],
            ["path": "/v1/payment_intents", "method": "POST", "hold": true, "times": -1],
        ]
        var codes: [String] = []
        for (index, rule) in failures.enumerated() {
            try w.stripe.control(["fail": [rule]])
            let result = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", ["10:00", "14:00", "16:00"][index])
                                   + ["--output", "json"])
            #expect(result.status == 0, "\(rule): \(result.stderr)")
            #expect(result.stderr.contains("payments sync"), "\(rule): \(result.stderr)")
            let code = try w.world.code(of: try jsonObject(result.stdout))
            #expect(try w.intentID(code) == nil && w.bookingStatus(code) == "confirmed")
            codes.append(code)
            try w.stripe.control(["clearFailures": true, "release": true])
        }
        try w.at("2026-11-24T08:05:00Z")
        let sync = try w.run(["payments", "sync", "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(try jsonObject(sync.stdout)["requested"] as? Int == 3)
        for code in codes { #expect(try w.intentID(code) != nil) }
        // One intent per booking at Stripe, however many attempts reached it.
        let perBooking = Dictionary(grouping: try w.intents.values, by: { (($0["metadata"] as? [String: Any])?["public_code"] as? String) ?? "" })
        #expect(perBooking.count == 3 && perBooking.values.allSatisfy { $0.count == 1 })
    }

    @Test("a signed webhook captures the deposit once; a replay is a no-op; every bad signature is refused with 77 and writes nothing")
    func webhookSignatures() throws {
        let w = try StripeWorld()
        let code = try w.bookCode()
        let intent = try #require(try w.intentID(code))
        let events = try w.pay(intent)
        let succeeded = try #require(try events.first { try w.payload($0).contains("\"payment_intent.succeeded\"") })
        let body = try w.payload(succeeded)
        let good = try w.officialSignature(body)
        let timestamp = StripeWorld.unix(w.now)
        let validV1 = String(good.split(separator: ",").first { $0.hasPrefix("v1=") }!.dropFirst(3))
        var changed = Array(body.utf8)
        changed[changed.count / 2] ^= 0x01
        let refusals: [(header: String, body: String, rule: String)] = [
            (try w.officialSignature(body, secret: "whsec_someone_else"), body, "wrong secret"),
            (try w.officialSignature(body, timestamp: timestamp - 301), body, "stale"),
            (try w.officialSignature(body, timestamp: timestamp + 301), body, "future"),
            ("t=\(timestamp)", body, "no v1"),
            ("t=\(timestamp),v0=\(validV1)", body, "v0 only"),
            ("v1=\(validV1)", body, "no timestamp"),
            ("garbage", body, "malformed"),
            ("t=99999999999999999999999,v1=\(validV1)", body, "overflowing timestamp"),
            (good, String(decoding: changed, as: UTF8.self), "body changed by one byte"),
        ]
        let before = try w.paymentState()
        for refusal in refusals {
            let result = try w.run(["webhooks", "stripe", "--signature", refusal.header], stdin: refusal.body)
            #expect(result.status == 77, "\(refusal.rule): \(result.status) \(result.stderr)")
            #expect(result.stdout.isEmpty && !result.stderr.contains(StripeWorld.webhookSecret), "\(refusal.rule)")
            #expect(result.stderr.split(separator: "\n").count <= 2, "\(refusal.rule): \(result.stderr)")
        }
        #expect(try w.paymentState() == before)

        let applied = try w.run(["webhooks", "stripe", "--signature", "t=\(timestamp),v1=\(String(repeating: "0", count: 64)),v1=\(validV1)"],
                                stdin: body)
        #expect(applied.status == 0 && applied.stdout.contains("applied"), "\(applied.output)")
        #expect(try w.depositStatus(code) == "captured")
        let state = try w.paymentState()
        let replay = try w.deliver(succeeded)
        #expect(replay.status == 0 && replay.stdout.contains("duplicate"), "\(replay.output)")
        #expect(try w.paymentState() == state)
        #expect(try w.run(["webhooks", "stripe", "--signature", good], stdin: body, environment: ["STRIPE_WEBHOOK_SECRET": ""]).status == 78)
    }

    @Test("events out of order never move a deposit back: refunded stays refunded, captured never returns to failed")
    func outOfOrder() throws {
        let w = try StripeWorld()
        let first = try w.bookCode("10:00")
        let second = try w.bookCode("14:00")
        let firstIntent = try #require(try w.intentID(first)), secondIntent = try #require(try w.intentID(second))
        let failed = try w.pay(firstIntent, "failed")
        let paid = try w.pay(firstIntent)
        let refunded = try w.controlEvents(["refund": firstIntent])
        for id in refunded + paid + failed { #expect(try w.deliver(id).status == 0) }
        #expect(try w.depositStatus(first) == "refunded")
        // A failed attempt then a success: the success wins, and a late failure changes nothing.
        let secondFailed = try w.pay(secondIntent, "failed")
        for id in secondFailed { try w.deliver(id) }
        #expect(try w.depositStatus(second) == "failed")
        let secondPaid = try w.pay(secondIntent)
        for id in secondPaid { try w.deliver(id) }
        #expect(try w.depositStatus(second) == "captured")
        for id in secondFailed { #expect(try w.deliver(id).stdout.contains("duplicate")) }
        #expect(try w.depositStatus(second) == "captured")
    }

    @Test("as the clock passes the 30-minute hold, payments sync releases the slot; a payment arriving after is refunded")
    func holdRelease() throws {
        let w = try StripeWorld()
        let code = try w.bookCode("10:00")
        let late = try w.bookCode("14:00")
        let paidOnTime = try w.bookCode("16:00")
        try w.at("2026-11-24T08:29:00Z")
        #expect(try w.run(["payments", "sync"]).status == 0)
        #expect(try w.bookingStatus(code) == "confirmed")
        #expect(try !w.world.freeTimes("Coupe femme", on: "2026-12-01").contains("10:00"))
        // Stripe refuses to cancel the second one's intent: the customer can still pay it.
        try w.stripe.control(["fail": [["path": "/v1/payment_intents/\(try #require(try w.intentID(late)))/cancel", "status": 500, "times": -1]]])
        // The third is paid in time, but its event is late and the event list unreadable: Stripe is asked before releasing.
        try w.pay(try #require(try w.intentID(paidOnTime)))
        try w.stripe.control(["fail": [["path": "/v1/events", "status": 500, "times": -1]]])
        try w.at("2026-11-24T08:31:00Z")
        let sync = try w.run(["payments", "sync", "--json"])
        #expect(sync.status == 75, "\(sync.output)")
        #expect(try jsonObject(sync.stdout)["released"] as? Int == 2)
        #expect(try w.bookingStatus(code) == "cancelled" && w.bookingStatus(late) == "cancelled")
        #expect(try w.bookingStatus(paidOnTime) == "confirmed")
        #expect(try w.intents[try #require(try w.intentID(code))]?["status"] as? String == "canceled")
        let reasons = try w.world.connection.query("""
            SELECT e.details->>'reason' AS reason FROM booking_events e JOIN bookings b ON b.id = e.booking_id
            WHERE b.public_code = \(code) AND e.kind = 'cancelled'
            """).map { try $0.decode("reason", as: String.self) }
        #expect(reasons == ["payment_timeout"])
        #expect(try w.world.freeTimes("Coupe femme", on: "2026-12-01", environment: ["ARTISANCTL_NOW": w.now]).contains("10:00"))

        let lateIntent = try #require(try w.intentID(late))
        for id in try w.pay(lateIntent) { #expect(try w.deliver(id).status == 0) }
        #expect(try w.depositStatus(late) == "refunded")
        #expect(try w.refunds.filter { $0["payment_intent"] as? String == lateIntent }.count == 1)
        try w.at("2026-11-24T09:00:00Z")
        try w.stripe.control(["clearFailures": true])
        #expect(try w.run(["payments", "sync"]).status == 0)
        #expect(try w.refunds.count == 1)
        #expect(try w.depositStatus(paidOnTime) == "captured" && w.bookingStatus(paidOnTime) == "confirmed")
    }

    @Test("--pay-link prints a Checkout URL held 24 hours; paying it is applied by payments sync when no webhook came")
    func payLink() throws {
        let w = try StripeWorld()
        let created = try w.succeed(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "10:00", ["--pay-link"]))
        #expect(created.stdout.contains("PAY LINK"))
        let session = try #require(try w.sessions.values.first)
        let url = try #require(session["url"] as? String)
        #expect(created.stdout.contains(url))
        let code = try #require(created.stdout.firstMatch(of: #/AC-[A-Z2-9]{6}/#).map { String($0.output) })
        let form = try #require(try w.requests("POST", "/v1/checkout/sessions").first?["form"] as? [String: Any])
        #expect(form["mode"] as? String == "payment" && form["success_url"] as? String == "https://book.example/bookings/\(code)?paid=1")
        let item = try #require((form["line_items"] as? [[String: Any]])?.first)
        #expect((item["price_data"] as? [String: Any])?["unit_amount"] as? String == "1365")
        #expect(form["expires_at"] as? String == String(StripeWorld.unix("2026-11-25T07:55:00Z")))
        #expect(try w.deposit(code).decode("deposit_hold_until", as: Timestamp?.self) == Timestamp(iso8601: "2026-11-25T08:00:00Z"))

        try w.controlEvents(["completeCheckout": try #require(session["id"] as? String)])
        try w.at("2026-11-24T09:00:00Z")
        let sync = try w.run(["payments", "sync", "--json"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect((try jsonObject(sync.stdout)["eventsApplied"] as? Int ?? 0) >= 1)
        #expect(try w.depositStatus(code) == "captured" && w.intentID(code) != nil)
        // No second hold release for a paid link, even a day later.
        try w.at("2026-11-25T12:00:00Z")
        #expect(try w.run(["payments", "sync"]).status == 0)
        #expect(try w.bookingStatus(code) == "confirmed")

        let noBase = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "15:00", ["--pay-link"]),
                               environment: ["PUBLIC_BASE_URL": ""])
        #expect(noBase.status == 78 && noBase.stderr.contains("PUBLIC_BASE_URL"))
        let noStripe = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "15:00", ["--pay-link"]),
                                 environment: ["STRIPE_SECRET_KEY": ""])
        #expect(noStripe.status == 78 && noStripe.stderr.contains("STRIPE_SECRET_KEY"))
        #expect(try w.world.countOf("SELECT count(*) AS n FROM bookings") == 1)
    }

    @Test("a pay link Stripe could only make later reaches the customer in a message of its own, once")
    func latePayLink() throws {
        let w = try StripeWorld()
        let sink = try SMTPSink()
        defer { sink.stop() }
        let mail = ["EMAIL_TRANSPORT": "smtp", "SMTP_URL": sink.url(), "EMAIL_FROM": "Atelier Léa <contact@atelier-lea.fr>"]
        try w.stripe.control(["fail": [["path": "/v1/checkout/sessions", "method": "POST", "status": 500, "times": -1]]])
        let created = try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "10:00", ["--pay-link"]), environment: mail)
        #expect(created.status == 0, "\(created.output)")
        #expect(sink.count == 2)
        try w.stripe.control(["clearFailures": true])
        try w.at("2026-11-24T08:05:00Z")
        #expect(try w.run(["payments", "sync"], environment: mail).status == 0)
        let url = try #require(try w.sessions.values.first?["url"] as? String)
        #expect(sink.count == 3)
        let message = try MailOracle.read(sink.eml(3))
        #expect(((message["headers"] as? [String: Any])?["Subject"] as? String)?.hasPrefix("Votre acompte") == true)
        #expect((message["text"] as? String)?.contains(url) == true)
        #expect(try w.run(["payments", "sync"], environment: mail).status == 0)
        #expect(sink.count == 3)
    }

    @Test("cancelling refunds before the deadline, keeps after it unless --refund; a failed refund is retried by payments sync, once")
    func cancelRefunds() throws {
        let w = try StripeWorld()
        var codes: [String] = []
        for time in ["10:00", "11:00", "14:00", "15:00", "16:00"] {
            let code = try w.bookCode(time)
            for id in try w.pay(try #require(try w.intentID(code))) { try w.deliver(id) }
            #expect(try w.depositStatus(code) == "captured")
            codes.append(code)
        }
        let id: String = try w.deposit(codes[0]).decode("id")
        #expect(try w.succeed(["bookings", "cancel", codes[0]]).stdout.contains("refunded"))
        #expect(try w.requests("POST", "/v1/refunds").first?["idempotencyKey"] as? String == "artisanctl-refund-\(id)")
        #expect(try w.depositStatus(codes[0]) == "refunded")
        try w.succeed(["bookings", "cancel", codes[1], "--no-refund"])
        #expect(try w.depositStatus(codes[1]) == "captured")

        try w.stripe.control(["fail": [["path": "/v1/refunds", "status": 500, "times": -1]]])
        let failing = try w.run(["bookings", "cancel", codes[2]])
        #expect(failing.status == 0 && failing.stderr.contains("payments sync"), "\(failing.output)")
        #expect(try w.bookingStatus(codes[2]) == "cancelled" && w.deposit(codes[2]).decode("deposit_refund_status", as: String?.self) == "pending")
        try w.stripe.control(["clearFailures": true])
        try w.at("2026-11-24T08:20:00Z")
        #expect(try jsonObject(w.succeed(["payments", "sync", "--json"]).stdout)["refunded"] as? Int == 1)
        #expect(try w.depositStatus(codes[2]) == "refunded")
        #expect(try jsonObject(w.succeed(["payments", "sync", "--json"]).stdout)["refunded"] as? Int == 0)

        // Within 24 hours of Tuesday 1 December 15:00 and 16:00: past the deadline.
        try w.at("2026-11-30T16:00:00Z")
        #expect(try w.run(["bookings", "cancel", codes[3]]).status == 65)
        let kept = try w.run(["bookings", "cancel", codes[3], "--force"])
        #expect(kept.status == 0 && kept.stderr.contains("--refund"))
        #expect(try w.depositStatus(codes[3]) == "captured")
        try w.succeed(["bookings", "cancel", codes[4], "--force", "--refund"])
        #expect(try w.depositStatus(codes[4]) == "refunded")
        #expect(try w.run(["bookings", "cancel", codes[3], "--refund", "--no-refund"]).status == 64)
        let refundedIntents = try w.refunds.compactMap { $0["payment_intent"] as? String }
        #expect(refundedIntents.count == 3 && Set(refundedIntents).count == 3)
    }

    @Test("in person, waived and unpaid deposits, mark-paid, and payments list with totals per status")
    func manualAndList() throws {
        let w = try StripeWorld()
        let cash = try w.bookCode("10:00", ["--deposit-paid"])
        let waived = try w.bookCode("11:00", ["--no-deposit"])
        let online = try w.bookCode("14:00")
        let unpaid = try w.world.code(of: try jsonObject(w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "15:00")
                                                                    + ["--output", "json"], environment: ["STRIPE_SECRET_KEY": ""]).stdout))
        #expect(try w.depositStatus(cash) == "captured" && w.deposit(cash).decode("deposit_payment_provider", as: String?.self) == "manual")
        #expect(try w.depositStatus(waived) == "waived" && w.depositStatus(unpaid) == "pending")
        #expect(try w.requests("POST", "/v1/payment_intents").count == 1)
        #expect(try w.run(CatalogueWorld.createArguments("Coupe femme", "2026-12-01", "16:00", ["--deposit-paid", "--no-deposit"])).status == 64)

        let marked = try w.succeed(["payments", "mark-paid", online])
        #expect(marked.stdout.contains("captured"))
        #expect(try w.intents[try #require(try w.intentID(online))]?["status"] as? String == "canceled")
        #expect(try w.run(["payments", "mark-paid", online]).status == 65)
        #expect(try w.run(["payments", "mark-paid", "AC-ZZZZZZ"]).status == 66)

        let all = try jsonArray(w.succeed(["payments", "list", "--output", "json"]).stdout)
        #expect(Dictionary(all.map { ($0["code"] as? String ?? "", $0["depositStatus"] as? String ?? "") }) { a, _ in a }
                == [cash: "captured", waived: "waived", online: "captured", unpaid: "pending"])
        #expect(try jsonArray(w.succeed(["payments", "list", "--status", "waived", "--output", "json"]).stdout).map { $0["code"] as? String } == [waived])
        let table = try w.succeed(["payments", "list", "--from", "2026-12-01", "--to", "2026-12-01"]).stdout
        #expect(table.contains("TOTAL") && table.contains(#/captured\s+2\s+27\.30 €/#))
        #expect(table.contains(#/waived\s+1\s+13\.65 €/#) && table.contains(#/pending\s+1\s+13\.65 €/#))
        #expect(try jsonArray(w.succeed(["payments", "list", "--from", "2026-12-02", "--output", "json"]).stdout).isEmpty)
    }

    @Test("payments sync applies what the webhook missed, once; the webhook arriving later is a duplicate")
    func polling() throws {
        let w = try StripeWorld()
        let code = try w.bookCode()
        let events = try w.pay(try #require(try w.intentID(code)))
        try w.at("2026-11-24T08:10:00Z")
        let first = try jsonObject(w.succeed(["payments", "sync", "--json"]).stdout)
        #expect(first["eventsApplied"] as? Int == 1 && (first["eventsRead"] as? Int ?? 0) >= 1)
        #expect(try w.depositStatus(code) == "captured")
        for id in events { #expect(try w.deliver(id).stdout.contains("duplicate")) }
        let second = try jsonObject(w.succeed(["payments", "sync", "--json"]).stdout)
        #expect(second["eventsApplied"] as? Int == 0)
        let sources = try w.world.connection.query("SELECT received_via FROM stripe_events").map { try $0.decode("received_via", as: String.self) }
        #expect(Set(sources) == ["poll"])
    }

    @Test("the same event delivered by two webhooks at once is applied by exactly one")
    func concurrentDeliveries() throws {
        let w = try StripeWorld()
        let code = try w.bookCode()
        let events = try w.pay(try #require(try w.intentID(code)))
        let succeeded = try #require(try events.first { try w.payload($0).contains("\"payment_intent.succeeded\"") })
        let body = try w.payload(succeeded)
        let file = try w.world.file("event.json", body)
        let command = ["webhooks", "stripe", "--signature", try w.officialSignature(body), "--payload-file", file]
        let outcomes = try ProcessRace.run(Array(repeating: command, count: 4), environment: w.world.environment.merging(w.environment) { _, new in new },
                                           in: w.world.directory.appendingPathComponent("race"))
        #expect(outcomes.allSatisfy { $0.status == 0 }, "\(outcomes.map(\.stderr))")
        #expect(outcomes.filter { $0.stdout.contains("applied") }.count == 1)
        #expect(outcomes.filter { $0.stdout.contains("duplicate") }.count == 3)
        #expect(try w.world.countOf("SELECT count(*) AS n FROM stripe_events") == 1)
        #expect(try w.depositStatus(code) == "captured")
    }

    @Test("payments sync: a refused key exits 77 without echoing it, rate limiting exits 75, and without Stripe 78")
    func syncFailures() throws {
        let w = try StripeWorld()
        _ = try w.bookCode()
        let refused = try w.run(["payments", "sync"], environment: ["STRIPE_SECRET_KEY": "sk_test_wrong_key_123"])
        #expect(refused.status == 77 && !refused.output.contains("sk_test_wrong_key_123"), "\(refused.output)")
        try w.stripe.control(["fail": [["path": "/v1/events", "status": 429, "retryAfter": 0, "times": -1]]])
        #expect(try w.run(["payments", "sync"]).status == 75)
        #expect(try w.run(["payments", "sync"], environment: ["STRIPE_SECRET_KEY": ""]).status == 78)
    }

    @Test("a deposit below Stripe's 0.50 € minimum is announced at services create and waived at booking, never sent")
    func belowMinimum() throws {
        let w = try StripeWorld()
        let created = try w.run(["services", "create", "--name", "Frange", "--duration", "30", "--price", "1", "--deposit-rate", "40%"])
        #expect(created.status == 0 && created.stderr.contains("below Stripe's minimum"), "\(created.output)")
        let booked = try w.run(CatalogueWorld.createArguments("Frange", "2026-12-01", "10:00") + ["--output", "json"])
        #expect(booked.status == 0 && booked.stderr.contains("waived"))
        #expect(try jsonObject(booked.stdout)["depositStatus"] as? String == "waived")
        #expect(try w.requests("POST", "/v1/payment_intents").isEmpty)
        let quiet = try w.run(["services", "create", "--name", "Frange 2", "--duration", "30", "--price", "1", "--deposit-rate", "40%"],
                              environment: ["STRIPE_SECRET_KEY": ""])
        #expect(quiet.status == 0 && !quiet.stderr.contains("Stripe"), "\(quiet.stderr)")
    }
}
