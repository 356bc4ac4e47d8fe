import ArtisanCore
import Foundation
import Testing

/// A channel that records what it was given and fails on demand.
final class RecordingChannel: NotificationChannel, @unchecked Sendable {
    var sent: [OutgoingMessage] = []
    var failures: [ArtisanError] = []

    func send(_ message: OutgoingMessage) throws -> String? {
        if !failures.isEmpty { throw failures.removeFirst() }
        sent.append(message)
        return "id-\(sent.count)"
    }
}

/// Renders `kind|channel|code|dateTime` so tests can read what was sent.
struct PlainRenderer: MessageRenderer {
    func render(_ kind: NotificationKind, channel: OutgoingMessage.Channel, variables: [String: String]) throws -> RenderedMessage {
        RenderedMessage(subject: kind.rawValue, text: "\(kind.rawValue)|\(variables["code"] ?? "")|\(variables["dateTime"] ?? "")", html: nil)
    }
}

@Suite("Notification outbox (in-memory store)")
struct NotificationServiceTests {
    let fixture = ServiceFixture()
    let email = RecordingChannel()
    let sms = RecordingChannel()

    func context(at now: String = "2030-01-07T08:00:00Z") -> ServiceContext {
        let gateway = NotificationGateway(email: email, sms: sms, renderer: PlainRenderer())
        return ServiceContext(store: fixture.store, zones: SystemZones(), clock: .fixed(Timestamp(iso8601: now)!), artisanEmail: nil,
                              notifications: NotificationSettings(manageURLBase: "https://book.example/manage", gateway: { _ in gateway }))
    }

    func book(_ time: String = "10:00", sms: Bool = false, phone: String? = nil) throws -> BookingService.Placed {
        var request = fixture.request("2030-01-08", time)
        request.notifyBySMS = sms
        request.customer = Customer(name: "Marie Curie", email: "marie@example.com", phone: phone)
        return try BookingService(context()).book(request)
    }

    @Test("a booking queues its confirmation and the artisan's alert, and delivers them at once, in French form")
    func confirmation() throws {
        let placed = try book()
        let kinds = fixture.store.state.outbox.map { "\($0.kind.rawValue)/\($0.channel.rawValue)/\($0.status.rawValue)" }.sorted()
        #expect(kinds == ["artisan_new_booking/email/sent", "confirmation/email/sent"])
        let confirmation = try #require(email.sent.first { $0.subject == "confirmation" })
        #expect(confirmation.text == "confirmation|\(placed.booking.publicCode)|mardi 8 janvier 2030 à 10:00")
        #expect(confirmation.to == "marie@example.com" && confirmation.calendar?.method == "REQUEST")
        #expect(fixture.store.state.outbox[0].variables["manageURL"] == "https://book.example/manage?code=\(placed.booking.publicCode)")
        #expect(email.sent.first { $0.subject == "artisan_new_booking" }?.calendar == nil)
    }

    @Test("SMS only on the Pro and Business plans, for a customer who opted in and gave a phone, in E.164")
    func smsGating() throws {
        _ = try book("10:00", sms: true, phone: "+33612345678")
        #expect(sms.sent.isEmpty)
        fixture.store.state.artisans[0].plan = .pro
        _ = try book("12:00", sms: true, phone: "+33612345678")
        _ = try book("14:00", sms: true, phone: nil)
        _ = try book("16:00", sms: false, phone: "+33612345678")
        fixture.store.state.artisans[0].plan = .business
        _ = try book("17:00", sms: true, phone: "0698765432")
        #expect(sms.sent.map(\.to) == ["+33612345678", "+33698765432"])
    }

    @Test("e-mail only when the customer kept notifications_email; the artisan's alert goes anyway")
    func emailOptOut() throws {
        var request = fixture.request("2030-01-08", "10:00")
        request.notifyByEmail = false
        _ = try BookingService(context()).book(request)
        #expect(email.sent.map(\.subject) == ["artisan_new_booking"])
    }

    @Test("a confirmation still due when its booking is cancelled is dropped; the cancellation goes")
    func confirmationAfterCancel() throws {
        email.failures = [ArtisanError(.temporary, code: "X", "down"), ArtisanError(.temporary, code: "X", "down")]
        let code = try book().booking.publicCode
        email.failures = Array(repeating: ArtisanError(.temporary, code: "X", "down"), count: 2)
        _ = try BookingService(context(at: "2030-01-07T08:00:10Z")).cancel(code: code, reason: nil, force: false)
        email.sent = []
        let report = try NotificationService(context(at: "2030-01-07T09:00:00Z")).sendDue()
        #expect(report.cancelled == 1)
        #expect(Set(email.sent.compactMap(\.subject)) == ["cancellation", "artisan_new_booking", "artisan_cancellation"])
        let invitation = try #require(email.sent.first { $0.subject == "cancellation" }?.calendar)
        #expect(invitation.method == "CANCEL" && invitation.content.contains("SEQUENCE:2") && invitation.content.contains("ATTENDEE"))
    }

