import ArtisanCore
import Foundation

extension InMemoryStore {
    /// The retention rule's deletions over the in-memory state. A message's age is its creation
    /// (the state keeps no last change) and Stripe events keep no time here, so none goes. A
    /// failing category deletes, then throws: the transaction must put everything back.
    struct Retention: RetentionRepository {
        let store: InMemoryStore

        struct Refused: Error {}

        private func purging<T>(_ category: RetentionCategory, _ cutoff: Timestamp, _ body: () -> T) throws -> T {
            store.state.purgeCutoffs[category] = cutoff
            let result = body()
            if store.failingPurges.contains(category) { throw Refused() }
            return result
        }

        func past(_ cutoff: Timestamp) -> Set<UUID> {
            let rewriting = Set(store.state.exports.values.flatMap(\.values).flatMap(\.values).filter(\.rewriteRequested).map(\.booking.id))
            return Set(store.state.bookings.values.joined().filter { $0.end < cutoff && $0.payment.refundStatus != .pending }.map(\.id))
                .subtracting(rewriting)
        }

        func deleteBookings(endedBefore cutoff: Timestamp) throws -> PurgedBookings {
            try purging(.bookings, cutoff) {
                let doomed = past(cutoff)
                var purged = PurgedBookings(bookings: doomed.count)
                purged.events = store.state.events.filter { doomed.contains($0.booking) }.count
                purged.notifications = store.state.outbox.filter { $0.bookingID.map(doomed.contains) ?? false }.count
                store.state.bookings = store.state.bookings.mapValues { $0.filter { !doomed.contains($0.id) } }
                store.state.events.removeAll { doomed.contains($0.booking) }
                store.state.outbox.removeAll { $0.bookingID.map(doomed.contains) ?? false }
                store.state.exports = store.state.exports.mapValues { $0.mapValues { $0.filter { !doomed.contains($0.key) } } }
                return purged
            }
        }

        func deleteNotifications(settledBefore cutoff: Timestamp, bookingsEndedBefore bookingCutoff: Timestamp, now: Timestamp) throws -> Int {
            // Messages of a booking not yet over stay; those of a booking past its cut-off go with it.
            try purging(.notifications, cutoff) {
                let elsewhere = Set(store.state.bookings.values.joined().filter { $0.end > now }.map(\.id)).union(past(bookingCutoff))
                let before = store.state.outbox.count
                store.state.outbox.removeAll {
                    $0.status != .pending && ($0.createdAt.map { $0 < cutoff } ?? false) && !($0.bookingID.map(elsewhere.contains) ?? false)
                }
                return before - store.state.outbox.count
            }
        }

        func deleteImportedBusyBlocks(endedBefore cutoff: Timestamp) throws -> Int {
            try purging(.busyBlocks, cutoff) {
                var removed = 0
                store.state.imported = store.state.imported.mapValues { providers in
                    providers.mapValues { events in
                        let kept = events.filter { $0.value.end >= cutoff }
                        removed += events.count - kept.count
                        return kept
                    }
                }
                return removed
            }
        }

        func deleteWebhookEvents(appliedBefore cutoff: Timestamp) throws -> Int {
            try purging(.webhookEvents, cutoff) { 0 }
        }

        func deleteIdempotencyKeys(createdBefore cutoff: Timestamp) throws -> Int {
            try purging(.idempotencyKeys, cutoff) {
                let before = store.state.idempotencyKeys.count
                store.state.idempotencyKeys = store.state.idempotencyKeys.filter { $0.value.createdAt >= cutoff }
                return before - store.state.idempotencyKeys.count
            }
        }
    }
}
