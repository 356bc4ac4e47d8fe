#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The outbox as the artisan sees it: list, retry, preview.
extension NotificationService {
    /// The outbox, newest first (of one booking when given).
    public func list(status: OutboxMessage.Status?, bookingCode: String?, limit: Int = 1000) throws -> [OutboxMessage] {
        try context.store.read { repositories in
            var booking: UUID?
            if let bookingCode { booking = try Scope(repositories, context).booking(bookingCode).id }
            return try repositories.notifications.list(status: status, booking: booking, limit: limit)
        }
    }

    /// Why messages wait: the channels that are not configured.
    public func missingChannels() -> [OutgoingMessage.Channel: String] {
        guard let gateway = context.notifications.gateway(.patient) else {
            return [.email: "no e-mail transport configured (EMAIL_TRANSPORT)", .sms: "Twilio is not configured (TWILIO_*)"]
        }
        return gateway.missing
    }

    /// Makes failed messages (or the one given) pending again, due now, with three new tries.
    public func retry(id: UUID?) throws -> Int {
        try context.store.transaction { repositories in
            if let id {
                guard let notification = try repositories.notifications.find(id) else {
                    throw ArtisanError.notFound(code: "NOTIFICATION_NOT_FOUND", "no notification has the id \(id.lowercasedText)")
                }
                guard notification.status == .failed || notification.status == .cancelled else {
                    throw ArtisanError(.invalid, code: "ILLEGAL_STATUS_CHANGE", "notification \(id.lowercasedText) is \(notification.status.rawValue)")
                }
                guard notification.recipient != nil else {
                    throw ArtisanError(.invalid, code: "ILLEGAL_STATUS_CHANGE",
                                       "notification \(id.lowercasedText) cannot be sent again: its customer's data was erased")
                }
            }
            return try repositories.notifications.retry(id, at: context.clock.now())
        }
    }

    /// A message of `kind` for a booking, rendered as it would leave, sent nowhere.
    public func preview(_ kind: NotificationKind, code: String, channel: OutgoingMessage.Channel) throws -> OutgoingMessage {
        guard let gateway = context.notifications.gateway(.patient) ?? context.notifications.previewGateway else {
            throw ArtisanError.configuration("no message renderer")
        }
        let now = context.clock.now()
        let (notification, booking) = try context.store.read { repositories in
            let scope = try Scope(repositories, context)
            let booking = try scope.booking(code)
            let planner = NotificationPlanner(artisan: scope.artisan, zone: scope.zone, now: now, manageURLBase: context.notifications.manageURLBase)
            var variables = planner.variables(for: booking)
            if kind == .reschedule { variables["previousDateTime"] = variables["dateTime"] }
            if kind == .cancellation, booking.payment.refundStatus != nil { variables["refund"] = variables["deposit"] }
            let recipient = kind.isForArtisan ? scope.artisan.email : channel == .sms ? booking.customer.phone ?? "" : booking.customer.email ?? ""
            return (OutboxMessage(artisanID: scope.artisan.id, bookingID: booking.id, kind: kind, channel: channel, recipient: recipient,
                                  recipientName: kind.isForArtisan ? scope.artisan.displayName : booking.customer.name, variables: variables,
                                  nextAttemptAt: now, idempotencyKey: "preview", createdAt: now), booking)
        }
        return try compose(notification, booking: booking, gateway: gateway, now: now)
    }
}
