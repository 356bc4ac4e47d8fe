import ArtisanCore
import ArtisanServer
import ArtisanStore

/// `serve`: the spec's REST API and the booking page over HTTP; `openapi`: the API's contract.
enum ServeCommands {
    static let serve = Command(
        "serve", abstract: "Serve the REST API (/api/v1) and the booking page over HTTP until SIGTERM or SIGINT",
        discussion: """
            The web front's API (spec section 4) on the same use cases as the commands: services, availability, \
            bookings (create with an Idempotency-Key, find, cancel and reschedule by code and e-mail), Stripe's \
            webhook, the calendar feed (/api/v1/calendar.ics?token=, see 'calendars feed --rotate-token'), \
            /api/v1/openapi.json, /healthz and /readyz, and a booking page at /. Errors are {"error":{"code","message"}}; \
            every answer carries X-Request-Id, and each request is logged as one line on stderr: id, method, route, status, \
            duration, never a body, a query or personal data (JSON by default for serve, --log-format text for text lines).
            Queries run on --db-pool connections off the event loops, their prepared statements on generic plans \
            (plan_cache_mode=force_generic_plan), the rest of a request on the event loops; a request that gets no \
            connection within 2 seconds is answered 503 with Retry-After. Several serve processes may share one \
            database: bookings, Idempotency-Keys and webhook events are settled in PostgreSQL; only the rate limit \
            counts per process. SIGTERM or SIGINT stops accepting, lets in-flight requests finish (at most 10 \
            seconds), closes the pool and exits 0.
            Settings: CORS_ORIGINS, TRUST_PROXY, RATE_LIMIT, WEBHOOK_RATE_LIMIT, STRIPE_WEBHOOK_SECRET (see ENVIRONMENT).
            """,
        flags: [
            Flag("host", value: "ADDRESS", help: "Address to listen on (default 127.0.0.1)"),
            Flag("port", value: "PORT", help: "Port to listen on, 0 for any free one (default 8080)"),
            Flag("db-pool", value: "N", help: "Database connections, 1 to 100 (default 10)"),
        ],
        examples: ["serve", "serve --host 0.0.0.0 --port 8080 --db-pool 20"],
        run: { invocation, context in
            let settings = try ServerConfiguration.settings(invocation, environment: context.environment)
            let target = try context.databaseTarget()
            // Fails fast (exit 69, 64) when the database is down or the artisan is ambiguous.
            let services = try context.withServices { services in
                _ = try services.store.read { try ArtisanSelection.resolve(context.options.artisan, in: $0.artisans) }
                return services.context
            }
            let pool = DatabasePool(conninfo: target.conninfo, size: settings.poolSize, acquireTimeout: settings.acquireTimeout)
            let cachedZones = services.with(zones: CachingZoneRules(ZoneRulesLoader(timeZones: context.timeZones)))
            let environment = ServerEnvironment(pool: pool, context: cachedZones, settings: settings, logger: context.logger)
            let log = context.log
            try ArtisanHTTPServer.serve(environment) { address in
                // Whatever the level: scripts wait for this line to learn the port.
                switch log.format {
                case .text: log.sink.line("listening on \(address)"); log.sink.flush()
                case .json: log.write(.info, "listening on \(address)", fields: ["address": .string(address)])
                }
            }
        }
    )

    static let openapi = Command(
        "openapi", abstract: "Print the API's OpenAPI 3.1 document (as served at /api/v1/openapi.json)",
        examples: ["openapi > openapi.json"],
        run: { _, context in context.stdout.write(APIContract.document) }
    )
}
