import ArtisanCore
#if canImport(Glibc)
import Glibc
#endif

/// Retries what a provider asks to be retried: 429 and 5xx answers and timeouts, up to `attempts`
/// tries in all, waiting `Retry-After` when given (capped), else an exponential backoff.
public struct RetryingTransport: HTTPTransport {
    let base: any HTTPTransport
    let attempts: Int
    let initialDelay: Double
    let maximumDelay: Double
    let sleep: @Sendable (Double) -> Void

    public init(_ base: any HTTPTransport, attempts: Int = 3, initialDelay: Double = 0.5, maximumDelay: Double = 30,
                sleep: @escaping @Sendable (Double) -> Void = { seconds in usleep(useconds_t(seconds * 1_000_000)) }) {
        self.base = base
        self.attempts = attempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.sleep = sleep
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        var delay = initialDelay
        for attempt in 1...attempts {
            let isLast = attempt == attempts
            do {
                let response = try base.send(request)
                guard response.status == 429 || (500...599).contains(response.status), !isLast else { return response }
                sleep(min(Self.delaySeconds(response.headers["retry-after"]) ?? delay, maximumDelay))
            } catch let error as HTTPError where error.kind == .timeout && !isLast {
                sleep(delay)
            }
            delay *= 2
        }
        fatalError("unreachable: the last attempt always returns or throws")
    }

    /// `Retry-After` in delay-seconds, the only form with no clock needed (RFC 9110: digits
    /// only). Nil for anything else (an HTTP-date, `-1`, `1.5`, `nan`, `1e999`): the backoff
    /// applies. Digits too many for an `Int` read as infinity, which the caller caps.
    static func delaySeconds(_ header: String?) -> Double? {
        guard let text = header.map({ Substring($0).trimmingWhitespace }), !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return ASCIIDigits.value(text.utf8).map(Double.init) ?? .infinity
    }
}
