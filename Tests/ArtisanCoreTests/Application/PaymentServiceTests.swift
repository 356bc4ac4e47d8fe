import ArtisanCore
import Foundation
import Testing

/// The deposit rules over in-memory ports; the wire and the database are tested end to end.
@Suite("Payment service (in-memory store)")
struct PaymentServiceTests {
    let fixture = ServiceFixture()
    let stripe = FakePayments()
    static let now = "2030-01-07T08:00:00Z"

    func bookings(at now: String = Self.now) -> BookingService { BookingService(fixture.context(at: now, payments: stripe)) }
    func payments(at now: String = Self.now) -> PaymentService { PaymentService(fixture.context(at: now, payments: stripe)) }
    func stored(_ code: String) -> Booking { fixture.store.state.bookings[fixture.artisan.id]!.first { $0.publicCode == code }! }

    func book(_ deposit: DepositChoice = .automatic, time: String = "10:00", at now: String = Self.now) throws -> BookingService.Placed {
        var request = fixture.request("2030-01-08", time)
        request.deposit = deposit
        return try bookings(at: now).book(request)
    }

    @Test("with Stripe, a booking's deposit becomes one PaymentIntent keyed by the booking id, held 30 minutes")
    func intentAtBooking() throws {
        let placed = try book()
        let booking = stored(placed.booking.publicCode)
        #expect(booking.depositStatus == .pending)
        #expect(booking.payment.provider == .stripe && booking.payment.method == .paymentIntent)
        #expect(booking.payment.intentID == "pi_1")
        #expect(booking.payment.holdUntil == Timestamp(iso8601: "2030-01-07T08:30:00Z"))
        #expect(placed.clientSecret == "pi_1_secret_x")
        #expect(stripe.calls == ["createIntent artisanctl-intent-\(booking.id.uuidString.lowercased())"])
        #expect(placed.notes.isEmpty)
    }

    @Test("Stripe down at booking time: the booking stands with a note, and payments sync requests it with the same key")
    func stripeDownThenSync() throws {
        stripe.failures = [FakePayments.down]
        let placed = try book()
        #expect(stored(placed.booking.publicCode).payment.awaitsStripe)
        #expect(placed.notes.count == 1 && placed.notes[0].contains("payments sync"))
        let report = try payments(at: "2030-01-07T08:05:00Z").sync(locks: fixture.store, wait: false)
        #expect(report.requested == 1 && report.outcome == .ok)
        #expect(stored(placed.booking.publicCode).payment.intentID == "pi_1")
        let keys = stripe.calls.filter { $0.hasPrefix("createIntent") }
        #expect(keys.count == 2 && Set(keys).count == 1)
        #expect(stripe.intents.count == 1)
    }

    @Test("a deposit below 0.50 € or of 0 is waived and never sent; in person is captured; --no-deposit waives")
    func waivedAndInPerson() throws {
        fixture.store.state.services[fixture.artisan.id]![0].depositRate = DepositRate(hundredths: 1)!
        let small = try book(time: "10:00")
        #expect(stored(small.booking.publicCode).depositStatus == .waived)
        #expect(small.notes.first?.contains("below Stripe's minimum") == true)
        fixture.store.state.services[fixture.artisan.id]![0].depositRate = DepositRate(hundredths: 0)!
        #expect(stored(try book(time: "11:00").booking.publicCode).depositStatus == .waived)
        fixture.store.state.services[fixture.artisan.id]![0].depositRate = DepositRate(hundredths: 30)!
        let cash = stored(try book(.paidInPerson, time: "12:00").booking.publicCode)
        #expect(cash.depositStatus == .captured && cash.payment.provider == .manual && cash.payment.method == .inPerson)
        #expect(stored(try book(.waived, time: "14:00").booking.publicCode).depositStatus == .waived)
        #expect(stripe.calls.isEmpty)
    }

    @Test("without Stripe the deposit stays unpaid, nothing held; a pay link needs Stripe (configuration, nothing written)")
    func withoutStripe() throws {
        let plain = BookingService(fixture.context(at: Self.now))
        let placed = try plain.book(fixture.request("2030-01-08", "10:00"))
        #expect(placed.booking.depositStatus == .pending && placed.booking.payment.provider == nil && placed.booking.payment.holdUntil == nil)
        var request = fixture.request("2030-01-08", "12:00")
        request.deposit = .payLink
        #expect { try plain.book(request) } throws: { ($0 as? ArtisanError)?.kind == .configuration }
        #expect(fixture.store.state.bookings[fixture.artisan.id]?.count == 1)
    }

