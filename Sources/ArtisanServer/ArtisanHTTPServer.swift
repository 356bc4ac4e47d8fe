import ArtisanCore
import Dispatch
import Glibc
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `artisanctl serve`: the API and the booking page until SIGTERM or SIGINT, then a graceful
/// stop: no new connection, in-flight requests finished (for at most the grace period), the
/// pool closed.
public enum ArtisanHTTPServer {
    /// Serves until stopped, blocking the calling thread: the Swift jobs run on the event loops
    /// (`EventLoopExecutor`), and closing the pool, which waits for its workers, must block none
    /// of them. `ready` gets the address actually bound (port 0 picks a free one).
    public static func serve(_ environment: ServerEnvironment, ready: @escaping @Sendable (String) -> Void) throws {
        EventLoopExecutor.install()
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await run(environment, ready: ready)
            } catch {
                outcome.result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        // On every way out: the workers, connecting since the pool was made, must be done before the process exits.
        if !environment.pool.close(waiting: .seconds(2)) {
            environment.logger.warning("shutdown: a database query was still running after the grace period; its connection is abandoned")
        }
        try outcome.result.withLock { $0 }.get()
    }

    private final class Outcome: Sendable {
        let result = Mutex<Result<Void, any Error>>(.success(()))
    }

    private static func run(_ environment: ServerEnvironment, ready: @escaping @Sendable (String) -> Void) async throws {
        // Hummingbird's and the service group's own lines (a client's reset connection, "Shutting
        // down") stay out; what they would report as critical still goes through our handler.
        var logger = environment.logger
        logger.logLevel = .critical
        let settings = environment.settings
        let application = Application(
            router: APIRoutes.router(environment),
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
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            throw listenFailure(error, settings)
        }
    }

    /// Why the server could not listen, as the command line reports it: the flag to change named,
    /// with its exit status (an unknown host is a bad --host, a port taken is unavailable).
    static func listenFailure(_ error: any Error, _ settings: ServerSettings) -> any Error {
        switch error {
        case let error as SocketAddressError.UnknownHost:
            return ArtisanError.invalid(field: "--host", "must be an address or a host name this machine can resolve (got '\(error.host)')")
        case let error as IOError where error.errnoCode == EADDRNOTAVAIL:
            return ArtisanError.invalid(field: "--host", "is not an address of this machine (got '\(settings.host)')")
        case let error as IOError where error.errnoCode == EADDRINUSE:
            return ArtisanError(.unavailable, code: "ADDRESS_IN_USE", "--port: \(settings.host):\(settings.port) is already in use")
        case let error as IOError where error.errnoCode == EACCES:
            return ArtisanError(.permission, code: "PORT_PRIVILEGED", "--port: listening on port \(settings.port) is not permitted")
        default:
            return error
        }
    }
}
