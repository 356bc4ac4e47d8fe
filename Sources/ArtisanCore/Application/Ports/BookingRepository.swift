#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's bookings, their audit trail, and the busy time availability must avoid.
public protocol BookingRepository {
    /// Inserts a booking. Throws `BookingWriteConflict.publicCodeTaken` (nothing written, the
    /// unit of work still usable) or `.slotTaken` when the store refuses an overlap.
    func insert(_ booking: Booking) throws
    /// Saves a booking's status and start; `.slotTaken` when the new time overlaps another.
    func updateScheduleAndStatus(_ booking: Booking) throws
    /// By public code, locked for update when asked (a change is decided on what is read here).
    func find(code: String, forUpdate: Bool) throws -> Booking?
    /// By id, locked for update when asked.
    func find(id: UUID, forUpdate: Bool) throws -> Booking?
    /// Saves a booking's deposit status and collection (ids, hold, refund).
    func savePayment(_ booking: Booking) throws
    /// Active bookings whose Stripe deposit is still unpaid, oldest first.
    func unpaidStripeDeposits() throws -> [Booking]
    /// Bookings whose refund is decided but not yet done.
    func pendingRefunds() throws -> [Booking]
    /// The bookings matching `filter`, chronologically, one at a time.
    func stream(_ filter: BookingFilter, _ body: (Booking) throws -> Void) throws
    /// Other active bookings' buffered spans and imported calendar blocks overlapping `window`,
    /// maybe merged where they overlap or touch, in any order: callers take their union.
    func busyIntervals(in window: Interval, excluding booking: UUID?) throws -> [Interval]
    /// One line of the audit trail.
    func recordEvent(_ booking: UUID, kind: String, details: [String: String], at: Timestamp) throws
}

/// Why the store refused a booking write.
public enum BookingWriteConflict: Error, Sendable, Equatable {
    case publicCodeTaken
    case slotTaken
}

/// Which bookings a listing shows; nil fields do not filter.
public struct BookingFilter: Sendable, Equatable {
    public var from: Timestamp?
    public var to: Timestamp?
    public var status: Booking.Status?
    public var depositStatus: Booking.DepositStatus?
    public var serviceID: UUID?
    /// Matches the customer's name, e-mail or phone, case-insensitively.
    public var customer: String?

    public init(from: Timestamp? = nil, to: Timestamp? = nil, status: Booking.Status? = nil, depositStatus: Booking.DepositStatus? = nil,
                serviceID: UUID? = nil, customer: String? = nil) {
        self.from = from
        self.to = to
        self.status = status
        self.depositStatus = depositStatus
        self.serviceID = serviceID
        self.customer = customer
    }
}
