import Hummingbird

/// Cross-origin calls from the fronts listed in `CORS_ORIGINS` only. A preflight from one of
/// them is answered here (204); from any other origin it is refused (403). A simple request
/// from another origin is served without CORS headers, so its browser keeps the answer from it.
struct AllowListCORSMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = request.headers[.origin]
        let allowed = origin.map { origins.contains($0) } ?? false
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed, let origin else {
                // Returned, not thrown: a throw would pass the security headers' middleware by.
                return APIError(status: .forbidden, code: "CORS_ORIGIN_DENIED", message: "this origin may not call the API").response
            }
            var response = Response(status: .noContent)
            allow(origin, on: &response)
            response.headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Content-Type, Idempotency-Key, X-Request-Id"
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response = try await next(request, context)
        if allowed, let origin { allow(origin, on: &response) }
        return response
    }

    private func allow(_ origin: String, on response: inout Response) {
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        response.headers[.accessControlExposeHeaders] = "X-Request-Id, Retry-After, Location, Idempotent-Replayed"
    }
}
