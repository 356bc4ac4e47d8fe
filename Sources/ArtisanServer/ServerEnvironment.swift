import ArtisanCore
import ArtisanStore
import Logging

/// What every route works with: the pool, the application's context (clock, zones, artisan,
/// payment and notification gateways, built once by the composition root), the settings, and the
/// logger of the command line (its handler redacts, and writes text or JSON lines).
public struct ServerEnvironment: Sendable {
    /// The context's parts are immutable and thread-safe (each HTTP call has its own libcurl
    /// handle; zones are read from files): only its store changes, per unit of work.
    struct Template: @unchecked Sendable {
        let context: ServiceContext
    }

    let pool: DatabasePool
    let template: Template
    let settings: ServerSettings
    let logger: Logger

    public init(pool: DatabasePool, context: ServiceContext, settings: ServerSettings, logger: Logger) {
        self.pool = pool
        self.template = Template(context: context)
        self.settings = settings
        self.logger = logger
    }

    var clock: Clock { template.context.clock }

    /// Runs a use case on a pooled connection, off the event loop.
    func run<T: Sendable>(_ body: @escaping @Sendable (ServiceContext, PostgresConnection) throws -> T) async throws -> T {
        let template = self.template
        return try await pool.run { connection in
            try body(template.context.on(PostgresStore(connection: connection, clock: template.context.clock)), connection)
        }
    }
}
