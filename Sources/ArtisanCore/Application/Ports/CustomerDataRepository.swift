#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an artisan's store holds about one customer (spec 6.5: the right of access and the right
/// to be forgotten), row by row, and the writes that erase it.
public protocol CustomerDataRepository {
    /// The artisan's bookings made with this e-mail (compared case-insensitively), oldest first,
    /// locked for update when asked.
    func bookings(email: String, forUpdate: Bool) throws -> [CustomerRows.Booking]
    /// Every row that points to one of these bookings.
    func rows(linkedTo bookings: [UUID]) throws -> CustomerRows
    /// Rows that point to none of these bookings but whose text contains one of `terms`, ignoring
    /// case: the artisan's imported calendar blocks and the API's Idempotency-Keys.
    func rows(mentioning terms: [String], notLinkedTo bookings: [UUID]) throws -> CustomerRows

    /// The booking's customer becomes `Customer.anonymised`, without notifications, as of `at`.
    func anonymise(booking: UUID, at: Timestamp) throws
    func saveDetails(ofEvent id: UUID, _ details: [String: String]) throws
    /// Saves an erased message's recipient, name, variables, provider id, last error and status.
    func saveErased(_ notification: OutboxMessage) throws
    /// Saves a key's digest and answer (its booking link stays).
    func saveErased(_ key: CustomerRows.IdempotencyKey) throws
    func saveSummary(ofBlock id: UUID, _ summary: String?) throws
    /// Marks the calendar events exported for these bookings, so that the next sync writes them
    /// again (as they now read); their count.
    func requestRewrite(ofEventsOf bookings: [UUID]) throws -> Int
}

/// The rows held about one customer, table by table.
public struct CustomerRows: Sendable {
    public var events: [Event] = []
    public var notifications: [Notification] = []
    public var paymentEvents: [PaymentEvent] = []
    public var idempotencyKeys: [IdempotencyKey] = []
    public var calendarBlocks: [CalendarBlock] = []

    public init() {}

    public mutating func add(_ other: CustomerRows) {
        events += other.events
        notifications += other.notifications
        paymentEvents += other.paymentEvents
        idempotencyKeys += other.idempotencyKeys
        calendarBlocks += other.calendarBlocks
    }

    /// A booking, with what the row says of its life.
    public struct Booking: Sendable {
        public var booking: ArtisanCore.Booking
        public var createdAt: Timestamp
        public var updatedAt: Timestamp
        public var anonymisedAt: Timestamp?

        public init(booking: ArtisanCore.Booking, createdAt: Timestamp, updatedAt: Timestamp, anonymisedAt: Timestamp?) {
            self.booking = booking
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.anonymisedAt = anonymisedAt
        }
    }

    /// A line of a booking's audit trail.
    public struct Event: Sendable, Equatable {
        public var id: UUID
        public var bookingID: UUID
        public var at: Timestamp
        public var kind: String
        public var details: [String: String]

        public init(id: UUID, bookingID: UUID, at: Timestamp, kind: String, details: [String: String]) {
            self.id = id
            self.bookingID = bookingID
            self.at = at
            self.kind = kind
            self.details = details
        }
    }

    /// A message of the outbox, with when it went.
    public struct Notification: Sendable, Equatable {
        public var message: OutboxMessage
        public var sentAt: Timestamp?

        public init(message: OutboxMessage, sentAt: Timestamp?) {
            self.message = message
            self.sentAt = sentAt
        }
    }

    /// A Stripe event applied to one of the bookings (payment references only: no personal data).
    public struct PaymentEvent: Sendable, Equatable {
        public var id: String
        public var type: String
        public var created: Timestamp
        public var bookingID: UUID?
        public var receivedVia: String
        public var outcome: String
        public var appliedAt: Timestamp

        public init(id: String, type: String, created: Timestamp, bookingID: UUID?, receivedVia: String, outcome: String, appliedAt: Timestamp) {
            self.id = id
            self.type = type
            self.created = created
            self.bookingID = bookingID
            self.receivedVia = receivedVia
            self.outcome = outcome
            self.appliedAt = appliedAt
        }
    }

    /// An Idempotency-Key of the API: the digest of the request it came with, the booking that
    /// request made or the answer it got.
    public struct IdempotencyKey: Sendable, Equatable {
        public var key: String
        public var requestDigest: String
        public var bookingID: UUID?
        public var statusCode: Int?
        public var responseBody: String?
        public var createdAt: Timestamp

        public init(key: String, requestDigest: String, bookingID: UUID?, statusCode: Int?, responseBody: String?, createdAt: Timestamp) {
            self.key = key
            self.requestDigest = requestDigest
            self.bookingID = bookingID
            self.statusCode = statusCode
            self.responseBody = responseBody
            self.createdAt = createdAt
        }
    }

    /// A block of the artisan's calendars: an event exported for a booking, or one imported.
    public struct CalendarBlock: Sendable, Equatable {
        public var id: UUID
        public var provider: String
        /// `booking` (exported by sync) or `external` (imported).
        public var source: String
        public var bookingID: UUID?
        public var eventID: String?
        public var summary: String?
        public var start: Timestamp
        public var end: Timestamp

        public init(id: UUID, provider: String, source: String, bookingID: UUID?, eventID: String?, summary: String?, start: Timestamp,
                    end: Timestamp) {
            self.id = id
            self.provider = provider
            self.source = source
            self.bookingID = bookingID
            self.eventID = eventID
            self.summary = summary
            self.start = start
            self.end = end
        }
    }
}
