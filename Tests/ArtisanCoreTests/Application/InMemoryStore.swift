import ArtisanCore
import Foundation

/// The application layer's ports over plain values, for testing the services' own rules without
/// a database. A transaction works on the state and puts the old one back when its body throws
/// (or always, rolling back); the store refuses what PostgreSQL's constraints would.
final class InMemoryStore: TransactionRunner, ExclusiveLocks {
    struct State {
        var artisans: [Artisan] = []
        var services: [UUID: [Service]] = [:]
        var opening: [UUID: [OpeningRule]] = [:]
        var breaks: [UUID: [BreakRule]] = [:]
        var timeOff: [UUID: [TimeOff]] = [:]
        var bookings: [UUID: [Booking]] = [:]
        var events: [(booking: UUID, kind: String)] = []
        var connections: [UUID: [CalendarConnectionRecord]] = [:]
        /// Imported blocks by artisan and provider, by event id.
        var imported: [UUID: [CalendarProviderID: [String: ExternalEvent]]] = [:]
        /// Exported events by artisan and provider, by booking id.
        var exports: [UUID: [CalendarProviderID: [UUID: ExportCandidate]]] = [:]
        /// Stripe events applied, by id, with their outcome.
        var paymentEvents: [String: String] = [:]
        var eventsReadUntil: Timestamp?
        var outbox: [OutboxMessage] = []
        var claims: [UUID: Timestamp] = [:]
        var idempotencyKeys: [String: IdempotencyRecord] = [:]
        var feedTokens: [String: UUID] = [:]
        /// The cut-off each retention category was last purged at.
        var purgeCutoffs: [RetentionCategory: Timestamp] = [:]
    }

    var state = State()
    var heldLocks: Set<String> = []
    /// Failures to inject: the next N booking inserts meet a taken public code; an insert of an
    /// imported block for these providers fails as a database would.
    var takenCodes = 0
    /// A booking another process commits between our availability read and our write: the
    /// store's overlap check sees it, the availability read did not.
    var concurrentRival: Booking?
    var failingImports: Set<CalendarProviderID> = []
    /// Retention categories whose purge fails after deleting, as a database error would midway.
    var failingPurges: Set<RetentionCategory> = []
    /// An anonymisation that fails as a database error would.
    var failingErasure = false
    var transactions = 0

    func transaction<T>(rollingBack: Bool, _ body: (any Repositories) throws -> T) throws -> T {
        let saved = state
        transactions += 1
        do {
            let value = try body(Units(store: self))
            if rollingBack { state = saved }
            return value
        } catch {
            state = saved
            throw error
        }
    }

    func read<T>(_ body: (any Repositories) throws -> T) throws -> T { try body(Units(store: self)) }

    func withLock<T>(_ scope: String, id: UUID, wait: Bool, _ body: () throws -> T) throws -> T? {
        let key = scope + "/" + id.uuidString
        guard heldLocks.insert(key).inserted else { return nil }
        defer { heldLocks.remove(key) }
        return try body()
    }

    struct Units: Repositories {
        let store: InMemoryStore
        var artisans: any ArtisanRepository { Artisans(store: store) }
        var payments: any PaymentRepository { Payments(store: store) }
        var notifications: any NotificationRepository { Outbox(store: store) }
        var idempotency: any IdempotencyRepository { IdempotencyKeys(store: store) }
        var retention: any RetentionRepository { Retention(store: store) }
        func services(of artisan: UUID) -> any ServiceRepository { Services(store: store, artisan: artisan) }
        func week(of artisan: UUID) -> any WeekRepository { Week(store: store, artisan: artisan) }
        func bookings(of artisan: UUID) -> any BookingRepository { Bookings(store: store, artisan: artisan) }
        func calendars(of artisan: UUID) -> any CalendarRepository { Calendars(store: store, artisan: artisan) }
        func customers(of artisan: UUID) -> any CustomerDataRepository { Customers(store: store, artisan: artisan) }
    }