    @Test("a delivery failure never fails the booking: it stays pending, is retried with backoff, and fails after 3 tries")
    func retries() throws {
        email.failures = [ArtisanError(.temporary, code: "X", "SendGrid: 500"), ArtisanError(.temporary, code: "X", "SendGrid: 500")]
        let placed = try book()
        #expect(placed.booking.status == .confirmed && placed.notes.contains { $0.contains("notify send") })
        let pending = fixture.store.state.outbox.filter { $0.status == .pending }
        #expect(pending.count == 2 && pending.allSatisfy { $0.attempts == 1 && $0.nextAttemptAt == Timestamp(iso8601: "2030-01-07T08:01:00Z") })
        // Not yet due: nothing happens.
        #expect(try NotificationService(context(at: "2030-01-07T08:00:30Z")).sendDue().sent == 0)
        email.failures = Array(repeating: ArtisanError(.temporary, code: "X", "SendGrid: 500"), count: 10)
        _ = try NotificationService(context(at: "2030-01-07T08:01:00Z")).sendDue()
        #expect(fixture.store.state.outbox.allSatisfy { $0.attempts == 2 && $0.nextAttemptAt == Timestamp(iso8601: "2030-01-07T08:06:00Z") })
        let third = try NotificationService(context(at: "2030-01-07T08:06:00Z")).sendDue()
        #expect(third.failed == 2 && fixture.store.state.outbox.allSatisfy { $0.status == .failed && $0.attempts == 3 })
        #expect(try NotificationService(context(at: "2030-01-07T09:00:00Z")).sendDue().sent == 0)
        email.failures = []
        #expect(try NotificationService(context(at: "2030-01-07T09:00:00Z")).retry(id: nil) == 2)
        #expect(try NotificationService(context(at: "2030-01-07T09:00:00Z")).sendDue().sent == 2)
    }

    @Test("a permanent refusal fails at once; an interrupted send is failed, never resent by itself")
    func permanentAndInterrupted() throws {
        email.failures = [ArtisanError(.invalid, code: "X", "550 unknown user")]
        _ = try book()
        #expect(fixture.store.state.outbox.filter { $0.status == .failed }.count == 1)
        // A sender that claimed a message and died: its claim runs out without an outcome.
        let queued = OutboxMessage(artisanID: fixture.artisan.id, bookingID: nil, kind: .artisanNewBooking, channel: .email, recipient: "lea@example.com",
                                  recipientName: nil, variables: [:], nextAttemptAt: Timestamp(iso8601: "2030-01-07T08:00:00Z")!, idempotencyKey: "k")
        _ = try fixture.store.transaction { try $0.notifications.enqueue(queued) }
        _ = try fixture.store.transaction {
            try $0.notifications.claimDue(at: Timestamp(iso8601: "2030-01-07T08:00:00Z")!, booking: nil, channels: [.email], limit: 10,
                                          claimUntil: Timestamp(iso8601: "2030-01-07T08:10:00Z")!)
        }
        let before = email.sent.count
        #expect(try NotificationService(context(at: "2030-01-07T08:05:00Z")).sendDue().interrupted == 0)
        let report = try NotificationService(context(at: "2030-01-07T08:11:00Z")).sendDue()
        #expect(report.interrupted == 1 && email.sent.count == before)
    }

    @Test("reminders: one per booking of tomorrow, once under reruns; a moved booking gets a new one, a cancelled one none")
    func reminders() throws {
        let kept = try book("10:00").booking.publicCode
        let moved = try book("12:00").booking.publicCode
        let cancelled = try book("14:00").booking.publicCode
        let evening = NotificationService(context(at: "2030-01-07T17:00:00Z"))
        let first = try evening.queueReminders(for: nil, dryRun: false)
        #expect(first.map(\.queued) == [3] && first.first?.date == LocalDate("2030-01-08"))
        #expect(try evening.queueReminders(for: nil, dryRun: false).map(\.existing) == [3])
        // Cancelling and moving deliver the booking's due messages at once: the stale reminders are
        // dropped there, and the move to tomorrow queues and sends the reminder of the new time.
        email.sent = []
        _ = try BookingService(context(at: "2030-01-07T18:00:00Z")).cancel(code: cancelled, reason: nil, force: true)
        _ = try BookingService(context(at: "2030-01-07T18:00:00Z")).reschedule(code: moved, date: LocalDate("2030-01-08")!, time: TimeOfDay("16:00")!, force: true)
        let reminders = fixture.store.state.outbox.filter { $0.kind == .reminder }
        #expect(reminders.filter { $0.status == .cancelled }.count == 2 && reminders.filter { $0.status == .sent }.count == 1)
        #expect(try evening.queueReminders(for: nil, dryRun: true).map(\.queued) == [0])
        let report = try evening.sendDue()
        #expect(report.sent == 1 && report.cancelled == 0)
        let reminded = Set(email.sent.filter { $0.subject == "reminder" }.map(\.text))
        #expect(reminded == ["reminder|\(kept)|mardi 8 janvier 2030 à 10:00", "reminder|\(moved)|mardi 8 janvier 2030 à 16:00"])
    }

    @Test("dates and money in French form across both DST changes")
    func frenchForm() throws {
        let paris = try SystemZones().rules(for: "Europe/Paris")
        #expect(FrenchFormat.dateTime(Timestamp(iso8601: "2030-03-31T08:00:00Z")!, zone: paris) == "dimanche 31 mars 2030 à 10:00")
        #expect(FrenchFormat.dateTime(Timestamp(iso8601: "2030-10-27T09:00:00Z")!, zone: paris) == "dimanche 27 octobre 2030 à 10:00")
        #expect(FrenchFormat.date(LocalDate("2030-08-01")!) == "jeudi 1er août 2030")
        #expect(FrenchFormat.money(Money(cents: 4550)) == "45,50 €" && FrenchFormat.money(Money(cents: 125_000)) == "1\u{202F}250,00 €")
        #expect(SMSText.fits(SMSText.fit(String(repeating: "Réservation août ", count: 40))))
    }
}
