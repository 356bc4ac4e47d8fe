import Hummingbird
import Logging
import ServiceLifecycle

/// `artisanctl serve`: the API and the booking page until SIGTERM or SIGINT, then a graceful
/// stop: no new connection, in-flight requests finished (for at most the grace period), the
/// pool closed.
public enum ArtisanHTTPServer {
    /// Runs until stopped; `ready` gets the address actually bound (port 0 picks a free one).
    public static func run(_ environment: ServerEnvironment, log: ServerLog, ready: @escaping @Sendable (String) -> Void) async throws {
        var logger = Logger(label: "artisanctl.serve")
        logger.logLevel = .critical
        let settings = environment.settings
        let application = Application(
            router: APIRoutes.router(environment, log: log),
            configuration: .init(address: .hostname(settings.host, port: settings.port)),
            onServerRunning: { channel in
                ready("http://\(settings.host):\(channel.localAddress?.port ?? settings.port)")
            },
            logger: logger
        )
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        // Past the grace the server is cancelled: requests still waiting on the database are cut.
        configuration.maximumGracefulShutdownDuration = settings.shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
        if !environment.pool.close(waiting: .seconds(2)) {
            log.write("warn", "shutdown: a database query was still running after the grace period; its connection is abandoned")
        }
    }
}
