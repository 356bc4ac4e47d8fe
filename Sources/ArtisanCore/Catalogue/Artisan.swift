#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The artisan: who they are, and the rules of their diary.
public struct Artisan: Sendable, Equatable {
    public enum Plan: String, Sendable, CaseIterable { case starter, pro, business }

    public var id: UUID
    public var displayName: String
    public var email: String
    public var phone: String?
    /// IANA name, e.g. `Europe/Paris`.
    public var timezone: String
    public var plan: Plan
    public var settings: SchedulingSettings

    public init(id: UUID = .random(), displayName: String, email: String, phone: String? = nil, timezone: String = "Europe/Paris",
                plan: Plan = .starter, settings: SchedulingSettings = SchedulingSettings()) {
        self.id = id
        self.displayName = displayName
        self.email = email
        self.phone = phone
        self.timezone = timezone
        self.plan = plan
        self.settings = settings
    }
}

/// How the artisan's slots are offered (each settable with `artisan set`).
public struct SchedulingSettings: Sendable, Equatable {
    public static let granularities = [5, 10, 15, 20, 30, 60]

    /// Slots start every this many minutes from opening; service durations are multiples of it.
    public var slotMinutes = 30
    /// A booking must start at least this long after now.
    public var minimumNoticeMinutes = 120
    /// Bookings are offered up to this many days ahead.
    public var horizonDays = 60
    /// Customers may cancel or reschedule until this many hours before the start.
    public var cancellationDeadlineHours = 24
    /// An unpaid online deposit releases its slot after this many minutes (0: never).
    public var paymentHoldMinutes = 30
    /// An unpaid pay link releases its slot after this many hours (0: never); at most 24, as a
    /// Stripe Checkout Session lives at most 24 hours.
    public var payLinkHoldHours = 24

    public init() {}

    public init(slotMinutes: Int, minimumNoticeMinutes: Int, horizonDays: Int, cancellationDeadlineHours: Int,
                paymentHoldMinutes: Int = 30, payLinkHoldHours: Int = 24) {
        self.slotMinutes = slotMinutes
        self.minimumNoticeMinutes = minimumNoticeMinutes
        self.horizonDays = horizonDays
        self.cancellationDeadlineHours = cancellationDeadlineHours
        self.paymentHoldMinutes = paymentHoldMinutes
        self.payLinkHoldHours = payLinkHoldHours
    }
}