    @Test("a pay link is a Checkout Session expiring with its 24-hour hold, its URL stored")
    func payLink() throws {
        let placed = try book(.payLink)
        let booking = stored(placed.booking.publicCode)
        #expect(booking.payment.method == .checkoutSession && booking.payment.checkoutSessionID == "cs_1")
        #expect(booking.payment.checkoutURL == "https://checkout.example/cs_1")
        #expect(booking.payment.holdUntil == Timestamp(iso8601: "2030-01-08T08:00:00Z"))
        // Stripe allows at most 24 hours: the link expires 5 minutes before that limit.
        #expect(stripe.lastExpiry == Timestamp(iso8601: "2030-01-08T07:55:00Z"))
    }

    @Test("each event type moves the deposit forward; backward, duplicate, unknown and foreign events change nothing")
    func transitions() throws {
        let code = try book().booking.publicCode
        let service = payments()
        func apply(_ type: String) throws -> PaymentService.EventResult {
            try service.receive(stripe.event(type, intent: "pi_1", at: "2030-01-07T08:01:00Z"), via: .webhook).result
        }
        #expect(try apply("payment_intent.payment_failed") == .applied)
        #expect(stored(code).depositStatus == .failed)
        #expect(try apply("payment_intent.amount_capturable_updated") == .applied)
        #expect(stored(code).depositStatus == .authorized)
        #expect(try apply("payment_intent.payment_failed") == .unchanged)
        #expect(try apply("payment_intent.succeeded") == .applied)
        #expect(stored(code).depositStatus == .captured)
        #expect(try apply("payment_intent.canceled") == .unchanged)
        #expect(try apply("charge.refunded") == .applied)
        #expect(stored(code).depositStatus == .refunded && stored(code).payment.refundStatus == .succeeded)
        #expect(try apply("payment_intent.succeeded") == .unchanged)
        #expect(stored(code).depositStatus == .refunded)
        #expect(try apply("customer.created") == .ignored)
        let foreign = stripe.event("payment_intent.succeeded", intent: "pi_other", at: "2030-01-07T08:02:00Z")
        #expect(try service.receive(foreign, via: .webhook).result == .ignored)
        let replay = stripe.events[0]
        #expect(try service.receive(replay, via: .poll).result == .duplicate)
        #expect(stored(code).depositStatus == .refunded)
    }

    @Test("a completed Checkout Session captures the pay link's deposit and records the intent behind it")
    func checkoutCompleted() throws {
        let booking = stored(try book(.payLink).booking.publicCode)
        let event = stripe.event("checkout.session.completed", intent: "pi_9", session: "cs_1", booking: booking.id, paid: true,
                                 at: "2030-01-07T09:00:00Z")
        #expect(try payments().receive(event, via: .webhook).result == .applied)
        #expect(stored(booking.publicCode).depositStatus == .captured && stored(booking.publicCode).payment.intentID == "pi_9")
    }

    @Test("as the clock moves past the hold, payments sync releases the unpaid slot; a payment after it is refunded")
    func holdRelease() throws {
        let code = try book().booking.publicCode
        let early = try payments(at: "2030-01-07T08:29:00Z").sync(locks: fixture.store, wait: false)
        #expect(early.released == 0 && stored(code).status == .confirmed)
        let late = try payments(at: "2030-01-07T08:31:00Z").sync(locks: fixture.store, wait: false)
        #expect(late.released == 1 && stored(code).status == .cancelled)
        #expect(stripe.cancelled == ["pi_1"])
        #expect(fixture.store.state.events.contains { $0.kind == "cancelled" })
        // The slot is free again.
        _ = try BookingService(fixture.context(at: "2030-01-07T08:32:00Z")).book(fixture.request("2030-01-08", "10:00"))
        let paidLate = stripe.event("payment_intent.succeeded", intent: "pi_1", at: "2030-01-07T08:33:00Z")
        _ = try payments(at: "2030-01-07T08:34:00Z").receive(paidLate, via: .webhook)
        #expect(stored(code).depositStatus == .refunded && stored(code).payment.refundStatus == .succeeded)
        #expect(stripe.calls.contains { $0.hasPrefix("refund pi_1 artisanctl-refund-") })
        // A second sync releases nothing more.
        #expect(try payments(at: "2030-01-07T09:00:00Z").sync(locks: fixture.store, wait: false).released == 0)
    }