    struct IdempotencyKeys: IdempotencyRepository {
        let store: InMemoryStore
        func insert(_ record: IdempotencyRecord) throws -> Bool {
            guard store.state.idempotencyKeys[record.key] == nil else { return false }
            store.state.idempotencyKeys[record.key] = record
            return true
        }
        func lock(_ key: String) throws -> IdempotencyRecord? { store.state.idempotencyKeys[key] }
        func replace(_ record: IdempotencyRecord) throws { store.state.idempotencyKeys[record.key] = record }
        func attach(_ key: String, booking: UUID) throws {
            let code = store.state.bookings.values.joined().first { $0.id == booking }?.publicCode
            store.state.idempotencyKeys[key]?.bookingCode = code
        }
        func complete(_ key: String, statusCode: Int, body: String) throws {
            store.state.idempotencyKeys[key]?.statusCode = statusCode
            store.state.idempotencyKeys[key]?.responseBody = body
        }
        func delete(_ key: String) throws { store.state.idempotencyKeys[key] = nil }
    }

    struct Artisans: ArtisanRepository {
        let store: InMemoryStore
        func all() throws -> [Artisan] { store.state.artisans }
        func find(email: String) throws -> Artisan? { store.state.artisans.first { $0.email == email.lowercased() } }
        func insert(_ artisan: Artisan) throws { store.state.artisans.append(artisan) }
        func find(feedToken: String) throws -> Artisan? {
            store.state.artisans.first { $0.id == store.state.feedTokens[feedToken] }
        }
        func setFeedToken(_ token: String, for artisan: UUID) throws {
            store.state.feedTokens = store.state.feedTokens.filter { $0.value != artisan }
            store.state.feedTokens[token] = artisan
        }
        func update(_ artisan: Artisan) throws {
            store.state.artisans = store.state.artisans.map { $0.id == artisan.id ? artisan : $0 }
        }
    }

    struct Services: ServiceRepository {
        let store: InMemoryStore
        let artisan: UUID
        var all: [Service] { store.state.services[artisan, default: []] }
        func list(includeArchived: Bool) throws -> [Service] { all.filter { includeArchived || $0.isActive } }
        func find(_ reference: String) throws -> Service? {
            all.first { $0.id.uuidString.lowercased() == reference.lowercased() }
                ?? all.filter { $0.name.lowercased() == reference.lowercased() }.sorted { $0.isActive && !$1.isActive }.first
        }
        func insert(_ service: Service) throws {
            if service.isActive, all.contains(where: { $0.isActive && $0.name.lowercased() == service.name.lowercased() }) {
                throw StoreRefusal.unique("services_active_name")
            }
            store.state.services[artisan, default: []].append(service)
        }
        func update(_ service: Service) throws {
            store.state.services[artisan] = all.map { $0.id == service.id ? service : $0 }
        }
        func activeService(named name: String, excluding id: UUID?) throws -> Service? {
            all.first { $0.isActive && $0.name.lowercased() == name.lowercased() && $0.id != id }
        }
        func delete(_ id: UUID) throws { store.state.services[artisan] = all.filter { $0.id != id } }
        func bookingCount(_ id: UUID) throws -> Int { store.state.bookings[artisan, default: []].filter { $0.serviceID == id }.count }
    }

    struct Week: WeekRepository {
        let store: InMemoryStore
        let artisan: UUID
        func openingRules() throws -> [OpeningRule] { store.state.opening[artisan, default: []] }
        func setOpening(_ day: Weekday, _ hours: TimeRange) throws {
            clearOpening(day)
            store.state.opening[artisan, default: []].append(OpeningRule(day: day, hours: hours))
        }
        @discardableResult func clearOpening(_ day: Weekday) -> Int {
            let before = store.state.opening[artisan, default: []]
            store.state.opening[artisan] = before.filter { $0.day != day }
            return before.count - store.state.opening[artisan]!.count
        }
        func breakRules() throws -> [BreakRule] { store.state.breaks[artisan, default: []] }
        func addBreak(_ rule: BreakRule) throws { store.state.breaks[artisan, default: []].append(rule) }
        func removeBreak(_ id: UUID) throws -> Int {
            let before = store.state.breaks[artisan, default: []]
            store.state.breaks[artisan] = before.filter { $0.id != id }
            return before.count - store.state.breaks[artisan]!.count
        }
        func timeOff(endingOnOrAfter from: LocalDate?) throws -> [TimeOff] {
            store.state.timeOff[artisan, default: []].filter { from == nil || $0.endDate >= from! }
        }
        func addTimeOff(_ timeOff: TimeOff) throws { store.state.timeOff[artisan, default: []].append(timeOff) }
        func removeTimeOff(_ id: UUID) throws -> Int {
            let before = store.state.timeOff[artisan, default: []]
            store.state.timeOff[artisan] = before.filter { $0.id != id }
            return before.count - store.state.timeOff[artisan]!.count
        }
    }

