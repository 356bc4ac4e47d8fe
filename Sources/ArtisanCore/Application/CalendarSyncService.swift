/// Two-way sync of an artisan's connected calendars (spec 5.2–5.4, made safe): for each one,
/// import its busy time, then mirror the bookings into it. One calendar's failure, of any kind,
/// is reported as that calendar's and never stops the others; credentials a provider renewed
/// are stored whatever happened after.
///
/// Busy time stays complete as the clock moves: incremental fetches (sync tokens, delta links,
/// ctags) only report changes, so an event beyond the reach of the fetch the token came from
/// would never arrive. Each full fetch therefore reaches `slackDays` past the horizon, records
/// how far it reached, and the next run is incremental only while the horizon stays within it
/// (and the clock has not gone back before the last run, whose ended blocks were dropped).
/// Blocks outside [now, reach) are dropped, so the stored blocks always equal what a full fetch
/// at the latest clock would give.
public struct CalendarSyncService {
    public static let slackDays = 7

    let context: ServiceContext
    let locks: any ExclusiveLocks
    let providers: any CalendarProviderSource

    public init(_ context: ServiceContext, locks: any ExclusiveLocks, providers: any CalendarProviderSource) {
        self.context = context
        self.locks = locks
        self.providers = providers
    }

    public static let lockScope = "calendar-sync"

    /// Syncs the artisan's calendars (only `provider`'s when given) over `days` days (default:
    /// the booking horizon). One run per artisan at a time: a second one waits with `wait`,
    /// else is refused at once (SYNC_RUNNING, temporary).
    public func sync(provider wanted: CalendarProviderID? = nil, days: Int? = nil, wait: Bool = false) throws -> [CalendarSyncReport] {
        let artisan = try context.store.read { try context.artisan(in: $0) }
        let zone = try context.zones.rules(for: artisan.timezone)
        let reports = try locks.withLock(Self.lockScope, id: artisan.id, wait: wait) {
            let records = try context.store.read { try $0.calendars(of: artisan.id).all() }.filter { wanted == nil || $0.provider == wanted }
            return records.map { record in
                CalendarRun(record: record, artisan: artisan, zone: zone, now: context.clock.now(), days: days ?? artisan.settings.horizonDays,
                            store: context.store, providers: providers).run()
            }
        }
        guard let reports else {
            throw ArtisanError(.temporary, code: "SYNC_RUNNING", "another 'sync calendars' is running for \(artisan.email)",
                               hint: "pass --wait to wait for it")
        }
        return reports
    }
}

/// One connected calendar's sync.
struct CalendarRun {
    let record: CalendarConnectionRecord
    let artisan: Artisan
    let zone: ZoneRules
    let now: Timestamp
    let days: Int
    let store: any TransactionRunner
    let providers: any CalendarProviderSource

    /// The end of the busy time the run maintains, and of the bookings it exports.
    var horizon: Timestamp { now.adding(minutes: days * 1440) }

    func run() -> CalendarSyncReport {
        var report = CalendarSyncReport(provider: record.provider)
        let started = ContinuousClock.now
        do {
            let provider = try providers.provider(for: record, zone: zone, now: now)
            var stored: CalendarCredentials?
            do {
                defer { storeRenewed(provider, &stored, report: &report) }
                try importBusy(provider, report: &report)
            } catch {
                report.fail(error)
            }
            if report.outcome == .ok {
                do {
                    try exportBookings(provider, report: &report)
                } catch {
                    report.fail(error)
                }
                storeRenewed(provider, &stored, report: &report)
            }
        } catch {
            report.fail(error)
        }
        let state: CalendarConnectionRecord.State = switch report.outcome {
        case .ok: .active
        case .temporary: .error
        case .revoked: .needsReauth
        }
        do {
            try store.transaction {
                try $0.calendars(of: artisan.id).recordOutcome(record.id, state: state, error: report.message,
                                                               syncedAt: report.outcome == .ok ? now : nil)
            }
        } catch {
            report.fail(error)
        }
        let elapsed = ContinuousClock.now - started
        report.milliseconds = elapsed.wholeMilliseconds
        return report
    }

