#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The outbox's use cases: queue a change's messages in its transaction, deliver them after it,
/// `notify send` (claim, send, record: never twice, at most three tries), the day-before
/// reminders, and the artisan's view of it all.
public struct NotificationService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// How long a claimed message is another sender's: far longer than one send takes (three
    /// tries of at most 300 s each and the waits between them), as messages are claimed one by one.
    static let claimMinutes = 30

    /// Queues the messages of `change` in the unit of work at hand (nothing is sent in it).
    static func enqueue(_ booking: Booking, _ change: NotificationPlanner.Change, artisan: Artisan, zone: ZoneRules, now: Timestamp,
                        settings: NotificationSettings, into repositories: any Repositories) throws {
        let planner = NotificationPlanner(artisan: artisan, zone: zone, now: now, manageURLBase: settings.manageURLBase)
        // A booking created in this transaction has no messages yet: no need to count them.
        let sequence = if case .created = change { 0 } else { try repositories.notifications.count(booking: booking.id) }
        for notification in planner.notifications(for: booking, change, sequence: sequence) {
            _ = try repositories.notifications.enqueue(notification)
        }
    }

    // MARK: - Sending

    /// What one `notify send` did.
    public struct SendReport: Sendable, Equatable {
        public var sent = 0
        /// Failed this time, to be tried again later.
        public var retrying = 0
        /// Failed for good (a permanent refusal, or the third try).
        public var failed = 0
        /// Not sent because the booking changed (a reminder of a cancelled or moved booking).
        public var cancelled = 0
        /// Left by a sender that died while sending: failed, not resent (it may have gone out).
        public var interrupted = 0
        public var messages: [String] = []

        public init() {}
    }

    /// Right after a booking change: its due messages, one short try each; what fails waits for
    /// `notify send`. Never throws: the change stands whatever happens here.
    public func deliverNow(booking: UUID) -> [String] {
        guard let gateway = context.notifications.gateway(.immediate) else { return [] }
        do {
            let report = try send(gateway: gateway, booking: booking)
            return report.messages.map { "\($0); 'artisanctl notify send' tries again" }
        } catch {
            return ["the messages of this booking were not sent (\(ArtisanError.describe(error))); 'artisanctl notify send' sends them"]
        }
    }

    /// `notify send`: every due message, batch by batch.
    public func sendDue() throws -> SendReport {
        guard let gateway = context.notifications.gateway(.patient), gateway.email != nil || gateway.sms != nil else {
            let reasons = context.notifications.gateway(.patient)?.missing.sorted { $0.key.rawValue < $1.key.rawValue }.map(\.value) ?? []
            throw ArtisanError.configuration("no e-mail or SMS channel is configured: messages stay in the outbox"
                                             + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"),
                                             hint: "set EMAIL_TRANSPORT (sendgrid or smtp) and its settings, or the TWILIO_* settings")
        }
        return try send(gateway: gateway, booking: nil)
    }

    private func send(gateway: NotificationGateway, booking: UUID?) throws -> SendReport {
        var report = SendReport()
        if booking == nil {
            let now = context.clock.now()
            report.interrupted = try context.store.transaction { try $0.notifications.failInterrupted(at: now) }
        }
        let channels = Set(OutgoingMessage.Channel.allCases.filter { gateway.channel($0) != nil })
        // One message per claim, each at the clock's instant of its claim: a claim never runs out
        // while its message is being sent, however many come before it.
        while !channels.isEmpty {
            let now = context.clock.now()
            let claimed = try context.store.transaction { repositories in
                try repositories.notifications.claimDue(at: now, booking: booking, channels: channels, limit: 1,
                                                        claimUntil: now.adding(minutes: Self.claimMinutes))
            }
            guard let notification = claimed.first else { break }
            try deliver(notification, gateway: gateway, now: now, report: &report)
        }
        return report
    }

    private func deliver(_ notification: OutboxMessage, gateway: NotificationGateway, now: Timestamp, report: inout SendReport) throws {
        // One read of the booking: whether the message still stands, and the pay link it carries.
        let booking = try notification.bookingID.flatMap { id in
            try context.store.read { try $0.bookings(of: notification.artisanID).find(id: id, forUpdate: false) }
        }
        if let reason = staleness(of: notification, booking: booking, now: now) {
            try context.store.transaction { try $0.notifications.cancel(notification.id, reason: reason, at: now) }
            report.cancelled += 1
            return
        }
        let providerID: String?
        do {
            guard let channel = gateway.channel(notification.channel) else { throw ArtisanError.configuration("no \(notification.channel) channel") }
            providerID = try channel.send(try compose(notification, booking: booking, gateway: gateway, now: now))
        } catch {
            let failure = error as? ArtisanError ?? ArtisanError(.temporary, code: "NOTIFICATION_FAILED", ArtisanError.describe(error))
            let permanent = failure.kind == .invalid || notification.attempts >= OutboxMessage.maximumAttempts
            let retryAt = permanent ? nil : now.adding(minutes: OutboxMessage.backoff(after: notification.attempts))
            try context.store.transaction {
                try $0.notifications.recordFailure(notification.id, error: failure.message, retryAt: retryAt, at: now)
            }
            if permanent { report.failed += 1 } else { report.retrying += 1 }
            // The provider's words can quote the recipient: the report names the message, not them.
            report.messages.append("\(notification.kind.rawValue) by \(notification.channel.rawValue) for \(notification.variables["code"] ?? "?") "
                                   + "\(permanent ? "failed" : "not sent yet") (\(failure.code))")
            return
        }
        try context.store.transaction { try $0.notifications.recordSent(notification.id, providerMessageID: providerID, at: now) }
        report.sent += 1
    }

    /// Why a customer's message should no longer go: its booking cancelled since (only the
    /// cancellation still goes), or, for a reminder, moved since it was queued or already begun.
    private func staleness(of notification: OutboxMessage, booking: Booking?, now: Timestamp) -> String? {
        guard notification.recipient != nil else { return "the customer's data was erased" }
        guard !notification.kind.isForArtisan, notification.kind != .cancellation, notification.bookingID != nil else { return nil }
        guard let booking, booking.status.isActive else { return "the booking was cancelled" }
        guard notification.kind == .reminder else { return nil }
        if booking.start.iso8601() != notification.variables["start"] { return "the booking was moved" }
        return booking.start <= now ? "the booking has begun" : nil
    }

    /// The message as it leaves: rendered (or a SendGrid template's data), with the invitation for
    /// a customer's e-mail.
    func compose(_ notification: OutboxMessage, booking: Booking?, gateway: NotificationGateway, now: Timestamp) throws -> OutgoingMessage {
        var notification = notification
        // The pay link is requested from Stripe after the booking commits: read it when the message leaves.
        if [.confirmation, .reminder, .payLink].contains(notification.kind), let booking, booking.depositStatus.isUnpaid,
           let link = booking.payment.checkoutURL {
            notification.variables["payLink"] = link
        }
        guard let recipient = notification.recipient else {
            throw ArtisanError(.invalid, code: "NOTIFICATION_REFUSED", "the message has no recipient: the customer's data was erased")
        }
        let rendered = try gateway.renderer.render(notification.kind, channel: notification.channel, variables: notification.variables)
        let template = notification.channel == .email ? gateway.templateIDs[notification.kind] : nil
        return OutgoingMessage(channel: notification.channel, idempotencyKey: notification.id.lowercasedText, to: recipient,
                               toName: notification.recipientName, subject: rendered.subject, text: rendered.text, html: rendered.html,
                               calendar: try invitation(notification, now: now), templateID: template,
                               templateData: template == nil ? [:] : notification.variables)
    }

    private func invitation(_ notification: OutboxMessage, now: Timestamp) throws -> CalendarAttachment? {
        guard notification.channel == .email, [.confirmation, .cancellation, .reschedule, .reminder].contains(notification.kind),
              let bookingID = notification.bookingID,
              let start = notification.variables["start"].flatMap(Timestamp.init(iso8601:)),
              let end = notification.variables["end"].flatMap(Timestamp.init(iso8601:)),
              let zoneName = notification.variables["timezone"] else { return nil }
        let zone = try context.zones.rules(for: zoneName)
        let cancelled = notification.kind == .cancellation
        let content = ICalendar.invitation(
            uid: "booking-\(bookingID.lowercasedText)@artisanconnect",
            summary: "\(notification.variables["serviceName"] ?? "") — \(notification.variables["artisanName"] ?? "")",
            description: "Réservation \(notification.variables["code"] ?? "")", start: start, end: end, zone: zone,
            organizer: (notification.variables["artisanName"] ?? "", notification.variables["artisanEmail"] ?? ""),
            attendee: (notification.recipientName ?? "", notification.recipient ?? ""), stamp: now,
            sequence: Int(notification.variables["sequence"] ?? "") ?? 0, cancelled: cancelled)
        return CalendarAttachment(method: cancelled ? "CANCEL" : "REQUEST", content: content)
    }
}
