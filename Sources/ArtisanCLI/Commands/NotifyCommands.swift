import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `notify send | reminders | preview` and `notifications list | retry`: the outbox.
enum NotifyCommands {
    static let notify = Command(
        "notify", abstract: "Send the outbox's messages, queue the day-before reminders, preview a message (for cron)",
        discussion: """
            Every booking change writes its messages (to the customer by e-mail, and by SMS on the Pro and Business \
            plans when they opted in; an e-mail alert to the artisan) in the change's own transaction; the command \
            then tries to deliver them at once, and what fails waits here. E-mail goes through SendGrid or any SMTP \
            server (EMAIL_TRANSPORT), SMS through Twilio.
            Crontab:
              * * * * * artisanctl notify send --quiet
              0 18 * * * artisanctl notify reminders --quiet
              */5 * * * * artisanctl payments sync --quiet
              */15 * * * * artisanctl sync calendars --quiet
            """,
        subcommands: [send, reminders, preview]
    )

    static let send = Command(
        "send", abstract: "Deliver the due messages: at most 3 tries each, with backoff; never one twice",
        discussion: """
            Senders claim due messages with FOR UPDATE SKIP LOCKED, so two running at once never take the same one. \
            A failed try is retried after 1, then 5 minutes; the third failure, or a permanent refusal (unknown address, \
            unsubscribed number), marks the message failed. A message whose sender died while sending is marked failed, \
            never resent by itself (it may have gone out): 'notifications retry ID' resends it. Exit 0 when every due \
            message went out, 75 when some will be retried or failed.
            """,
        examples: ["notify send", "notify send --json"],
        run: { _, context in
            let report = try context.withServices { try $0.notifications.sendDue() }
            struct Record: Encodable { let sent, retrying, failed, cancelled, interrupted: Int; let messages: [String] }
            let record = Record(sent: report.sent, retrying: report.retrying, failed: report.failed, cancelled: report.cancelled,
                                interrupted: report.interrupted, messages: report.messages)
            if context.options.output == .table {
                if !context.options.quiet {
                    context.stdout.line("sent \(record.sent), to retry \(record.retrying), failed \(record.failed), cancelled \(record.cancelled), "
                                        + "interrupted \(record.interrupted)")
                }
                for message in report.messages { context.note("note: \(message)") }
            } else {
                try OutputWriter(context: context).writeJSON(record)
            }
            if report.retrying + report.failed + report.interrupted > 0 {
                throw ArtisanError(.temporary, code: "NOTIFICATIONS_NOT_SENT",
                                   "\(report.retrying + report.failed + report.interrupted) message(s) not sent: see 'artisanctl notifications list'")
            }
        }
    )

    static let reminders = Command(
        "reminders", abstract: "Queue one reminder per channel for each active booking of a day (default: tomorrow)",
        discussion: """
            Tomorrow is taken in each artisan's time zone; without --artisan every artisan of the database is done. \
            A rerun, two overlapping runs or a crash midway never queue a reminder twice (one per booking, channel and \
            start time); a rescheduled booking is reminded of its new time, and a reminder of a booking cancelled or \
            moved after it was queued is not sent. 'notify send' delivers them.
            """,
        flags: [
            Flag("for-date", value: "DATE", help: "The day whose bookings are reminded, YYYY-MM-DD (default: tomorrow)"),
            Flag("dry-run", help: "Count what would be queued; queue nothing"),
        ],
        examples: ["notify reminders", "notify reminders --for-date 2026-12-24 --dry-run"],
        run: { invocation, context in
            let date = try invocation.value("for-date").map { try Validate.date($0, field: "--for-date") }
            let reports = try context.withServices { try $0.notifications.queueReminders(for: date, dryRun: invocation.isSet("dry-run")) }
            struct Record: Encodable { let date: String; let queued: Int; let existing: Int }
            let records = reports.map { Record(date: $0.date?.description ?? "", queued: $0.queued, existing: $0.existing) }
            if context.options.output == .table {
                guard !context.options.quiet else { return }
                let verb = invocation.isSet("dry-run") ? "would queue" : "queued"
                for record in records { context.stdout.line("\(record.date): \(verb) \(record.queued) reminder(s), \(record.existing) already queued") }
            } else {
                try OutputWriter(context: context).list(records, columns: [
                    Column("date", "DATE") { $0.date }, Column("queued", "QUEUED") { "\($0.queued)" }, Column("existing", "EXISTING") { "\($0.existing)" },
                ])
            }
        }
    )

