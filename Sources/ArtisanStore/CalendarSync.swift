import ArtisanCore
#if canImport(Glibc)
import Glibc
#endif

/// Two-way sync of one connected calendar (spec 5.2–5.4, made safe):
/// import its busy time, replacing the stored blocks in one transaction only once the whole
/// fetch succeeded; then mirror the bookings into it (create, move, delete), recording each
/// event's id so a rerun after a crash finds it instead of duplicating it.
public struct CalendarSync {
    public struct Report: Sendable {
        public enum Outcome: String, Sendable { case ok, temporary, revoked }

        public let provider: CalendarProviderID
        public var imported = 0
        public var removed = 0
        public var exported = 0
        public var moved = 0
        public var deleted = 0
        public var milliseconds = 0
        public var outcome = Outcome.ok
        public var message: String?

        public init(provider: CalendarProviderID) { self.provider = provider }
    }

    let connection: PostgresConnection
    let artisan: Artisan
    let zone: ZoneRules
    let now: Timestamp

    public init(connection: PostgresConnection, artisan: Artisan, zone: ZoneRules, now: Timestamp) {
        self.connection = connection
        self.artisan = artisan
        self.zone = zone
        self.now = now
    }

    /// Runs import then export for one connection; never throws a provider's failure, reports it.
    /// `store` keeps renewed credentials (encrypted by the caller).
    public func run(_ record: CalendarConnectionRecord, provider: any CalendarProvider, days: Int,
                    store: (CalendarCredentials) throws -> Void) throws -> Report {
        var report = Report(provider: record.provider)
        let started = Self.monotonicMilliseconds()
        let connections = CalendarConnectionRepository(connection: connection, artisan: artisan.id)
        let window = Interval(start: now, end: now.adding(minutes: days * 1440))
        var syncToken: String?
        do {
            syncToken = try importBusy(record, provider: provider, window: window, report: &report)
            try exportBookings(record, provider: provider, until: window.end, report: &report)
        } catch let error as CalendarError {
            report.outcome = error.kind == .revoked ? .revoked : .temporary
            report.message = error.description
        }
        if let renewed = provider.renewedCredentials { try store(renewed) }
        let state: CalendarConnectionRecord.State = report.outcome == .revoked ? .needsReauth : report.outcome == .ok ? .active : .error
        try connections.recordOutcome(record.id, state: state, error: report.message, syncedAt: report.outcome == .ok ? now : nil, syncToken: syncToken)
        report.milliseconds = Self.monotonicMilliseconds() - started
        return report
    }

    /// Fetches first (nothing is touched if it fails), then applies in one transaction.
    func importBusy(_ record: CalendarConnectionRecord, provider: any CalendarProvider, window: Interval, report: inout Report) throws -> String? {
        let fetch = try provider.fetchBusy(window: window, syncToken: record.syncToken)
        let connections = CalendarConnectionRepository(connection: connection, artisan: artisan.id)
        try connection.withTransaction {
            // Our own booking events come back from the calendar: they must not block their own slots.
            let exported = try connections.exportedIDs(record.provider)
            let events = fetch.events.filter { !exported.contains($0.id) && $0.end > $0.start }
            let before = try connections.importedIDs(record.provider)
            switch fetch.mode {
            case .full:
                try connections.deleteImported(record.provider, ids: nil)
                try connections.insertImported(record.provider, events)
                let after = Set(events.map(\.id))
                report.imported = after.subtracting(before).count
                report.removed = before.subtracting(after).count
            case .incremental:
                let changed = events.map(\.id)
                try connections.deleteImported(record.provider, ids: changed + fetch.removedIDs)
                try connections.insertImported(record.provider, events)
                report.imported = Set(changed).subtracting(before).count
                report.removed = Set(fetch.removedIDs).intersection(before).count
            }
        }
        return fetch.nextSyncToken
    }

    func exportBookings(_ record: CalendarConnectionRecord, provider: any CalendarProvider, until: Timestamp, report: inout Report) throws {
        let connections = CalendarConnectionRepository(connection: connection, artisan: artisan.id)
        for candidate in try connections.exportCandidates(record.provider, now: now, until: until) {
            let booking = candidate.booking
            if booking.status == .cancelled {
                guard let row = candidate.exportRow else { continue }
                if let eventID = candidate.eventID { try provider.deleteEvent(id: eventID) }
                try connections.deleteExport(row)
                report.deleted += 1
                continue
            }
            let event = BookingEvent.forBooking(booking, artisanTimeZone: artisan.timezone)
            if let eventID = candidate.eventID {
                guard candidate.exportedStart != booking.start || candidate.exportedEnd != booking.end else { continue }
                do {
                    let id = try provider.putEvent(event, existingID: eventID)
                    try connections.recordExport(record.provider, booking: booking, eventID: id)
                    report.moved += 1
                } catch let error as CalendarError where error.kind == .notFound {
                    // The event was deleted on the calendar's side: make a new one, or every
                    // run from now on would fail on the missing event.
                    let id = try provider.putEvent(event, existingID: nil)
                    try connections.recordExport(record.provider, booking: booking, eventID: id)
                    report.exported += 1
                }
            } else {
                let id = try provider.putEvent(event, existingID: nil)
                try connections.recordExport(record.provider, booking: booking, eventID: id)
                report.exported += 1
            }
        }
    }

    static func monotonicMilliseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int(time.tv_sec) * 1000 + Int(time.tv_nsec) / 1_000_000
    }
}
