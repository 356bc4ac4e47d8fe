#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The outbox. Its rows are written in the transaction of the change they tell of; senders claim
/// due rows one transaction at a time, skipping those another sender holds.
public protocol NotificationRepository {
    /// False when a message with that idempotency key exists already (nothing written then).
    func enqueue(_ notification: OutboxMessage) throws -> Bool
    /// Up to `limit` pending messages of `channels` due at `now` (of one booking when given), oldest first,
    /// locked and skipping those another transaction holds. Each is marked claimed until
    /// `claimUntil` with one more attempt counted before it is sent.
    func claimDue(at now: Timestamp, booking: UUID?, channels: Set<OutgoingMessage.Channel>, limit: Int,
                  claimUntil: Timestamp) throws -> [OutboxMessage]
    /// Pending messages whose claim ended without an outcome (a sender died between sending and
    /// recording): marked failed, never sent again by themselves. Their count.
    func failInterrupted(at now: Timestamp) throws -> Int
    func recordSent(_ id: UUID, providerMessageID: String?, at: Timestamp) throws
    /// A failed try: pending again at `retryAt`, or failed for good when `retryAt` is nil.
    func recordFailure(_ id: UUID, error: String, retryAt: Timestamp?, at: Timestamp) throws
    func cancel(_ id: UUID, reason: String, at: Timestamp) throws
    func list(status: OutboxMessage.Status?, booking: UUID?, limit: Int) throws -> [OutboxMessage]
    func find(_ id: UUID) throws -> OutboxMessage?
    /// How many messages a booking has had: the SEQUENCE of its next invitation.
    func count(booking: UUID) throws -> Int
    /// Back to pending, attempts from zero, due at `now`: the failed ones, or the one given. Their count.
    func retry(_ id: UUID?, at now: Timestamp) throws -> Int
}
