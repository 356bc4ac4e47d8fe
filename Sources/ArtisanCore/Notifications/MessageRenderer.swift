/// Turns a kind of message and its variables into text: our French templates, or the artisan's
/// own from NOTIFY_TEMPLATES_DIR.
public protocol MessageRenderer: Sendable {
    func render(_ kind: NotificationKind, channel: OutgoingMessage.Channel, variables: [String: String]) throws -> RenderedMessage
}

public struct RenderedMessage: Sendable, Equatable {
    public let subject: String?
    public let text: String
    public let html: String?

    public init(subject: String?, text: String, html: String?) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// How messages leave: the channels configured (nil: none, the messages wait in the outbox), the
/// renderer, and SendGrid dynamic template ids by kind.
public struct NotificationGateway: Sendable {
    public let email: (any NotificationChannel)?
    public let sms: (any NotificationChannel)?
    public let renderer: any MessageRenderer
    public let templateIDs: [NotificationKind: String]
    /// Why e-mail or SMS cannot be sent, when a channel is missing (`notifications list` says it).
    public let missing: [OutgoingMessage.Channel: String]

    public init(email: (any NotificationChannel)?, sms: (any NotificationChannel)?, renderer: any MessageRenderer,
                templateIDs: [NotificationKind: String] = [:], missing: [OutgoingMessage.Channel: String] = [:]) {
        self.email = email
        self.sms = sms
        self.renderer = renderer
        self.templateIDs = templateIDs
        self.missing = missing
    }

    func channel(_ channel: OutgoingMessage.Channel) -> (any NotificationChannel)? {
        channel == .email ? email : sms
    }
}
