#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `payments sync`, the cron job: applies the events the webhook missed, releases the slots of
/// deposits not paid in time, requests the deposits Stripe could not take at booking time, and
/// retries failed refunds. Each step's failure is reported and never stops the next.
extension PaymentService {
    public static let lockScope = "payments-sync"
    /// Stripe's event list belongs to the account: one reader at a time, whichever artisan's sync it is.
    static let eventsLock = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))
    /// Events are re-read this far back from the newest seen, in case Stripe lists some late; dedupe makes it safe.
    static let eventOverlapMinutes = 10
    /// How far back a first run reads: Stripe keeps events 30 days.
    static let firstReadDays = 30

    public func sync(locks: any ExclusiveLocks, wait: Bool) throws -> PaymentSyncReport {
        _ = try gateway()
        let artisan = try context.store.read { try context.artisan(in: $0) }
        let report = try locks.withLock(Self.lockScope, id: artisan.id, wait: wait) {
            var report = PaymentSyncReport()
            // Reading the events is short: another artisan's sync reading them is waited for.
            _ = try locks.withLock(Self.lockScope, id: Self.eventsLock, wait: true) { readEvents(&report) }
            releaseHolds(artisan, &report)
            requestMissing(artisan, &report)
            retryRefunds(artisan, &report)
            return report
        }
        guard let report else {
            throw ArtisanError(.temporary, code: "SYNC_RUNNING", "another 'payments sync' is running for \(artisan.email)",
                               hint: "pass --wait to wait for it")
        }
        return report
    }

    private func readEvents(_ report: inout PaymentSyncReport) {
        do {
            let gateway = try gateway()
            let since = try context.store.read { try $0.payments.eventsReadUntil() }?.adding(minutes: -Self.eventOverlapMinutes)
                ?? context.clock.now().adding(minutes: -Self.firstReadDays * 1440)
            let events = try gateway.provider.events(createdSince: since)
            report.eventsRead = events.count
            for event in events {
                let outcome = try receive(event, via: .poll)
                if outcome.result == .applied { report.eventsApplied += 1 }
                if outcome.notes.isEmpty == false { outcome.notes.forEach { report.note($0) } }
            }
            if let newest = events.map(\.created).max() {
                try context.store.transaction { try $0.payments.storeEventsReadUntil(newest) }
            }
        } catch {
            report.fail(error)
        }
    }

    private func unpaid(_ artisan: Artisan) throws -> [Booking] {
        try context.store.read { try $0.bookings(of: artisan.id).unpaidStripeDeposits() }
    }

    /// Cancels, with reason payment_timeout, the bookings whose deposit was not paid within the
    /// hold. Stripe is asked first: a payment whose event is late keeps its slot.
    private func releaseHolds(_ artisan: Artisan, _ report: inout PaymentSyncReport) {
        do {
            let now = context.clock.now()
            for candidate in try unpaid(artisan) where candidate.payment.holdUntil.map({ $0 <= now }) ?? false {
                do {
                    if try isPaidAtStripe(candidate) { continue }
                } catch {
                    report.fail(error)
                    continue
                }
                let released: Booking? = try context.store.transaction { repositories in
                    let bookings = repositories.bookings(of: artisan.id)
                    guard var booking = try bookings.find(id: candidate.id, forUpdate: true), booking.status.isActive, booking.depositStatus.isUnpaid,
                          let hold = booking.payment.holdUntil, hold <= now else { return nil }
                    booking.status = .cancelled
                    try bookings.updateScheduleAndStatus(booking)
                    try bookings.recordEvent(booking.id, kind: "cancelled", details: ["reason": "payment_timeout", "forced": "false"], at: now)
                    try NotificationService.enqueue(booking, .cancelled(refund: false), artisan: artisan,
                                                    zone: try context.zones.rules(for: artisan.timezone), now: now,
                                                    settings: context.notifications, into: repositories)
                    return booking
                }
                guard let released else { continue }
                report.released += 1
                var notes: [String] = []
                withdraw(released, notes: &notes)
                notes.forEach { report.note($0) }
            }
        } catch {
            report.fail(error)
        }
    }

    private func requestMissing(_ artisan: Artisan, _ report: inout PaymentSyncReport) {
        do {
            let zone = try context.zones.rules(for: artisan.timezone)
            // A pay link whose hold ends within Stripe's 30-minute minimum is left to the release.
            for booking in try unpaid(artisan) where booking.payment.awaitsStripe
                && (booking.payment.method != .checkoutSession || checkoutExpiry(booking) != nil) {
                do {
                    let outcome = try request(BookingService.Placed(booking: booking, zone: zone))
                    if !outcome.booking.payment.awaitsStripe { report.requested += 1 }
                    outcome.notes.forEach { report.note($0) }
                    if outcome.booking.payment.checkoutURL != nil, outcome.booking.status.isActive {
                        // The confirmation went without it: the link goes in a message of its own.
                        try context.store.transaction { repositories in
                            try NotificationService.enqueue(outcome.booking, .payLink, artisan: artisan, zone: zone, now: context.clock.now(),
                                                            settings: context.notifications, into: repositories)
                        }
                        _ = NotificationService(context).deliverNow(booking: outcome.booking.id)
                    }
                } catch {
                    report.fail(error)
                }
            }
        } catch {
            report.fail(error)
        }
    }

    private func retryRefunds(_ artisan: Artisan, _ report: inout PaymentSyncReport) {
        do {
            for booking in try context.store.read({ try $0.bookings(of: artisan.id).pendingRefunds() }) {
                if let problem = settleRefund(booking, artisan: artisan.id) { report.note(problem) } else { report.refunded += 1 }
            }
        } catch {
            report.fail(error)
        }
    }
}
