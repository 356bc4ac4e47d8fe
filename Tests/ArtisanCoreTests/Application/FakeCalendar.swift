import ArtisanCore

/// A remote calendar with Google's sync semantics: a full fetch lists the events overlapping the
/// window; a token lists every event changed since it was issued, wherever it lies (deleted ones
/// as removed ids). It can fail on demand and renew its credentials as a refresh would.
final class FakeCalendar: CalendarProvider {
    let id: CalendarProviderID
    private(set) var renewedCredentials: CalendarCredentials?

    private(set) var events: [String: ExternalEvent] = [:]
    /// For each event id, the version at which it last changed (deletions included).
    private var changedAt: [String: Int] = [:]
    private var version = 0
    private(set) var fullFetches = 0
    private(set) var incrementalFetches = 0
    private(set) var puts: [String: BookingEvent] = [:]
    var failure: (any Error)?
    /// Fails writes only (event creation, update, deletion).
    var writeFailure: (any Error)?
    var renewOnFetch: CalendarCredentials?

    init(_ id: CalendarProviderID) { self.id = id }

    func upsert(_ event: ExternalEvent) {
        version += 1
        events[event.id] = event
        changedAt[event.id] = version
    }

    func remove(_ id: String) {
        version += 1
        events[id] = nil
        changedAt[id] = version
    }

    func fetchBusy(window: Interval, syncToken: String?) throws -> BusyFetch {
        if let renewOnFetch { renewedCredentials = renewOnFetch }
        if let failure { throw failure }
        if let syncToken, let since = Int(syncToken) {
            incrementalFetches += 1
            let changed = changedAt.filter { $0.value > since }.map(\.key).sorted()
            return BusyFetch(mode: .incremental, events: changed.compactMap { events[$0] }, removedIDs: changed.filter { events[$0] == nil },
                             nextSyncToken: String(version))
        }
        fullFetches += 1
        let listed = events.values.filter { $0.end > window.start && $0.start < window.end }.sorted { $0.id < $1.id }
        return BusyFetch(mode: .full, events: listed, nextSyncToken: String(version))
    }

    func putEvent(_ event: BookingEvent, existingID: String?) throws -> String {
        if let failure = failure ?? writeFailure { throw failure }
        let id = existingID ?? "ours-" + event.bookingID
        puts[id] = event
        return id
    }

    func deleteEvent(id: String) throws {
        if let failure = failure ?? writeFailure { throw failure }
        puts[id] = nil
    }
}

/// Hands out the fake calendars by provider; sealing is a visible marker, not encryption.
final class FakeCalendars: CalendarProviderSource {
    var calendars: [CalendarProviderID: FakeCalendar] = [:]
    var unavailable: Set<CalendarProviderID> = []

    func calendar(_ id: CalendarProviderID) -> FakeCalendar {
        if let calendar = calendars[id] { return calendar }
        let calendar = FakeCalendar(id)
        calendars[id] = calendar
        return calendar
    }

    func provider(for connection: CalendarConnectionRecord, zone: ZoneRules, now: Timestamp) throws -> any CalendarProvider {
        if unavailable.contains(connection.provider) { throw ArtisanError.configuration("\(connection.provider.rawValue) is not configured") }
        return calendar(connection.provider)
    }

    func seal(_ credentials: CalendarCredentials) throws -> SealedCredentials {
        SealedCredentials(accessToken: "sealed:" + credentials.accessToken, refreshToken: credentials.refreshToken.map { "sealed:" + $0 },
                          expiresAt: credentials.expiresAt)
    }
}
