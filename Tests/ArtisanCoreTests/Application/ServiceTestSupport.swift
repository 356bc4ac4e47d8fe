import ArtisanCore
import Foundation

/// A store with one artisan in Paris (or several), open Monday to Saturday 09:00–18:00, and one service.
struct ServiceFixture {
    let store = InMemoryStore()
    let artisan: Artisan
    let service: Service

    init(email: String = "lea@example.com", horizonDays: Int = 30, noticeMinutes: Int = 60, deadlineHours: Int = 24) {
        var settings = SchedulingSettings()
        settings.horizonDays = horizonDays
        settings.minimumNoticeMinutes = noticeMinutes
        settings.cancellationDeadlineHours = deadlineHours
        artisan = Artisan(displayName: "Léa", email: email, settings: settings)
        service = Service(name: "Coupe", durationMinutes: 60, price: Money(cents: 4550), depositRate: DepositRate(hundredths: 30)!)
        add(artisan, service)
    }

    func add(_ artisan: Artisan, _ service: Service) {
        store.state.artisans.append(artisan)
        store.state.services[artisan.id] = [service]
        store.state.opening[artisan.id] = (1...6).map { OpeningRule(day: Weekday(number: $0)!, hours: try! Validate.timeRange("09:00-18:00")) }
    }

    /// The use cases' context at the clock `now` (ISO 8601), for the artisan with `email` (nil: the only one),
    /// with Stripe when `payments` is given.
    func context(at now: String = "2030-01-07T08:00:00Z", email: String? = nil, payments: FakePayments? = nil) -> ServiceContext {
        ServiceContext(store: store, zones: SystemZones(), clock: .fixed(Timestamp(iso8601: now)!), artisanEmail: email,
                       payments: payments.map { PaymentGateway(provider: $0, publicBaseURL: "https://book.example") })
    }

    func bookings(at now: String, email: String? = nil) -> BookingService { BookingService(context(at: now, email: email)) }

    static let customer = Customer(name: "Marie Curie", email: "marie@example.com", phone: nil)

    func request(_ date: String, _ time: String) -> BookingService.Request {
        BookingService.Request(service: "Coupe", date: LocalDate(date)!, time: TimeOfDay(time)!, customer: Self.customer)
    }

    func connect(_ providers: [CalendarProviderID], artisan owner: Artisan? = nil) {
        let owner = owner ?? artisan
        store.state.connections[owner.id] = providers.map {
            CalendarConnectionRecord(provider: $0, account: "lea", calendarID: nil, calendarName: nil, serverURL: nil,
                                     accessTokenEncrypted: "sealed:old", refreshTokenEncrypted: "sealed:refresh", tokenExpiresAt: nil)
        }
    }

    func sync(_ calendars: FakeCalendars, at now: Timestamp, email: String? = nil) throws -> [CalendarSyncReport] {
        try CalendarSyncService(context(at: now.iso8601(), email: email), locks: store, providers: calendars).sync()
    }

    func connection(_ provider: CalendarProviderID, of owner: Artisan? = nil) -> CalendarConnectionRecord? {
        store.state.connections[(owner ?? artisan).id, default: []].first { $0.provider == provider }
    }

    func imported(_ provider: CalendarProviderID) -> [String: ExternalEvent] {
        store.state.imported[artisan.id, default: [:]][provider, default: [:]]
    }
}
