import Hummingbird

/// A body announced larger than the limit is refused before a byte of it is read.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength], Int(length).map({ $0 > APIRoutes.bodyLimit }) ?? true { throw APIError.tooLarge }
        return try await next(request, context)
    }
}
