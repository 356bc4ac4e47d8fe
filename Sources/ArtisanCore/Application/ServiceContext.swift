/// What every use case works with: the store, the zone rules, the clock, the artisan acted for
/// (nil: the only artisan of the store) and the payment processor (nil: none configured). Built
/// once per front end by its composition root.
public struct ServiceContext {
    public let store: any TransactionRunner
    public let zones: any ZoneRulesSource
    public let clock: Clock
    public let artisanEmail: String?
    public let payments: PaymentGateway?
    public let notifications: NotificationSettings

    public init(store: any TransactionRunner, zones: any ZoneRulesSource, clock: Clock, artisanEmail: String?, payments: PaymentGateway? = nil,
                notifications: NotificationSettings = NotificationSettings()) {
        self.store = store
        self.zones = zones
        self.clock = clock
        self.artisanEmail = artisanEmail
        self.payments = payments
        self.notifications = notifications
    }

    /// The same context over another store (a server's pooled connection, say).
    public func on(_ store: any TransactionRunner) -> ServiceContext {
        ServiceContext(store: store, zones: zones, clock: clock, artisanEmail: artisanEmail, payments: payments, notifications: notifications)
    }

    /// The same context reading zone rules from `zones` (a server caches them).
    public func with(zones: any ZoneRulesSource) -> ServiceContext {
        ServiceContext(store: store, zones: zones, clock: clock, artisanEmail: artisanEmail, payments: payments, notifications: notifications)
    }

    /// The artisan acted for, read in the unit of work at hand.
    func artisan(in repositories: any Repositories) throws -> Artisan {
        try ArtisanSelection.resolve(artisanEmail, in: repositories.artisans)
    }
}
