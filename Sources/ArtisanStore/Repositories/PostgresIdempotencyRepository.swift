import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The API's Idempotency-Keys (see the serve migration).
public struct PostgresIdempotencyRepository: IdempotencyRepository {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    public func insert(_ record: IdempotencyRecord) throws -> Bool {
        try connection.execute("""
            INSERT INTO idempotency_keys (key, request_digest, locked_until, created_at)
            VALUES (\(record.key), \(record.requestDigest), \(record.lockedUntil), \(record.createdAt))
            ON CONFLICT (key) DO NOTHING
            """) == 1
    }

    public func lock(_ key: String) throws -> IdempotencyRecord? {
        try connection.query("""
            SELECT k.key, k.request_digest, b.public_code, k.status_code, k.response_body, k.locked_until, k.created_at
            FROM idempotency_keys k LEFT JOIN bookings b ON b.id = k.booking_id
            WHERE k.key = \(key) FOR UPDATE OF k
            """).first.map { row in
            IdempotencyRecord(key: try row.decode("key"), requestDigest: try row.decode("request_digest"),
                              bookingCode: try row.decode("public_code", as: String?.self), statusCode: try row.decode("status_code", as: Int?.self),
                              responseBody: try row.decode("response_body", as: String?.self), lockedUntil: try row.decode("locked_until"),
                              createdAt: try row.decode("created_at"))
        }
    }

    public func replace(_ record: IdempotencyRecord) throws {
        try connection.execute("""
            UPDATE idempotency_keys SET request_digest = \(record.requestDigest), booking_id = NULL, status_code = \(record.statusCode),
                   response_body = \(record.responseBody), locked_until = \(record.lockedUntil), created_at = \(record.createdAt)
            WHERE key = \(record.key)
            """)
    }

    public func attach(_ key: String, booking: UUID) throws {
        try connection.execute("UPDATE idempotency_keys SET booking_id = \(booking) WHERE key = \(key)")
    }

    public func complete(_ key: String, statusCode: Int, body: String) throws {
        try connection.execute("UPDATE idempotency_keys SET status_code = \(statusCode), response_body = \(body) WHERE key = \(key)")
    }

    public func delete(_ key: String) throws {
        try connection.execute("DELETE FROM idempotency_keys WHERE key = \(key)")
    }
}
