#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything held about one customer, as one JSON document (spec 6.5, right of access): the
/// same for `customers export` and `GET /api/v1/customers/data`. One array per kind of record,
/// each record naming its booking by public code; camelCase names that do not change; instants in
/// ISO 8601 with the artisan's offset; a field without a value is `null`, never left out.
public struct CustomerDataDocument: Encodable, Sendable {
    public let email: String
    public let exportedAt: String
    /// Who holds the data (the controller).
    public let artisan: ArtisanEntry
    public let bookings: [BookingEntry]
    public let bookingEvents: [EventEntry]
    public let notifications: [NotificationEntry]
    public let paymentEvents: [PaymentEventEntry]
    public let idempotencyKeys: [IdempotencyKeyEntry]
    public let calendarBlocks: [CalendarBlockEntry]

    public struct ArtisanEntry: Encodable, Sendable {
        public let name: String
        public let email: String
        public let phone: Nullable<String>
    }

    public struct CustomerEntry: Encodable, Sendable {
        public let name: String
        public let email: Nullable<String>
        public let phone: Nullable<String>
    }

    public struct DepositEntry: Encodable, Sendable {
        public let provider: Nullable<String>
        public let method: Nullable<String>
        public let paymentIntentId: Nullable<String>
        public let checkoutSessionId: Nullable<String>
        public let checkoutUrl: Nullable<String>
        public let holdUntil: Nullable<String>
        public let refundStatus: Nullable<String>
        public let refundId: Nullable<String>
    }

    public struct BookingEntry: Encodable, Sendable {
        public let id: String
        public let code: String
        public let status: String
        public let service: String
        public let start: String
        public let end: String
        public let durationMinutes: Int
        public let priceCents: Int
        public let depositRate: String
        public let depositCents: Int
        public let depositStatus: String
        public let deposit: DepositEntry
        public let customer: CustomerEntry
        public let notifyByEmail: Bool
        public let notifyBySMS: Bool
        public let createdAt: String
        public let updatedAt: String
        public let anonymisedAt: Nullable<String>
    }

    public struct EventEntry: Encodable, Sendable {
        public let id: String
        public let bookingCode: String
        public let at: String
        public let kind: String
        public let details: [String: String]
    }

    public struct NotificationEntry: Encodable, Sendable {
        public let id: String
        public let bookingCode: Nullable<String>
        public let kind: String
        public let channel: String
        public let recipient: Nullable<String>
        public let recipientName: Nullable<String>
        /// What the message's templates render (the message itself is rendered as it leaves, not stored).
        public let variables: [String: String]
        public let status: String
        public let attempts: Int
        public let providerMessageId: Nullable<String>
        public let lastError: Nullable<String>
        public let createdAt: Nullable<String>
        public let sentAt: Nullable<String>
    }

    public struct PaymentEventEntry: Encodable, Sendable {
        public let id: String
        public let type: String
        public let bookingCode: Nullable<String>
        public let created: String
        public let receivedVia: String
        public let outcome: String
        public let appliedAt: String
    }

    public struct IdempotencyKeyEntry: Encodable, Sendable {
        public let key: String
        public let requestDigest: String
        public let bookingCode: Nullable<String>
        public let statusCode: Nullable<Int>
        public let responseBody: Nullable<String>
        public let createdAt: String
    }

    public struct CalendarBlockEntry: Encodable, Sendable {
        public let id: String
        public let provider: String
        public let source: String
        public let bookingCode: Nullable<String>
        public let eventId: Nullable<String>
        public let summary: Nullable<String>
        public let start: String
        public let end: String
    }
}

extension CustomerDataDocument {
    init(_ file: CustomerFile, artisan: Artisan, zone: ZoneRules, now: Timestamp) {
        func instant(_ value: Timestamp) -> String { value.iso8601(offsetSeconds: zone.offset(at: value)) }
        let codes = Dictionary(file.bookings.map { ($0.booking.id, $0.booking.publicCode) }) { first, _ in first }
        func code(_ id: UUID?) -> Nullable<String> { Nullable(id.flatMap { codes[$0] }) }
        email = file.identity.email
        exportedAt = instant(now)
        self.artisan = ArtisanEntry(name: artisan.displayName, email: artisan.email, phone: Nullable(artisan.phone))
        bookings = file.bookings.map { row in
            let booking = row.booking, payment = booking.payment
            return BookingEntry(
                id: booking.id.lowercasedText, code: booking.publicCode, status: booking.status.rawValue, service: booking.serviceName,
                start: instant(booking.start), end: instant(booking.end), durationMinutes: booking.durationMinutes, priceCents: booking.price.cents,
                depositRate: booking.depositRate.description, depositCents: booking.deposit.cents, depositStatus: booking.depositStatus.rawValue,
                deposit: DepositEntry(provider: Nullable(payment.provider?.rawValue), method: Nullable(payment.method?.rawValue),
                                      paymentIntentId: Nullable(payment.intentID), checkoutSessionId: Nullable(payment.checkoutSessionID),
                                      checkoutUrl: Nullable(payment.checkoutURL), holdUntil: Nullable(payment.holdUntil.map(instant)),
                                      refundStatus: Nullable(payment.refundStatus?.rawValue), refundId: Nullable(payment.refundID)),
                customer: CustomerEntry(name: booking.customer.name, email: Nullable(booking.customer.email),
                                        phone: Nullable(booking.customer.phone)),
                notifyByEmail: booking.notifyByEmail, notifyBySMS: booking.notifyBySMS, createdAt: instant(row.createdAt),
                updatedAt: instant(row.updatedAt), anonymisedAt: Nullable(row.anonymisedAt.map(instant)))
        }
        bookingEvents = file.rows.events.map {
            EventEntry(id: $0.id.lowercasedText, bookingCode: codes[$0.bookingID] ?? "", at: instant($0.at), kind: $0.kind,
                       details: $0.details)
        }
        notifications = file.rows.notifications.map { row in
            let message = row.message
            return NotificationEntry(
                id: message.id.lowercasedText, bookingCode: code(message.bookingID), kind: message.kind.rawValue,
                channel: message.channel.rawValue, recipient: Nullable(message.recipient), recipientName: Nullable(message.recipientName),
                variables: message.variables, status: message.status.rawValue, attempts: message.attempts,
                providerMessageId: Nullable(message.providerMessageID), lastError: Nullable(message.lastError),
                createdAt: Nullable(message.createdAt.map(instant)), sentAt: Nullable(row.sentAt.map(instant)))
        }
        paymentEvents = file.rows.paymentEvents.map {
            PaymentEventEntry(id: $0.id, type: $0.type, bookingCode: code($0.bookingID), created: instant($0.created), receivedVia: $0.receivedVia,
                              outcome: $0.outcome, appliedAt: instant($0.appliedAt))
        }
        idempotencyKeys = file.rows.idempotencyKeys.map {
            IdempotencyKeyEntry(key: $0.key, requestDigest: $0.requestDigest, bookingCode: code($0.bookingID), statusCode: Nullable($0.statusCode),
                                responseBody: Nullable($0.responseBody), createdAt: instant($0.createdAt))
        }
        calendarBlocks = file.rows.calendarBlocks.map {
            CalendarBlockEntry(id: $0.id.lowercasedText, provider: $0.provider, source: $0.source, bookingCode: code($0.bookingID),
                               eventId: Nullable($0.eventID), summary: Nullable($0.summary), start: instant($0.start), end: instant($0.end))
        }
    }
}
