import ArtisanCore
import ArtisanIntegrations
import Logging

/// Logs every request to a provider at debug level: method, host, path, then the status or the
/// failure, and the duration. Never the query string, a header or a body, where tokens and
/// personal data travel; what the path itself carries (an account id) the redactor masks.
struct LoggedTransport: HTTPTransport {
    let inner: any HTTPTransport
    let logger: Logger

    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let started = ContinuousClock.now
        let target = Self.target(of: request.url)
        var fields: Logger.Metadata = ["method": .string(request.method), "host": .string(target.host), "path": .string(target.path)]
        do {
            let response = try inner.send(request)
            fields["status"] = .stringConvertible(response.status)
            fields["durationMs"] = .stringConvertible(Self.milliseconds(since: started))
            logger.debug("provider request", metadata: fields)
            return response
        } catch {
            fields["durationMs"] = .stringConvertible(Self.milliseconds(since: started))
            logger.debug("provider request failed", error: error, metadata: fields)
            throw error
        }
    }

    /// `https://user:pw@api.example.com:443/v1/x?token=…` → (`api.example.com:443`, `/v1/x`).
    static func target(of url: String) -> (host: String, path: String) {
        let rest = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let path = rest[authorityEnd...].prefix { $0 != "?" && $0 != "#" }
        return (String(host), path.isEmpty ? "/" : String(path))
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        (ContinuousClock.now - start).wholeMilliseconds
    }
}
