#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a use case reaches its data: each call is one unit of work over the repositories.
/// `transaction` commits when the body returns and rolls back when it throws (or always, with
/// `rollingBack`, for a dry run that still meets the database's own rules); `read` runs
/// without a transaction, for a single query.
public protocol TransactionRunner {
    func transaction<T>(rollingBack: Bool, _ body: (any Repositories) throws -> T) throws -> T
    func read<T>(_ body: (any Repositories) throws -> T) throws -> T
}

extension TransactionRunner {
    public func transaction<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try transaction(rollingBack: false, body)
    }
}

/// The repositories of one unit of work, each scoped to an artisan where the data belongs to one.
public protocol Repositories {
    var artisans: any ArtisanRepository { get }
    /// Stripe's events and cursor, which belong to the account, not to one artisan.
    var payments: any PaymentRepository { get }
    /// The outbox of every artisan's messages.
    var notifications: any NotificationRepository { get }
    /// The API's Idempotency-Keys, shared by every server process.
    var idempotency: any IdempotencyRepository { get }
    /// What the retention rule deletes, across artisans.
    var retention: any RetentionRepository { get }
    func services(of artisan: UUID) -> any ServiceRepository
    func week(of artisan: UUID) -> any WeekRepository
    func bookings(of artisan: UUID) -> any BookingRepository
    func calendars(of artisan: UUID) -> any CalendarRepository
    /// What the artisan holds about their customers, one customer at a time.
    func customers(of artisan: UUID) -> any CustomerDataRepository
}

/// A lock held across transactions (`sync calendars` holds one per artisan while it talks to
/// the providers). Returns nil without running `body` when the lock is taken and `wait` is false.
public protocol ExclusiveLocks {
    func withLock<T>(_ scope: String, id: UUID, wait: Bool, _ body: () throws -> T) throws -> T?
}

/// The rules of an IANA time zone, by name.
public protocol ZoneRulesSource {
    func rules(for name: String) throws -> ZoneRules
}
