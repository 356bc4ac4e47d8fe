import HTTPTypes
import Hummingbird
import Synchronization

/// Fixed windows per client and bucket, in this process's memory: several instances each count
/// on their own (documented). Windows that ended are dropped once the table grows, so a flood of
/// addresses cannot grow it without bound.
final class RateLimiter: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant
        var count: Int
    }

    private let windows = Mutex([String: Window]())
    private static let pruneAbove = 10_000

    /// nil when the request may go, else the seconds until the client's window ends.
    func check(_ client: String, bucket: String, limit: RateLimit) -> Int? {
        let now = ContinuousClock.now
        let length = Duration.seconds(limit.seconds)
        return windows.withLock { windows in
            let key = bucket + "|" + client
            var window = windows[key].flatMap { now - $0.start < length ? $0 : nil } ?? Window(start: now, count: 0)
            window.count += 1
            if windows.count > Self.pruneAbove { windows = windows.filter { now - $0.value.start < length } }
            windows[key] = window
            guard window.count > limit.requests else { return nil }
            let left = length - (now - window.start)
            return max(1, Int(left.components.seconds) + (left.components.attoseconds > 0 ? 1 : 0))
        }
    }
}

/// 429 with Retry-After once a client has used its window: the public API's limit on
/// `/api/v1/*`, a stricter one on the webhook; the page, the health checks and the OpenAPI
/// document are not counted.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let limiter = RateLimiter()
    let settings: ServerSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let (bucket, limit) = path.hasPrefix("/api/v1/webhooks/") ? ("webhook", settings.webhookLimit)
            : path.hasPrefix("/api/v1/") && path != "/api/v1/openapi.json" ? ("public", settings.publicLimit) : ("none", nil)
        if let limit, let wait = limiter.check(client(of: request, context), bucket: bucket, limit: limit) {
            throw APIError(status: .tooManyRequests, code: "RATE_LIMITED",
                           message: "too many requests: at most \(limit.requests) every \(limit.seconds) seconds", retryAfterSeconds: wait)
        }
        return try await next(request, context)
    }

    /// The peer, or with `trustedProxies` n, the address the n-th proxy from us saw.
    func client(of request: Request, _ context: Context) -> String {
        let peer = context.peerAddress ?? "unknown"
        guard settings.trustedProxies > 0, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !hops.isEmpty else { return peer }
        return String(hops[max(0, hops.count - settings.trustedProxies)].prefix(64))
    }
}
