#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a message is about. Customer messages follow a booking's changes (and the day-before
/// reminder); artisan alerts tell the artisan of each new, cancelled or moved booking.
public enum NotificationKind: String, Sendable, CaseIterable {
    case confirmation, cancellation, reschedule, reminder
    /// The deposit's pay link, when Stripe could only make it after the confirmation went.
    case payLink = "pay_link"
    case artisanNewBooking = "artisan_new_booking"
    case artisanCancellation = "artisan_cancellation"
    case artisanReschedule = "artisan_reschedule"

    public var isForArtisan: Bool { rawValue.hasPrefix("artisan_") }
}

/// One message in the outbox: written in the transaction of the change it tells of, delivered
/// after it. `variables` are what the templates render, fixed when the change happened.
public struct OutboxMessage: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case pending, sent, failed, cancelled }

    /// A message is tried this many times at most (the spec), then `failed`.
    public static let maximumAttempts = 3

    public var id: UUID
    public var artisanID: UUID
    public var bookingID: UUID?
    public var kind: NotificationKind
    public var channel: OutgoingMessage.Channel
    /// Nil once the customer's data is erased: the message can no longer go.
    public var recipient: String?
    public var recipientName: String?
    public var variables: [String: String]
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var providerMessageID: String?
    public var lastError: String?
    public var idempotencyKey: String
    public var createdAt: Timestamp?

    public init(id: UUID = .random(), artisanID: UUID, bookingID: UUID?, kind: NotificationKind, channel: OutgoingMessage.Channel,
                recipient: String?, recipientName: String?, variables: [String: String], status: Status = .pending, attempts: Int = 0,
                nextAttemptAt: Timestamp, providerMessageID: String? = nil, lastError: String? = nil, idempotencyKey: String,
                createdAt: Timestamp? = nil) {
        self.id = id
        self.artisanID = artisanID
        self.bookingID = bookingID
        self.kind = kind
        self.channel = channel
        self.recipient = recipient
        self.recipientName = recipientName
        self.variables = variables
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.providerMessageID = providerMessageID
        self.lastError = lastError
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
    }

    /// When to try again after `attempts` failed tries: 1, then 5 minutes (the third fails for good).
    public static func backoff(after attempts: Int) -> Int {
        attempts <= 1 ? 1 : 5
    }
}