    struct Bookings: BookingRepository {
        let store: InMemoryStore
        let artisan: UUID
        var all: [Booking] { store.state.bookings[artisan, default: []] }

        static func occupied(_ booking: Booking) -> Interval {
            Interval(start: booking.start.adding(minutes: -booking.bufferBeforeMinutes), end: booking.end.adding(minutes: booking.bufferAfterMinutes))
        }

        /// PostgreSQL's exclusion constraint: no two active bookings of an artisan overlap.
        func refuseOverlap(_ booking: Booking) throws {
            guard booking.status.isActive else { return }
            let span = Self.occupied(booking)
            if let rival = store.concurrentRival, Self.occupied(rival).overlaps(span) { throw BookingWriteConflict.slotTaken }
            if all.contains(where: { $0.id != booking.id && $0.status.isActive && Self.occupied($0).overlaps(span) }) {
                throw BookingWriteConflict.slotTaken
            }
        }

        func insert(_ booking: Booking) throws {
            if store.takenCodes > 0 {
                store.takenCodes -= 1
                throw BookingWriteConflict.publicCodeTaken
            }
            try refuseOverlap(booking)
            store.state.bookings[artisan, default: []].append(booking)
        }
        func updateScheduleAndStatus(_ booking: Booking) throws {
            try refuseOverlap(booking)
            store.state.bookings[artisan] = all.map { $0.id == booking.id ? booking : $0 }
        }
        func find(code: String, forUpdate: Bool) throws -> Booking? { all.first { $0.publicCode == code } }
        func find(id: UUID, forUpdate: Bool) throws -> Booking? { all.first { $0.id == id } }
        func savePayment(_ booking: Booking) throws {
            store.state.bookings[artisan] = all.map {
                guard $0.id == booking.id else { return $0 }
                var saved = $0
                saved.depositStatus = booking.depositStatus
                saved.payment = booking.payment
                return saved
            }
        }
        func unpaidStripeDeposits() throws -> [Booking] {
            all.filter { $0.payment.provider == .stripe && $0.depositStatus.isUnpaid && $0.status.isActive }
        }
        func pendingRefunds() throws -> [Booking] { all.filter { $0.payment.refundStatus == .pending } }
        func stream(_ filter: BookingFilter, _ body: (Booking) throws -> Void) throws {
            for booking in all.sorted(by: { $0.start < $1.start })
            where (filter.from.map { booking.start >= $0 } ?? true) && (filter.to.map { booking.start < $0 } ?? true)
                && (filter.status.map { booking.status == $0 } ?? true) && (filter.depositStatus.map { booking.depositStatus == $0 } ?? true)
                && (filter.serviceID.map { booking.serviceID == $0 } ?? true) {
                try body(booking)
            }
        }
        func busyIntervals(in window: Interval, excluding booking: UUID?) throws -> [Interval] {
            let bookings = all.filter { $0.status.isActive && $0.id != booking }.map(Self.occupied)
            let blocks = store.state.imported[artisan, default: [:]].values.flatMap(\.values).map { Interval(start: $0.start, end: $0.end) }
            return (bookings + blocks).filter { $0.overlaps(window) }
        }
        func recordEvent(_ booking: UUID, kind: String, details: [String: String], at: Timestamp) throws {
            store.state.events.append((booking, kind))
        }
    }

    struct Payments: PaymentRepository {
        let store: InMemoryStore

        func owner(intentID: String?, checkoutSessionID: String?, bookingID: UUID?) throws -> (artisan: UUID, booking: UUID)? {
            let all = store.state.bookings.flatMap { artisan, bookings in bookings.map { (artisan, $0) } }
            let match = all.first { intentID != nil && $0.1.payment.intentID == intentID }
                ?? all.first { checkoutSessionID != nil && $0.1.payment.checkoutSessionID == checkoutSessionID }
                ?? all.first { $0.1.id == bookingID }
            return match.map { ($0.0, $0.1.id) }
        }
        func recordEvent(_ event: PaymentEvent, booking: UUID?, via: PaymentEventSource, outcome: String) throws -> Bool {
            guard store.state.paymentEvents[event.id] == nil else { return false }
            store.state.paymentEvents[event.id] = outcome
            return true
        }
        func eventsReadUntil() throws -> Timestamp? { store.state.eventsReadUntil }
        func storeEventsReadUntil(_ instant: Timestamp) throws {
            store.state.eventsReadUntil = max(store.state.eventsReadUntil ?? instant, instant)
        }
    }

