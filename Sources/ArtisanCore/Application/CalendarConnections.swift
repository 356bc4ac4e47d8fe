/// The artisan's connected calendars (`calendars connect | list | disconnect | feed`). Connecting
/// and disconnecting wait for a running sync of the artisan (its lock), which would otherwise
/// write the old calendar's token, credentials and events over the new connection.
public struct CalendarConnections {
    let context: ServiceContext
    let locks: any ExclusiveLocks

    public init(_ context: ServiceContext, locks: any ExclusiveLocks) {
        self.context = context
        self.locks = locks
    }

    /// Stores a new connection, or replaces the provider's. Another account or calendar than
    /// before: the old calendar's blocks and export records no longer count, so every active
    /// booking is exported to the new calendar once.
    public func connect(_ record: CalendarConnectionRecord) throws {
        try withCalendars(lockingSync: true) { calendars in
            if let previous = try calendars.all().first(where: { $0.provider == record.provider }),
               previous.account != record.account || previous.calendarID != record.calendarID || previous.serverURL != record.serverURL {
                try calendars.forgetBlocks(record.provider)
            }
            try calendars.save(record)
        }
    }

    public func list() throws -> [CalendarConnectionRecord] {
        try withCalendars(lockingSync: false) { try $0.all() }
    }

    /// Forgets a connection and the blocks imported from it, once `confirm` (which may refuse by throwing) agrees.
    public func disconnect(_ provider: CalendarProviderID, confirm: () throws -> Void) throws {
        try withCalendars(lockingSync: true) { calendars in
            guard try calendars.all().contains(where: { $0.provider == provider }) else {
                throw ArtisanError.notFound("no \(provider.rawValue) calendar is connected")
            }
            try confirm()
            try calendars.delete(provider)
        }
    }

    /// One transaction on the artisan's connections; with `lockingSync`, once the artisan's sync lock is held.
    private func withCalendars<T>(lockingSync: Bool, _ body: (any CalendarRepository) throws -> T) throws -> T {
        let artisan = try context.store.read { try context.artisan(in: $0) }
        guard lockingSync else { return try transaction(artisan, body) }
        guard let value = try locks.withLock(CalendarSyncService.lockScope, id: artisan.id, wait: true, { try transaction(artisan, body) }) else {
            throw ArtisanError(.temporary, code: "SYNC_RUNNING", "a 'sync calendars' of \(artisan.email) holds the calendars")
        }
        return value
    }

    private func transaction<T>(_ artisan: Artisan, _ body: (any CalendarRepository) throws -> T) throws -> T {
        try context.store.transaction { try body($0.calendars(of: artisan.id)) }
    }
}
