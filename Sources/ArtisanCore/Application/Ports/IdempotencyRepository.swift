#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A client's Idempotency-Key as stored: the digest of the request it first came with, the
/// booking that request made (linked in the booking's own transaction), or the answer it got.
public struct IdempotencyRecord: Sendable, Equatable {
    public var key: String
    public var requestDigest: String
    public var bookingCode: String?
    public var statusCode: Int?
    public var responseBody: String?
    public var lockedUntil: Timestamp
    public var createdAt: Timestamp

    public init(key: String, requestDigest: String, bookingCode: String? = nil, statusCode: Int? = nil, responseBody: String? = nil,
                lockedUntil: Timestamp, createdAt: Timestamp) {
        self.key = key
        self.requestDigest = requestDigest
        self.bookingCode = bookingCode
        self.statusCode = statusCode
        self.responseBody = responseBody
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
    }
}

/// The Idempotency-Keys of the API, shared by every server process through the database.
public protocol IdempotencyRepository {
    /// Inserts the record unless its key exists; true when inserted.
    func insert(_ record: IdempotencyRecord) throws -> Bool
    /// The key's record, locked for the rest of the unit of work.
    func lock(_ key: String) throws -> IdempotencyRecord?
    /// Replaces the key's record (a claim taken over, or begun anew after it expired).
    func replace(_ record: IdempotencyRecord) throws
    /// Links the key to the booking its request made.
    func attach(_ key: String, booking: UUID) throws
    /// Keeps the answer a request ended with.
    func complete(_ key: String, statusCode: Int, body: String) throws
    /// Forgets the key, so that a retry runs the request again.
    func delete(_ key: String) throws
}
