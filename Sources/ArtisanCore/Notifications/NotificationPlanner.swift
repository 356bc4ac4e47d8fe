#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which messages a booking change sends, to whom, with what variables. The spec's opt-ins
/// decide: e-mail when the customer kept `notifications_email`; SMS only on the Pro and Business
/// plans, for a customer who opted in and gave a phone; the artisan gets an e-mail alert for each
/// new, cancelled or moved booking.
public struct NotificationPlanner: Sendable {
    public let artisan: Artisan
    public let zone: ZoneRules
    public let now: Timestamp
    /// The page where a customer manages a booking: `MANAGE_URL_BASE?code=AC-…`.
    public let manageURLBase: String?

    public init(artisan: Artisan, zone: ZoneRules, now: Timestamp, manageURLBase: String?) {
        self.artisan = artisan
        self.zone = zone
        self.now = now
        self.manageURLBase = manageURLBase
    }

    /// What happened to a booking, for its messages.
    public enum Change: Sendable {
        case created
        case cancelled(refund: Bool)
        case rescheduled(from: Timestamp)
        case reminder
        /// A pay link made after the confirmation went (Stripe was unreachable at booking time).
        case payLink
    }

    /// `sequence` orders the booking's invitations (iCalendar SEQUENCE): higher for each change.
    public func notifications(for booking: Booking, _ change: Change, sequence: Int = 0) -> [OutboxMessage] {
        var variables = self.variables(for: booking)
        variables["sequence"] = String(sequence)
        let (customerKind, artisanKind, discriminator): (NotificationKind, NotificationKind?, String)
        switch change {
        case .created:
            (customerKind, artisanKind, discriminator) = (.confirmation, .artisanNewBooking, "")
        case .cancelled(let refund):
            (customerKind, artisanKind, discriminator) = (.cancellation, .artisanCancellation, "")
            if refund { variables["refund"] = FrenchFormat.money(booking.deposit) }
        case .rescheduled(let previous):
            // A booking may go back and forth: each move is its own message.
            (customerKind, artisanKind, discriminator) = (.reschedule, .artisanReschedule, ":\(previous.iso8601())>\(booking.start.iso8601())@\(now.iso8601())")
            variables["previousDateTime"] = FrenchFormat.dateTime(previous, zone: zone)
        case .reminder:
            (customerKind, artisanKind, discriminator) = (.reminder, nil, ":" + booking.start.iso8601())
        case .payLink:
            (customerKind, artisanKind, discriminator) = (.payLink, nil, "")
        }
        var messages: [OutboxMessage] = []
        func add(_ kind: NotificationKind, _ channel: OutgoingMessage.Channel, to recipient: String, name: String?) {
            messages.append(OutboxMessage(artisanID: artisan.id, bookingID: booking.id, kind: kind, channel: channel, recipient: recipient,
                                         recipientName: name, variables: variables, nextAttemptAt: now,
                                         idempotencyKey: "\(kind.rawValue):\(channel.rawValue):\(booking.id.lowercasedText)\(discriminator)"))
        }
        if booking.notifyByEmail, let email = booking.customer.email { add(customerKind, .email, to: email, name: booking.customer.name) }
        if booking.notifyBySMS, artisan.plan != .starter, let phone = booking.customer.phone.flatMap(Self.e164) {
            add(customerKind, .sms, to: phone, name: nil)
        }
        if let artisanKind { add(artisanKind, .email, to: artisan.email, name: artisan.displayName) }
        return messages
    }

    /// A phone as Twilio wants it: `+33612345678`. A French national number (`0612345678`) gets
    /// France's +33, `00…` becomes `+…`; anything else is nil (no SMS rather than a refused one).
    static func e164(_ phone: String) -> String? {
        let digits = phone.filter(\.isNumber)
        let international: String
        if phone.hasPrefix("+") { international = digits } else if digits.hasPrefix("00") { international = String(digits.dropFirst(2)) }
        else if digits.hasPrefix("0"), digits.count == 10 { international = "33" + digits.dropFirst() } else { return nil }
        guard (8...15).contains(international.count), international.first != "0" else { return nil }
        return "+" + international
    }

    /// What every template of a booking may use.
    func variables(for booking: Booking) -> [String: String] {
        let local = zone.localDate(at: booking.start)
        var variables = [
            "code": booking.publicCode,
            "customerName": booking.customer.name,
            "customerEmail": booking.customer.email ?? "",
            "customerPhone": booking.customer.phone ?? "",
            "serviceName": booking.serviceName,
            "date": FrenchFormat.date(local),
            "time": FrenchFormat.time(minuteOfDay: zone.localMinuteOfDay(at: booking.start)),
            "dateTime": FrenchFormat.dateTime(booking.start, zone: zone),
            "durationMinutes": String(booking.durationMinutes),
            "price": FrenchFormat.money(booking.price),
            "deposit": FrenchFormat.money(booking.deposit),
            "depositStatus": booking.depositStatus.rawValue,
            "artisanName": artisan.displayName,
            "artisanEmail": artisan.email,
            "artisanPhone": artisan.phone ?? "",
            "start": booking.start.iso8601(),
            "end": booking.end.iso8601(),
            "timezone": zone.name,
        ]
        if booking.depositStatus.isUnpaid, booking.deposit.cents > 0 { variables["depositDue"] = FrenchFormat.money(booking.deposit) }
        if booking.depositStatus.isUnpaid, let link = booking.payment.checkoutURL { variables["payLink"] = link }
        if booking.depositStatus == .captured { variables["depositPaid"] = FrenchFormat.money(booking.deposit) }
        if let base = manageURLBase, !base.isEmpty {
            variables["manageURL"] = base + (base.contains("?") ? "&" : "?") + "code=" + booking.publicCode
        }
        return variables
    }
}
