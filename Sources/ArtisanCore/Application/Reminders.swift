#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `notify reminders`: one reminder per channel for each active booking of a day (default:
/// tomorrow in each artisan's zone). A rerun, two overlapping runs or a crash midway never queue
/// one twice: a reminder's key names its booking and start, so a moved booking gets a new one.
extension NotificationService {
    public struct ReminderReport: Sendable, Equatable {
        public var date: LocalDate?
        /// Reminders queued by this run (or that would be, with a dry run).
        public var queued = 0
        /// Already queued by an earlier run.
        public var existing = 0
    }

    /// For the artisan acted for, or every artisan of the store when none is named.
    public func queueReminders(for date: LocalDate?, dryRun: Bool) throws -> [ReminderReport] {
        let now = context.clock.now()
        let artisans = try context.store.read { repositories in
            context.artisanEmail == nil ? try repositories.artisans.all() : [try context.artisan(in: repositories)]
        }
        return try artisans.map { artisan in
            let zone = try context.zones.rules(for: artisan.timezone)
            let day = date ?? zone.localDate(at: now).adding(days: 1)
            return try context.store.transaction(rollingBack: dryRun) { repositories in
                var report = ReminderReport(date: day)
                let planner = NotificationPlanner(artisan: artisan, zone: zone, now: now, manageURLBase: context.notifications.manageURLBase)
                let filter = BookingFilter(from: zone.firstInstant(on: day, minuteOfDay: 0), to: zone.firstInstant(on: day.adding(days: 1), minuteOfDay: 0))
                var bookings: [Booking] = []
                try repositories.bookings(of: artisan.id).stream(filter) { if $0.status.isActive { bookings.append($0) } }
                for booking in bookings {
                    for reminder in planner.notifications(for: booking, .reminder) {
                        if try repositories.notifications.enqueue(reminder) { report.queued += 1 } else { report.existing += 1 }
                    }
                }
                return report
            }
        }
    }
}
