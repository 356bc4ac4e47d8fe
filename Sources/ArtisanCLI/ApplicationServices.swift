import ArtisanCore
import ArtisanStore

/// The command line's composition root: the application services over one connection to the
/// configured database, with this run's clock, zones and artisan. Commands parse, call one of
/// these and print; the rules and transactions are the services'.
struct ApplicationServices {
    let store: PostgresStore
    let context: ServiceContext

    init(store: PostgresStore, context: Context) {
        self.store = store
        self.context = ServiceContext(store: store, zones: ZoneRulesLoader(timeZones: context.timeZones), clock: context.clock,
                                      artisanEmail: context.options.artisan, payments: PaymentGatewayFactory.gateway(context),
                                      notifications: NotificationGatewayFactory.settings(context))
    }

    var bookings: BookingService { BookingService(context) }
    var catalogue: CatalogueService { CatalogueService(context) }
    var services: ServiceCatalogue { ServiceCatalogue(context) }
    var week: WeekService { WeekService(context) }
    var calendars: CalendarConnections { CalendarConnections(context, locks: store) }
    var calendarFeed: CalendarFeed { CalendarFeed(context) }
    var profile: ArtisanProfile { ArtisanProfile(context) }
    var payments: PaymentService { PaymentService(context) }
    var notifications: NotificationService { NotificationService(context) }
    var customers: CustomerData { CustomerData(context) }
    var retention: DataRetention { DataRetention(context) }

    func calendarSync(providers: any CalendarProviderSource) -> CalendarSyncService {
        CalendarSyncService(context, locks: store, providers: providers)
    }
}

extension Context {
    /// Runs `body` with the application services on a new connection, closed afterwards.
    func withServices<T>(_ body: (ApplicationServices) throws -> T) throws -> T {
        let connection = try connect()
        defer { connection.close() }
        return try body(ApplicationServices(store: PostgresStore(connection: connection, clock: clock), context: self))
    }
}
