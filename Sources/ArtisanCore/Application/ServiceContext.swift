/// What every use case works with: the store, the zone rules, the clock, and the artisan acted
/// for (nil: the only artisan of the store). Built once per front end by its composition root.
public struct ServiceContext {
    public let store: any TransactionRunner
    public let zones: any ZoneRulesSource
    public let clock: Clock
    public let artisanEmail: String?

    public init(store: any TransactionRunner, zones: any ZoneRulesSource, clock: Clock, artisanEmail: String?) {
        self.store = store
        self.zones = zones
        self.clock = clock
        self.artisanEmail = artisanEmail
    }

    /// The artisan acted for, read in the unit of work at hand.
    func artisan(in repositories: any Repositories) throws -> Artisan {
        try ArtisanSelection.resolve(artisanEmail, in: repositories.artisans)
    }
}