    @Test("a hold of 0 never releases; a paid deposit is never released")
    func holdNever() throws {
        fixture.store.state.artisans[0].settings.paymentHoldMinutes = 0
        let code = try book().booking.publicCode
        #expect(stored(code).payment.holdUntil == nil)
        fixture.store.state.artisans[0].settings.paymentHoldMinutes = 30
        let paid = try book(time: "12:00").booking.publicCode
        _ = try payments().receive(stripe.event("payment_intent.succeeded", intent: "pi_2", at: "2030-01-07T08:10:00Z"), via: .webhook)
        let report = try payments(at: "2030-01-09T08:00:00Z").sync(locks: fixture.store, wait: false)
        #expect(report.released == 0 && stored(code).status == .confirmed && stored(paid).status == .confirmed)
    }

    @Test("cancelling refunds a captured deposit before the deadline only; --refund and --no-refund override")
    func cancelRefunds() throws {
        var codes: [String] = []
        for (index, time) in ["10:00", "12:00", "14:00", "16:00"].enumerated() {
            codes.append(try book(time: time).booking.publicCode)
            _ = try payments().receive(stripe.event("payment_intent.succeeded", intent: "pi_\(index + 1)", at: "2030-01-07T08:01:00Z"), via: .webhook)
        }
        let before = bookings()
        #expect(try before.cancel(code: codes[0], reason: nil, force: false).booking.depositStatus == .refunded)
        #expect(try before.cancel(code: codes[1], reason: nil, force: false, refund: .keep).booking.depositStatus == .captured)
        // Less than 24 h before 2030-01-08 13:00 Paris: past the deadline, forced.
        let after = bookings(at: "2030-01-07T18:00:00Z")
        let kept = try after.cancel(code: codes[2], reason: nil, force: true)
        #expect(kept.booking.depositStatus == .captured && kept.notes.contains { $0.contains("--refund") })
        #expect(try after.cancel(code: codes[3], reason: nil, force: true, refund: .refund).booking.depositStatus == .refunded)
        #expect(stripe.refundsByKey.count == 2)
    }

    @Test("a refund that fails leaves the booking cancelled and the refund pending; payments sync retries it once")
    func refundRetry() throws {
        let code = try book().booking.publicCode
        _ = try payments().receive(stripe.event("payment_intent.succeeded", intent: "pi_1", at: "2030-01-07T08:01:00Z"), via: .webhook)
        stripe.failures = [FakePayments.down]
        let cancelled = try bookings().cancel(code: code, reason: nil, force: false)
        #expect(cancelled.booking.status == .cancelled && cancelled.booking.payment.refundStatus == .pending)
        #expect(cancelled.notes.contains { $0.contains("payments sync") })
        let report = try payments(at: "2030-01-07T09:00:00Z").sync(locks: fixture.store, wait: false)
        #expect(report.refunded == 1 && stored(code).depositStatus == .refunded)
        #expect(try payments(at: "2030-01-07T09:05:00Z").sync(locks: fixture.store, wait: false).refunded == 0)
    }

    @Test("a rescheduled booking keeps its deposit; mark-paid records a payment in person and withdraws the online one")
    func rescheduleAndMarkPaid() throws {
        let code = try book().booking.publicCode
        _ = try payments().receive(stripe.event("payment_intent.succeeded", intent: "pi_1", at: "2030-01-07T08:01:00Z"), via: .webhook)
        let moved = try bookings().reschedule(code: code, date: LocalDate("2030-01-09")!, time: TimeOfDay("11:00")!, force: false)
        #expect(moved.booking.depositStatus == .captured && moved.booking.payment.intentID == "pi_1")
        let unpaid = try book(time: "15:00").booking.publicCode
        let paid = try payments().markPaid(code: unpaid)
        #expect(paid.booking.depositStatus == .captured && paid.booking.payment.provider == .manual)
        #expect(stripe.cancelled == ["pi_2"])
        #expect { try payments().markPaid(code: unpaid) } throws: { ($0 as? ArtisanError)?.code == "ILLEGAL_STATUS_CHANGE" }
    }