    static let preview = Command(
        "preview", abstract: "Print a message as it would be sent for a booking, sending nothing",
        arguments: [
            Argument("kind", help: NotificationKind.allCases.map(\.rawValue).joined(separator: ", ")),
            Argument("code", help: "The booking's public code, AC-XXXXXX"),
        ],
        flags: [Flag("channel", value: "CHANNEL", choices: ["email", "sms"], help: "email (default) or sms")],
        examples: ["notify preview confirmation AC-7KQ2MX", "notify preview reminder AC-7KQ2MX --channel sms"],
        run: { invocation, context in
            let kindText = invocation.argument("kind")!
            guard let kind = NotificationKind(rawValue: kindText) else {
                throw ArtisanError.invalid(field: "KIND", "must be one of \(NotificationKind.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(kindText)')")
            }
            let channel = OutgoingMessage.Channel(rawValue: invocation.value("channel") ?? "email") ?? .email
            let message = try context.withServices { try $0.notifications.preview(kind, code: invocation.argument("code")!, channel: channel) }
            struct Record: Encodable { let channel, to: String; let subject: String?; let text: String; let html: String?; let calendar: String? }
            let record = Record(channel: channel.rawValue, to: message.to, subject: message.subject, text: message.text, html: message.html,
                                calendar: message.calendar?.content)
            if context.options.output != .table { return try OutputWriter(context: context).writeJSON(record) }
            context.stdout.line("To: \(message.to)")
            if let subject = message.subject { context.stdout.line("Subject: \(subject)") }
            context.stdout.line("")
            context.stdout.line(message.text)
            if let calendar = message.calendar { context.stdout.line("[invite.ics, METHOD:\(calendar.method)]") }
        }
    )

    static let notifications = Command(
        "notifications", abstract: "The outbox: list messages, retry failed ones",
        subcommands: [list, retry]
    )

    static let list = Command(
        "list", abstract: "The outbox, newest first, and why messages wait when a channel is not configured",
        flags: [
            Flag("status", value: "STATUS", choices: OutboxMessage.Status.allCases.map(\.rawValue), help: "pending, sent, failed or cancelled"),
            Flag("booking", value: "CODE", help: "Only this booking's messages"),
        ],
        examples: ["notifications list --status failed", "notifications list --booking AC-7KQ2MX --json"],
        run: { invocation, context in
            let status = invocation.value("status").flatMap(OutboxMessage.Status.init(rawValue:))
            let (rows, missing) = try context.withServices {
                (try $0.notifications.list(status: status, bookingCode: invocation.value("booking")), $0.notifications.missingChannels())
            }
            struct Record: Encodable {
                let id, kind, channel: String; let recipient: String?; let status: String; let booking: String?; let attempts: Int
                let nextAttemptAt: String
                let providerMessageId: String?; let lastError: String?
            }
            let records = rows.map {
                Record(id: $0.id.lowercasedText, kind: $0.kind.rawValue, channel: $0.channel.rawValue, recipient: $0.recipient,
                       status: $0.status.rawValue, booking: $0.variables["code"], attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt.iso8601(),
                       providerMessageId: $0.providerMessageID, lastError: $0.lastError ?? ($0.status == .pending ? missing[$0.channel] : nil))
            }
            try OutputWriter(context: context).list(records, columns: [
                Column("id", "ID") { String($0.id.prefix(8)) }, Column("booking", "BOOKING") { $0.booking ?? "" },
                Column("kind", "KIND") { $0.kind }, Column("channel", "CHANNEL") { $0.channel }, Column("status", "STATUS") { $0.status },
                Column("attempts", "TRIES") { "\($0.attempts)" }, Column("lastError", "WHY") { $0.lastError ?? "" },
            ], empty: "No message.")
        }
    )

    static let retry = Command(
        "retry", abstract: "Make a failed message (or every failed one) pending again, with three new tries",
        arguments: [Argument("id", help: "The message's id, as 'notifications list --json' shows it", optional: true)],
        flags: [Flag("failed", help: "Every failed message")],
        examples: ["notifications retry --failed", "notifications retry 3f0c1a2b-5d6e-4f70-8a9b-0c1d2e3f4a5b"],
        run: { invocation, context in
            let id: UUID?
            switch (invocation.argument("id"), invocation.isSet("failed")) {
            case (let text?, false):
                guard let parsed = UUID(text: text) else { throw ArtisanError.invalid(field: "ID", "must be a notification id (a UUID), got '\(text)'") }
                id = parsed
            case (nil, true): id = nil
            default: throw ArtisanError.usage("notifications retry needs an ID or --failed, not both")
            }
            let count = try context.withServices { try $0.notifications.retry(id: id) }
            context.note("\(count) message(s) pending again: 'artisanctl notify send' delivers them.")
        }
    )
}
