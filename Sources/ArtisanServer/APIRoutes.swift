import HTTPTypes
import Hummingbird

/// Every route in one table, which the router is built from and the OpenAPI document is held
/// against (a test fails when they disagree); then the middleware, outermost first.
public enum APIRoutes {
    /// The largest body accepted (a Stripe event is far below it).
    static let bodyLimit = 1 << 20

    struct Route: Sendable {
        let method: HTTPRequest.Method
        let path: String
        /// In the OpenAPI document (the page and its assets are not API).
        let documented: Bool
        let handle: @Sendable (Request, ServerRequestContext, ServerEnvironment) async throws -> Response
    }

    static let table: [Route] = [
        Route(method: .get, path: "/healthz", documented: true) { _, _, env in HealthRoutes(environment: env).alive() },
        Route(method: .get, path: "/readyz", documented: true) { _, _, env in try await HealthRoutes(environment: env).ready() },
        Route(method: .get, path: "/api/v1/openapi.json", documented: true) { _, _, _ in
            StaticRoutes.file(PackageResources.openapi_json, type: "application/json; charset=utf-8")
        },
        Route(method: .get, path: "/api/v1/services", documented: true) { _, _, env in try await CatalogueRoutes(environment: env).services() },
        Route(method: .get, path: "/api/v1/availability", documented: true) { request, _, env in
            try await CatalogueRoutes(environment: env).availability(request)
        },
        Route(method: .post, path: "/api/v1/bookings", documented: true) { request, context, env in
            try await BookingRoutes(environment: env).create(request, context)
        },
        Route(method: .get, path: "/api/v1/bookings/public", documented: true) { request, _, env in
            try await BookingRoutes(environment: env).find(request)
        },
        Route(method: .post, path: "/api/v1/bookings/{code}/cancel", documented: true) { request, context, env in
            try await BookingRoutes(environment: env).cancel(request, context)
        },
        Route(method: .post, path: "/api/v1/bookings/{code}/reschedule", documented: true) { request, context, env in
            try await BookingRoutes(environment: env).reschedule(request, context)
        },
        Route(method: .get, path: "/api/v1/customers/data", documented: true) { request, _, env in
            try await CustomerRoutes(environment: env).data(request)
        },
        Route(method: .post, path: "/api/v1/webhooks/stripe", documented: true) { request, context, env in
            try await WebhookRoutes(environment: env).stripe(request, context)
        },
        Route(method: .get, path: "/api/v1/calendar.ics", documented: true) { request, _, env in try await FeedRoutes(environment: env).feed(request) },
        // Browsers ask for it by themselves: an empty answer rather than a 404 in their console.
        Route(method: .get, path: "/favicon.ico", documented: false) { _, _, _ in Response(status: .noContent) },
        Route(method: .get, path: "/", documented: false) { _, _, _ in StaticRoutes.file(PackageResources.index_html, type: "text/html; charset=utf-8") },
        Route(method: .get, path: "/assets/app.js", documented: false) { _, _, _ in
            StaticRoutes.file(PackageResources.app_js, type: "text/javascript; charset=utf-8")
        },
        Route(method: .get, path: "/assets/app.css", documented: false) { _, _, _ in
            StaticRoutes.file(PackageResources.app_css, type: "text/css; charset=utf-8")
        },
    ]

    /// `GET /api/v1/services`…: the documented operations, with OpenAPI's `{parameter}` paths.
    public static var documentedOperations: [String] {
        table.filter(\.documented).map { "\($0.method.rawValue) \($0.path)" }
    }

    static func router(_ environment: ServerEnvironment) -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: environment.logger))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: AllowListCORSMiddleware(origins: environment.settings.corsOrigins))
        router.add(middleware: ErrorMiddleware(logger: environment.logger))
        router.add(middleware: RateLimitMiddleware(settings: environment.settings))
        router.add(middleware: BodyLimitMiddleware())
        for route in table {
            // Hummingbird spells a path parameter `:name`.
            let path = route.path.replacing("{code}", with: ":code")
            router.on(RouterPath(path), method: route.method) { request, context in try await route.handle(request, context, environment) }
        }
        return router
    }
}