    @Test("payments sync applies the events a webhook missed, once, reading again from where it stopped")
    func polling() throws {
        let code = try book().booking.publicCode
        _ = stripe.event("payment_intent.succeeded", intent: "pi_1", at: "2030-01-07T08:10:00Z")
        let first = try payments(at: "2030-01-07T08:20:00Z").sync(locks: fixture.store, wait: false)
        #expect(first.eventsRead == 1 && first.eventsApplied == 1 && stored(code).depositStatus == .captured)
        #expect(fixture.store.state.eventsReadUntil == Timestamp(iso8601: "2030-01-07T08:10:00Z"))
        _ = stripe.event("charge.refunded", intent: "pi_1", at: "2030-01-07T08:40:00Z")
        let second = try payments(at: "2030-01-07T08:50:00Z").sync(locks: fixture.store, wait: false)
        #expect(second.eventsApplied == 1 && stored(code).depositStatus == .refunded)
        #expect(stripe.calls.contains("events 2030-01-07T08:00:00Z"))
    }

    @Test("a second payments sync of the same artisan is refused while one runs (temporary)")
    func oneAtATime() throws {
        let service = payments()
        let held = try fixture.store.withLock(PaymentService.lockScope, id: fixture.artisan.id, wait: false) {
            #expect { try service.sync(locks: fixture.store, wait: false) } throws: { ($0 as? ArtisanError)?.kind == .temporary }
            return true
        }
        #expect(held == true)
    }

    @Test("mark-paid withdraws the online request first; if the customer has just paid it, nothing is recorded")
    func markPaidRace() throws {
        let code = try book().booking.publicCode
        stripe.paid("pi_1")
        #expect { try payments().markPaid(code: code) } throws: { ($0 as? ArtisanError)?.code == "ALREADY_PAID_ONLINE" }
        #expect(stored(code).depositStatus == .pending && stored(code).payment.provider == .stripe)
        let other = try book(time: "14:00").booking.publicCode
        stripe.failures = [FakePayments.down]
        #expect { try payments().markPaid(code: other) } throws: { ($0 as? ArtisanError)?.kind == .unavailable }
        #expect(stored(other).depositStatus == .pending)
    }

    @Test("a deposit paid at Stripe whose event is late keeps its slot at the hold's end; a pay link is expired at release")
    func releaseAsksStripe() throws {
        let paid = try book().booking.publicCode
        let link = try book(.payLink, time: "14:00").booking.publicCode
        stripe.paid("pi_1")
        let report = try payments(at: "2030-01-09T09:00:00Z").sync(locks: fixture.store, wait: false)
        #expect(report.released == 1)
        #expect(stored(paid).status == .confirmed && stored(link).status == .cancelled)
        #expect(stripe.expired == ["cs_1"] && stripe.cancelled.isEmpty)
    }

    @Test("an event naming our booking in its metadata but about another intent than the booking's is ignored")
    func foreignIntent() throws {
        let booking = stored(try book().booking.publicCode)
        let event = stripe.event("payment_intent.succeeded", intent: "pi_other", booking: booking.id, at: "2030-01-07T08:05:00Z")
        #expect(try payments().receive(event, via: .webhook).result == .ignored)
        #expect(stored(booking.publicCode).depositStatus == .pending)
    }

    @Test("a refund Stripe declares failed is recorded failed and reported; requires_action stays pending")
    func refundStatuses() throws {
        let first = try book().booking.publicCode
        let second = try book(time: "14:00").booking.publicCode
        for intent in ["pi_1", "pi_2"] {
            _ = try payments().receive(stripe.event("payment_intent.succeeded", intent: intent, at: "2030-01-07T08:01:00Z"), via: .webhook)
        }
        stripe.refundStatus = "failed"
        let failed = try bookings().cancel(code: first, reason: nil, force: false)
        #expect(failed.booking.payment.refundStatus == .failed && failed.booking.depositStatus == .captured)
        #expect(failed.notes.contains { $0.contains("Stripe's dashboard") })
        stripe.refundStatus = "requires_action"
        let waiting = try bookings().cancel(code: second, reason: nil, force: false)
        #expect(waiting.booking.payment.refundStatus == .pending)
    }
}