    struct Outbox: NotificationRepository {
        let store: InMemoryStore

        func update(_ id: UUID, _ change: (inout OutboxMessage) -> Void) {
            guard let index = store.state.outbox.firstIndex(where: { $0.id == id }) else { return }
            change(&store.state.outbox[index])
            store.state.claims[id] = nil
        }
        func enqueue(_ notification: OutboxMessage) throws -> Bool {
            guard !store.state.outbox.contains(where: { $0.idempotencyKey == notification.idempotencyKey }) else { return false }
            var stored = notification
            stored.createdAt = stored.createdAt ?? notification.nextAttemptAt
            store.state.outbox.append(stored)
            return true
        }
        func claimDue(at now: Timestamp, booking: UUID?, channels: Set<OutgoingMessage.Channel>, limit: Int,
                      claimUntil: Timestamp) throws -> [OutboxMessage] {
            let due = store.state.outbox.filter { channels.contains($0.channel) &&
                $0.status == .pending && $0.nextAttemptAt <= now && (store.state.claims[$0.id].map { $0 <= now } ?? true)
                    && (booking == nil || $0.bookingID == booking)
            }.prefix(limit)
            return due.map { notification in
                let index = store.state.outbox.firstIndex { $0.id == notification.id }!
                store.state.outbox[index].attempts += 1
                store.state.claims[notification.id] = claimUntil
                return store.state.outbox[index]
            }
        }
        func failInterrupted(at now: Timestamp) throws -> Int {
            let stale = store.state.outbox.filter { $0.status == .pending && (store.state.claims[$0.id].map { $0 <= now } ?? false) }
            for notification in stale { update(notification.id) { $0.status = .failed; $0.lastError = "interrupted" } }
            return stale.count
        }
        func recordSent(_ id: UUID, providerMessageID: String?, at: Timestamp) throws {
            update(id) { $0.status = .sent; $0.providerMessageID = providerMessageID }
        }
        func recordFailure(_ id: UUID, error: String, retryAt: Timestamp?, at: Timestamp) throws {
            update(id) {
                $0.lastError = error
                if let retryAt { $0.nextAttemptAt = retryAt } else { $0.status = .failed }
            }
        }
        func cancel(_ id: UUID, reason: String, at: Timestamp) throws { update(id) { $0.status = .cancelled; $0.lastError = reason } }
        func list(status: OutboxMessage.Status?, booking: UUID?, limit: Int) throws -> [OutboxMessage] {
            Array(store.state.outbox.filter { (status == nil || $0.status == status) && (booking == nil || $0.bookingID == booking) }.prefix(limit))
        }
        func find(_ id: UUID) throws -> OutboxMessage? { store.state.outbox.first { $0.id == id } }
        func count(booking: UUID) throws -> Int { store.state.outbox.filter { $0.bookingID == booking }.count }
        func retry(_ id: UUID?, at now: Timestamp) throws -> Int {
            let chosen = store.state.outbox.filter { id == nil ? $0.status == .failed : $0.id == id }
            for notification in chosen { update(notification.id) { $0.status = .pending; $0.attempts = 0; $0.nextAttemptAt = now } }
            return chosen.count
        }
    }

    struct Calendars: CalendarRepository {
        let store: InMemoryStore
        let artisan: UUID

