#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Idempotency-Keys (as Stripe's API has them): the first request with a key runs; a retry with
/// the same key and the same request gets the first one's answer; the same key with another
/// request is refused. Keys live 24 hours. A request claims its key for a while; a claim whose
/// process died runs out, and a later retry then runs the request again, unless it had already
/// made its booking, which is then answered.
public struct IdempotentRequests {
    let context: ServiceContext
    public static let lifetimeSeconds: Int64 = 24 * 3600
    public static let claimSeconds: Int64 = 60

    public init(_ context: ServiceContext) { self.context = context }

    public enum Claim: Sendable, Equatable {
        /// Run the request, then `complete` or `release` the key.
        case run
        /// The request already made this booking: answer it.
        case booked(code: String)
        /// The request already got this answer.
        case answered(statusCode: Int, body: String)
        /// The key came with another request.
        case reused
        /// The first request with this key is still running.
        case inProgress(retryAfterSeconds: Int)
    }

    public func claim(key: String, requestDigest: String) throws -> Claim {
        let now = context.clock.now()
        let fresh = IdempotencyRecord(key: key, requestDigest: requestDigest, lockedUntil: now.adding(seconds: Self.claimSeconds), createdAt: now)
        return try context.store.transaction { repositories in
            let keys = repositories.idempotency
            if try keys.insert(fresh) { return .run }
            guard let record = try keys.lock(key) else { return .inProgress(retryAfterSeconds: 1) }
            if record.createdAt.adding(seconds: Self.lifetimeSeconds) <= now {
                try keys.replace(fresh)
                return .run
            }
            guard record.requestDigest == requestDigest else { return .reused }
            if let code = record.bookingCode { return .booked(code: code) }
            if let status = record.statusCode { return .answered(statusCode: status, body: record.responseBody ?? "") }
            guard record.lockedUntil <= now else {
                return .inProgress(retryAfterSeconds: Int(max(1, min(Self.claimSeconds, record.lockedUntil.secondsSinceEpoch - now.secondsSinceEpoch))))
            }
            var takenOver = record
            takenOver.lockedUntil = fresh.lockedUntil
            try keys.replace(takenOver)
            return .run
        }
    }

    /// Keeps an answer that is not a booking (a refusal), to be given again to a retry.
    public func complete(key: String, statusCode: Int, body: String) throws {
        try context.store.transaction { try $0.idempotency.complete(key, statusCode: statusCode, body: body) }
    }

    /// Forgets a key whose request failed in a way a retry may not (a server error).
    public func release(key: String) throws {
        try context.store.transaction { try $0.idempotency.delete(key) }
    }
}
