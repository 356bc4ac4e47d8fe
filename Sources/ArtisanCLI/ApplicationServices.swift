import ArtisanCore
import ArtisanStore

/// The command line's composition root: the application services over one connection to the
/// configured database, with this run's clock, zones and artisan. Commands parse, call one of
/// these and print; the rules and transactions are the services'.
struct ApplicationServices {
    let store: PostgresStore
    let context: Context

    var zones: ZoneRulesLoader { ZoneRulesLoader(timeZones: context.timeZones) }

    var bookings: BookingService {
        BookingService(store: store, zones: zones, clock: context.clock, artisanEmail: context.options.artisan)
    }

    var catalogue: CatalogueService { CatalogueService(store: store, artisanEmail: context.options.artisan) }

    func calendarSync(providers: any CalendarProviderSource) -> CalendarSyncService {
        CalendarSyncService(store: store, locks: store, providers: providers, zones: zones, clock: context.clock, artisanEmail: context.options.artisan)
    }
}

extension Context {
    /// Runs `body` with the application services on a new connection, closed afterwards.
    func withServices<T>(_ body: (ApplicationServices) throws -> T) throws -> T {
        let connection = try connect()
        defer { connection.close() }
        return try body(ApplicationServices(store: PostgresStore(connection: connection), context: self))
    }
}
