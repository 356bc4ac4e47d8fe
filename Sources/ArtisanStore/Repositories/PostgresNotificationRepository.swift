import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The outbox in PostgreSQL.
public struct PostgresNotificationRepository: NotificationRepository {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    static let columns = """
        id, artisan_id, booking_id, kind, channel, recipient, recipient_name, payload::text AS payload, status, attempts,
        next_attempt_at, provider_message_id, last_error, idempotency_key, created_at
        """

    public func enqueue(_ notification: OutboxMessage) throws -> Bool {
        let payload = try JSONStrings.text(notification.variables)
        return try !connection.query("""
            INSERT INTO notifications (id, artisan_id, booking_id, kind, channel, recipient, recipient_name, payload, status, attempts,
                                       next_attempt_at, idempotency_key)
            VALUES (\(notification.id), \(notification.artisanID), \(notification.bookingID), \(notification.kind.rawValue),
                    \(notification.channel.rawValue), \(notification.recipient), \(notification.recipientName), \(payload)::jsonb,
                    \(notification.status.rawValue), \(notification.attempts), \(notification.nextAttemptAt), \(notification.idempotencyKey))
            ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
            """).isEmpty
    }

    public func claimDue(at now: Timestamp, booking: UUID?, channels: Set<OutgoingMessage.Channel>, limit: Int,
                         claimUntil: Timestamp) throws -> [OutboxMessage] {
        let channels = channels.map(\.rawValue).sorted().joined(separator: ",")
        return try connection.query("""
            UPDATE notifications SET attempts = attempts + 1, claimed_until = \(claimUntil), updated_at = artisan_now()
            WHERE id IN (
              SELECT id FROM notifications
              WHERE status = 'pending' AND next_attempt_at <= \(now) AND (claimed_until IS NULL OR claimed_until <= \(now))
                AND \(when: booking, "booking_id = {}") AND channel = ANY(string_to_array(\(channels), ','))
              ORDER BY next_attempt_at, created_at, id LIMIT \(limit)
              FOR UPDATE SKIP LOCKED)
            RETURNING \(unsafeSQL: Self.columns)
            """).map(Self.decode).sorted { ($0.nextAttemptAt, $0.id.lowercasedText) < ($1.nextAttemptAt, $1.id.lowercasedText) }
    }

    public func failInterrupted(at now: Timestamp) throws -> Int {
        try connection.query("""
            UPDATE notifications SET status = 'failed', claimed_until = NULL, updated_at = artisan_now(),
                   last_error = 'interrupted while sending: it may have gone out, so it is not sent again by itself'
            WHERE status = 'pending' AND claimed_until IS NOT NULL AND claimed_until <= \(now)
            RETURNING id
            """).count
    }

    public func recordSent(_ id: UUID, providerMessageID: String?, at: Timestamp) throws {
        try connection.execute("""
            UPDATE notifications SET status = 'sent', provider_message_id = \(providerMessageID), sent_at = \(at), claimed_until = NULL,
                   last_error = NULL, updated_at = artisan_now()
            WHERE id = \(id)
            """)
    }

    public func recordFailure(_ id: UUID, error: String, retryAt: Timestamp?, at: Timestamp) throws {
        try connection.execute("""
            UPDATE notifications SET status = \(retryAt == nil ? "failed" : "pending"), next_attempt_at = coalesce(\(retryAt), next_attempt_at),
                   last_error = \(String(error.prefix(1000))), claimed_until = NULL, updated_at = artisan_now()
            WHERE id = \(id)
            """)
    }

    public func cancel(_ id: UUID, reason: String, at: Timestamp) throws {
        try connection.execute("""
            UPDATE notifications SET status = 'cancelled', last_error = \(reason), claimed_until = NULL, updated_at = artisan_now() WHERE id = \(id)
            """)
    }

    public func list(status: OutboxMessage.Status?, booking: UUID?, limit: Int) throws -> [OutboxMessage] {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM notifications
            WHERE \(when: status?.rawValue, "status = {}") AND \(when: booking, "booking_id = {}")
            ORDER BY created_at DESC, id LIMIT \(limit)
            """).map(Self.decode)
    }

    public func find(_ id: UUID) throws -> OutboxMessage? {
        try connection.query("SELECT \(unsafeSQL: Self.columns) FROM notifications WHERE id = \(id)").first.map(Self.decode)
    }

    public func count(booking: UUID) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM notifications WHERE booking_id = \(booking)")[0].decode("n")
    }

    public func retry(_ id: UUID?, at now: Timestamp) throws -> Int {
        try connection.query("""
            UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = \(now), claimed_until = NULL, updated_at = artisan_now()
            WHERE ((\(id)::uuid IS NULL AND status = 'failed') OR id = \(id)) AND recipient IS NOT NULL
            RETURNING id
            """).count
    }

    static func decode(_ row: Row) throws -> OutboxMessage {
        guard let kind = NotificationKind(rawValue: try row.decode("kind")), let channel = OutgoingMessage.Channel(rawValue: try row.decode("channel")),
              let status = OutboxMessage.Status(rawValue: try row.decode("status")),
              let variables = JSONStrings.object(try row.decode("payload", as: String.self)) else {
            throw DatabaseError(kind: .decoding, message: "a notification row holds a kind, channel, status or payload outside the schema", column: "kind")
        }
        return OutboxMessage(id: try row.decode("id"), artisanID: try row.decode("artisan_id"), bookingID: try row.decode("booking_id", as: UUID?.self),
                            kind: kind, channel: channel, recipient: try row.decode("recipient", as: String?.self),
                            recipientName: try row.decode("recipient_name", as: String?.self), variables: variables, status: status,
                            attempts: try row.decode("attempts"), nextAttemptAt: try row.decode("next_attempt_at"),
                            providerMessageID: try row.decode("provider_message_id", as: String?.self),
                            lastError: try row.decode("last_error", as: String?.self), idempotencyKey: try row.decode("idempotency_key"),
                            createdAt: try row.decode("created_at"))
    }
}