    /// Stores credentials the provider renewed, once each: right after the import (a run killed
    /// while exporting keeps them) and again at the end if they changed.
    func storeRenewed(_ provider: any CalendarProvider, _ stored: inout CalendarCredentials?, report: inout CalendarSyncReport) {
        guard let renewed = provider.renewedCredentials, renewed != stored else { return }
        do {
            let sealed = try providers.seal(renewed)
            try store.transaction { try $0.calendars(of: artisan.id).storeCredentials(record.id, sealed) }
            stored = renewed
        } catch {
            report.fail(error)
        }
    }

    /// Fetches first (nothing is touched if it fails), then applies in one transaction with the
    /// new sync state.
    func importBusy(_ provider: any CalendarProvider, report: inout CalendarSyncReport) throws {
        let resumable = record.syncToken != nil && (record.syncCoveredFrom.map { $0 <= now } ?? false)
            && (record.syncCoveredUntil.map { $0 >= horizon } ?? false)
        let reach = resumable ? record.syncCoveredUntil! : horizon.adding(minutes: CalendarSyncService.slackDays * 1440)
        let fetch = try provider.fetchBusy(window: Interval(start: now, end: reach), syncToken: resumable ? record.syncToken : nil)
        let (imported, removed) = try store.transaction { repositories in
            let calendars = repositories.calendars(of: artisan.id)
            // Our own booking events come back from the calendar: they must not block their own
            // slots, even one imported before it was known as ours (an export whose record was lost).
            let exported = try calendars.exportedIDs(record.provider)
            let kept = fetch.events.filter { !exported.contains($0.id) && $0.end > $0.start && $0.end > now && $0.start < reach }
            let before = try calendars.importedIDs(record.provider)
            switch fetch.mode {
            case .full:
                try calendars.deleteImported(record.provider, ids: nil)
            case .incremental:
                try calendars.deleteImported(record.provider, ids: fetch.events.map(\.id) + fetch.removedIDs + exported)
            }
            try calendars.insertImported(record.provider, kept)
            try calendars.pruneImported(record.provider, endedBy: now)
            try calendars.storeSyncState(record.id, SyncState(token: fetch.nextSyncToken, coveredFrom: now, coveredUntil: reach))
            let after = try calendars.importedIDs(record.provider)
            return (after.subtracting(before).count, before.subtracting(after).count)
        }
        report.imported = imported
        report.removed = removed
    }

    func exportBookings(_ provider: any CalendarProvider, report: inout CalendarSyncReport) throws {
        let candidates = try store.read { try $0.calendars(of: artisan.id).exportCandidates(record.provider, now: now, until: horizon) }
        for candidate in candidates {
            let booking = candidate.booking
            if booking.status == .cancelled {
                if let eventID = candidate.eventID { try provider.deleteEvent(id: eventID) }
                try store.transaction { try $0.calendars(of: artisan.id).deleteExport(record.provider, booking: booking.id) }
                report.deleted += 1
                continue
            }
            let event = BookingEvent.forBooking(booking, artisanTimeZone: artisan.timezone)
            var eventID: String
            if let existing = candidate.eventID {
                let moved = candidate.exportedStart != booking.start || candidate.exportedEnd != booking.end
                guard moved || candidate.rewriteRequested else { continue }
                do {
                    eventID = try provider.putEvent(event, existingID: existing)
                    report.moved += 1
                } catch let error as CalendarError where error.kind == .notFound {
                    // The event was deleted on the calendar's side: make a new one, or every
                    // run from now on would fail on the missing event.
                    eventID = try provider.putEvent(event, existingID: nil)
                    report.exported += 1
                }
            } else {
                eventID = try provider.putEvent(event, existingID: nil)
                report.exported += 1
            }
            try store.transaction { try $0.calendars(of: artisan.id).recordExport(record.provider, booking: booking, eventID: eventID) }
        }
    }
}
