/// What the booking use cases need to queue and deliver messages: the manage page's address, and
/// the way out (nil: none configured, messages stay in the outbox).
public struct NotificationSettings: Sendable {
    /// How a send goes: `immediate` right after a booking change (one short try: `notify send`
    /// retries), else as `notify send` does (the configured timeout, retries on 429 and 5xx).
    public enum Pace: Sendable { case immediate, patient }

    public let manageURLBase: String?
    public let gateway: @Sendable (Pace) -> NotificationGateway?
    /// Renders messages for `notify preview` when no channel is configured.
    public let previewGateway: NotificationGateway?

    public init(manageURLBase: String? = nil, gateway: @escaping @Sendable (Pace) -> NotificationGateway? = { _ in nil },
                previewGateway: NotificationGateway? = nil) {
        self.manageURLBase = manageURLBase
        self.gateway = gateway
        self.previewGateway = previewGateway
    }
}
