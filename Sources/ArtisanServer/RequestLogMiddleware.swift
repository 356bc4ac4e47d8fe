import ArtisanCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Outermost: gives the request its id (a sane incoming `X-Request-Id`, else a new UUID), sets
/// it on the answer, and logs one line per request: id, method, route, status, duration.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    static let header = HTTPField.Name("X-Request-Id")!
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.id(from: request.headers[Self.header])
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = APIError.from(error).response
        }
        response.headers[Self.header] = context.requestID
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.wholeMilliseconds
        logger.log(level: response.status.code >= 500 ? .error : .info, "request", metadata: [
            "requestId": .string(context.requestID), "method": .string(request.method.rawValue),
            "route": .string(Self.route(context.endpointPath)), "status": .stringConvertible(response.status.code),
            "durationMs": .stringConvertible(milliseconds),
        ])
        return response
    }

    /// The matched route's template; Hummingbird names a request no route matched "NotFound" (and one
    /// a middleware answered, such as a preflight, not at all): both are logged as "unmatched".
    static func route(_ endpointPath: String?) -> String {
        endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
    }

    static func id(from incoming: String?) -> String {
        if let incoming, (1...64).contains(incoming.utf8.count),
           incoming.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
               || (0x61...0x7A).contains($0) }) {
            return incoming
        }
        return UUID.random().lowercasedText
    }
}

/// Turns whatever a route threw into its JSON answer; a server error's detail goes to the log
/// with the request id, never to the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = APIError.from(error)
            if let detail = answer.detail {
                logger.log(level: answer.status.code >= 500 && answer.status != .serviceUnavailable ? .error : .warning, "\(detail)",
                           metadata: ["requestId": .string(context.requestID), "code": .string(answer.code)])
            }
            return answer.response
        }
    }
}
