/// What `data purge` removes, one kind of data at a time, each in a transaction of its own.
public enum RetentionCategory: String, Sendable, CaseIterable {
    /// Bookings over before the cut-off, with their audit trail, messages and calendar export records.
    case bookings
    /// Messages sent, failed or cancelled before the cut-off.
    case notifications
    /// Busy time imported from the artisan's calendars that is over.
    case busyBlocks
    /// Stripe events applied before the cut-off.
    case webhookEvents
    /// Idempotency-Keys past their 24 hours.
    case idempotencyKeys

    /// As the report shows it.
    public var label: String {
        switch self {
        case .bookings: "bookings"
        case .notifications: "notifications"
        case .busyBlocks: "past busy blocks"
        case .webhookEvents: "webhook events"
        case .idempotencyKeys: "expired idempotency keys"
        }
    }
}

/// Spec 6.5's retention rule as instants: for each category, the cut-off before which its rows go
/// (a row exactly at its cut-off stays). All count from one reading of the injected clock.
public struct RetentionPolicy: Sendable, Equatable {
    public let period: RetentionPeriod

    /// A Stripe event is kept at least this long whatever the period: Stripe retries a webhook for
    /// three days and lists events for thirty (which `payments sync` reads back), and only the
    /// event's record keeps a late copy from being applied twice.
    public static let webhookEventMinimumDays = 30

    public init(period: RetentionPeriod = .standard) { self.period = period }

    public func cutoff(for category: RetentionCategory, at now: Timestamp) -> Timestamp {
        switch category {
        case .bookings, .notifications:
            period.before(now)
        case .busyBlocks:
            // Busy time that is over no longer hides any slot, and `sync calendars` drops it at its
            // next run anyway; what remains is that of a calendar no longer synced.
            now
        case .webhookEvents:
            min(period.before(now), now.adding(seconds: -Int64(Self.webhookEventMinimumDays) * 86_400))
        case .idempotencyKeys:
            // A key lives 24 hours whatever the period: after that a retry runs anew, so the row serves nothing.
            now.adding(seconds: -IdempotentRequests.lifetimeSeconds)
        }
    }
}
