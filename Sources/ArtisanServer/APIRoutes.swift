import Hummingbird

/// The router: middleware first (outermost first), then every route.
enum APIRoutes {
    /// The largest body accepted (a Stripe event is far below it).
    static let bodyLimit = 1 << 20

    static func router(_ environment: ServerEnvironment, log: ServerLog) -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: RequestLogMiddleware(log: log))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: AllowListCORSMiddleware(origins: environment.settings.corsOrigins))
        router.add(middleware: ErrorMiddleware(log: log))
        router.add(middleware: RateLimitMiddleware(settings: environment.settings))
        HealthRoutes(environment: environment).register(on: router)
        StaticRoutes.register(on: router)
        CatalogueRoutes(environment: environment).register(on: router)
        BookingRoutes(environment: environment).register(on: router)
        WebhookRoutes(environment: environment).register(on: router)
        FeedRoutes(environment: environment).register(on: router)
        return router
    }
}