        func all() throws -> [CalendarConnectionRecord] { store.state.connections[artisan, default: []] }
        /// As PostgreSQL's upsert: the provider's row keeps its id, its sync state starts afresh.
        func save(_ record: CalendarConnectionRecord) throws {
            var fresh = record
            fresh.id = try all().first { $0.provider == record.provider }?.id ?? record.id
            fresh.syncToken = nil
            fresh.syncCoveredFrom = nil
            fresh.syncCoveredUntil = nil
            store.state.connections[artisan] = try all().filter { $0.provider != record.provider } + [fresh]
        }
        func forgetBlocks(_ provider: CalendarProviderID) throws {
            store.state.imported[artisan, default: [:]][provider] = nil
            store.state.exports[artisan, default: [:]][provider] = nil
        }
        func delete(_ provider: CalendarProviderID) throws -> Bool {
            try forgetBlocks(provider)
            let before = try all()
            store.state.connections[artisan] = before.filter { $0.provider != provider }
            return before.count != store.state.connections[artisan]!.count
        }
        func update(_ id: UUID, _ change: (inout CalendarConnectionRecord) -> Void) {
            store.state.connections[artisan] = store.state.connections[artisan, default: []].map {
                var record = $0
                if record.id == id { change(&record) }
                return record
            }
        }
        func storeCredentials(_ connection: UUID, _ sealed: SealedCredentials) throws {
            update(connection) {
                $0.accessTokenEncrypted = sealed.accessToken
                $0.refreshTokenEncrypted = sealed.refreshToken ?? $0.refreshTokenEncrypted
                $0.tokenExpiresAt = sealed.expiresAt
            }
        }
        func storeSyncState(_ connection: UUID, _ state: SyncState) throws {
            update(connection) {
                $0.syncToken = state.token
                $0.syncCoveredFrom = state.coveredFrom
                $0.syncCoveredUntil = state.coveredUntil
            }
        }
        func recordOutcome(_ connection: UUID, state: CalendarConnectionRecord.State, error: String?, syncedAt: Timestamp?) throws {
            update(connection) {
                $0.state = state
                $0.lastError = error
                $0.lastSyncAt = syncedAt ?? $0.lastSyncAt
            }
        }

        func importedIDs(_ provider: CalendarProviderID) throws -> Set<String> {
            Set(store.state.imported[artisan, default: [:]][provider, default: [:]].keys)
        }
        func deleteImported(_ provider: CalendarProviderID, ids: [String]?) throws -> Int {
            let before = try importedIDs(provider)
            if let ids {
                for id in ids { store.state.imported[artisan, default: [:]][provider, default: [:]][id] = nil }
            } else {
                store.state.imported[artisan, default: [:]][provider] = [:]
            }
            return before.count - (try importedIDs(provider)).count
        }
        func insertImported(_ provider: CalendarProviderID, _ events: [ExternalEvent]) throws {
            if store.failingImports.contains(provider), !events.isEmpty { throw StoreRefusal.valueTooLong("external_event_id") }
            for event in events { store.state.imported[artisan, default: [:]][provider, default: [:]][event.id] = event }
        }
        func pruneImported(_ provider: CalendarProviderID, endedBy instant: Timestamp) throws -> Int {
            let ended = store.state.imported[artisan, default: [:]][provider, default: [:]].values.filter { $0.end <= instant }.map(\.id)
            return try deleteImported(provider, ids: ended)
        }

        func exportCandidates(_ provider: CalendarProviderID, now: Timestamp, until: Timestamp) throws -> [ExportCandidate] {
            let exported = store.state.exports[artisan, default: [:]][provider, default: [:]]
            return store.state.bookings[artisan, default: []].sorted { $0.start < $1.start }.compactMap { booking in
                let record = exported[booking.id]
                let wanted = booking.status.isActive ? booking.end > now && booking.start < until : record != nil
                guard wanted else { return nil }
                return ExportCandidate(booking: booking, eventID: record?.eventID, exportedStart: record?.exportedStart, exportedEnd: record?.exportedEnd)
            }
        }
        func exportedIDs(_ provider: CalendarProviderID) throws -> Set<String> {
            Set(store.state.exports[artisan, default: [:]][provider, default: [:]].values.compactMap(\.eventID))
        }
        func recordExport(_ provider: CalendarProviderID, booking: Booking, eventID: String) throws {
            store.state.exports[artisan, default: [:]][provider, default: [:]][booking.id] =
                ExportCandidate(booking: booking, eventID: eventID, exportedStart: booking.start, exportedEnd: booking.end)
        }
        func deleteExport(_ provider: CalendarProviderID, booking: UUID) throws {
            store.state.exports[artisan, default: [:]][provider, default: [:]][booking] = nil
        }
    }
}

/// What the in-memory store refuses as PostgreSQL would.
enum StoreRefusal: Error, CustomStringConvertible {
    case unique(String)
    case valueTooLong(String)

    var description: String {
        switch self {
        case .unique(let constraint): "duplicate key value violates unique constraint \(constraint)"
        case .valueTooLong(let column): "value too long for type character varying(255) in column \(column)"
        }
    }
}

/// Zone rules from the system's tz database, as the CLI reads them.
struct SystemZones: ZoneRulesSource {
    func rules(for name: String) throws -> ZoneRules {
        try ZoneRules.parse(name: name, bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/\(name)"))))
    }
}
