/// How `serve` runs: where it listens, its pool, and its middleware's limits.
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var poolSize = 10
    /// How long a request waits for a database connection before it gets 503.
    public var acquireTimeout: Duration = .seconds(2)
    /// How long in-flight requests get to finish after SIGTERM or SIGINT.
    public var shutdownGrace: Duration = .seconds(10)
    /// Origins a browser may call the API from (`CORS_ORIGINS`); the page itself is same-origin.
    public var corsOrigins: Set<String> = []
    /// How many proxies in front of the server append to `X-Forwarded-For` (`TRUST_PROXY`); 0:
    /// the header is ignored and the peer's address is the client's.
    public var trustedProxies = 0
    public var publicLimit: RateLimit? = RateLimit(requests: 100, seconds: 900)
    public var webhookLimit: RateLimit? = RateLimit(requests: 30, seconds: 900)
    public var stripeWebhookSecret: String?

    public init() {}
}

/// At most `requests` per client in each window of `seconds` (nil: no limit).
public struct RateLimit: Sendable, Equatable {
    public let requests: Int
    public let seconds: Int

    public init(requests: Int, seconds: Int) {
        self.requests = requests
        self.seconds = seconds
    }
}
