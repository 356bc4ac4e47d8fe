/// Deletes what the retention rule says is past keeping, one category per call; every call
/// returns how many rows it removed. Each is run in a unit of work of its own.
public protocol RetentionRepository {
    /// Bookings over (start + duration) before `cutoff`, whatever their status, except those
    /// whose refund is still owed and those whose exported calendar event still waits to be written
    /// again without a forgotten customer; their audit trail, messages and calendar export records
    /// go with them. Stripe's events and Idempotency-Keys that named them keep no link to them.
    func deleteBookings(endedBefore cutoff: Timestamp) throws -> PurgedBookings
    /// Messages sent, failed or cancelled (last changed) before `cutoff`, except those of a booking
    /// not yet over at `now`, whose next invitation counts them (its SEQUENCE), and those of a
    /// booking `deleteBookings(endedBefore: bookingCutoff)` removes: they go with it, so that no
    /// message is counted in two categories (a dry run rolls each back). Pending ones stay.
    func deleteNotifications(settledBefore cutoff: Timestamp, bookingsEndedBefore bookingCutoff: Timestamp, now: Timestamp) throws -> Int
    /// Busy blocks imported from a calendar that ended before `cutoff` (export records stay with their booking).
    func deleteImportedBusyBlocks(endedBefore cutoff: Timestamp) throws -> Int
    /// Stripe events applied before `cutoff`.
    func deleteWebhookEvents(appliedBefore cutoff: Timestamp) throws -> Int
    /// Idempotency-Keys created before `cutoff`.
    func deleteIdempotencyKeys(createdBefore cutoff: Timestamp) throws -> Int
}

/// The bookings one purge removed, and what went with them.
public struct PurgedBookings: Sendable, Equatable {
    public var bookings: Int
    public var events: Int
    public var notifications: Int
    public var calendarExports: Int

    public init(bookings: Int = 0, events: Int = 0, notifications: Int = 0, calendarExports: Int = 0) {
        self.bookings = bookings
        self.events = events
        self.notifications = notifications
        self.calendarExports = calendarExports
    }
}
