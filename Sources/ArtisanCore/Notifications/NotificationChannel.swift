/// A way to deliver a message: SendGrid or an SMTP server for e-mail, Twilio for SMS. `send`
/// returns the provider's message id (nil when it gives none). Failures are `ArtisanError`s whose
/// kind decides what the outbox does: `.invalid` is permanent (refused address, unsubscribed
/// number, 4xx other than 401/403/429: never retried); `.temporary` and `.unavailable` (429, 5xx,
/// timeouts, SMTP 4xx) and `.permission` (credentials refused) are retried with backoff.
public protocol NotificationChannel: Sendable {
    func send(_ message: OutgoingMessage) throws -> String?
}

/// One rendered message, ready for a channel.
public struct OutgoingMessage: Sendable, Equatable {
    public enum Channel: String, Sendable, CaseIterable { case email, sms }

    public let channel: Channel
    /// Unique per notification: passed to the provider where it takes one (SendGrid custom_args,
    /// the SMTP Message-ID), so a lost answer can be reconciled.
    public let idempotencyKey: String
    /// An e-mail address, or an E.164 phone number for SMS.
    public let to: String
    public let toName: String?
    /// E-mail only.
    public let subject: String?
    public let text: String
    /// E-mail only.
    public let html: String?
    /// E-mail only: an iCalendar document (METHOD:REQUEST or CANCEL) attached as `invite.ics`.
    public let calendar: CalendarAttachment?
    /// SendGrid only: a dynamic template that receives `templateData` instead of our text and HTML.
    public let templateID: String?
    public let templateData: [String: String]

    public init(channel: Channel, idempotencyKey: String, to: String, toName: String? = nil, subject: String? = nil, text: String,
                html: String? = nil, calendar: CalendarAttachment? = nil, templateID: String? = nil, templateData: [String: String] = [:]) {
        self.channel = channel
        self.idempotencyKey = idempotencyKey
        self.to = to
        self.toName = toName
        self.subject = subject
        self.text = text
        self.html = html
        self.calendar = calendar
        self.templateID = templateID
        self.templateData = templateData
    }
}

/// An iCalendar document to attach, and its METHOD (REQUEST or CANCEL), which the MIME part names too.
public struct CalendarAttachment: Sendable, Equatable {
    public let method: String
    public let content: String

    public init(method: String, content: String) {
        self.method = method
        self.content = content
    }
}
