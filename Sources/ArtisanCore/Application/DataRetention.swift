/// `data purge`, spec 6.5's retention rule (a monthly cron job): bookings over for longer than the
/// period go with their audit trail and messages, then the messages, past busy time, Stripe events
/// and Idempotency-Keys past keeping. Every artisan's data is covered. Each category is one
/// transaction: a failure leaves that category whole, is reported, and does not stop the others.
public struct DataRetention {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// With `dryRun`, every category runs in a transaction that is rolled back: the counts are
    /// those a real run at the same clock would remove, and nothing changes.
    public func purge(_ policy: RetentionPolicy, dryRun: Bool) -> RetentionReport {
        let now = context.clock.now()
        var report = RetentionReport(now: now, period: policy.period, dryRun: dryRun)
        for category in RetentionCategory.allCases {
            let cutoff = policy.cutoff(for: category, at: now)
            do {
                let (removed, alongside) = try context.store.transaction(rollingBack: dryRun) { repositories in
                    try purge(category, before: cutoff, policy: policy, now: now, repositories.retention)
                }
                report.entries.append(.init(category, cutoff: cutoff, removed: removed, alongside: alongside))
            } catch {
                report.entries.append(.init(category, cutoff: cutoff, removed: nil, failure: error))
            }
        }
        return report
    }

    private func purge(_ category: RetentionCategory, before cutoff: Timestamp, policy: RetentionPolicy, now: Timestamp,
                       _ retention: any RetentionRepository) throws -> (Int, PurgedBookings?) {
        switch category {
        case .bookings:
            let purged = try retention.deleteBookings(endedBefore: cutoff)
            return (purged.bookings, purged)
        case .notifications:
            let bookingCutoff = policy.cutoff(for: .bookings, at: now)
            return (try retention.deleteNotifications(settledBefore: cutoff, bookingsEndedBefore: bookingCutoff, now: now), nil)
        case .busyBlocks: return (try retention.deleteImportedBusyBlocks(endedBefore: cutoff), nil)
        case .webhookEvents: return (try retention.deleteWebhookEvents(appliedBefore: cutoff), nil)
        case .idempotencyKeys: return (try retention.deleteIdempotencyKeys(createdBefore: cutoff), nil)
        }
    }
}
