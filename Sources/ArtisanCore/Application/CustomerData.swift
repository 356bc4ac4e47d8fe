#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A customer's data rights (spec 6.5): everything held about them, and its erasure. A customer is
/// known by the e-mail of their bookings with the artisan acted for (compared case-insensitively);
/// once erased, nothing finds them by e-mail, name or phone any more.
public struct CustomerData {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// Names no e-mail: the caller typed it, and an error line may end in a log.
    public static let notFound =
        ArtisanError.notFound(code: "CUSTOMER_NOT_FOUND", "no booking holds this e-mail",
                              hint: "a customer whose data was erased is no longer found by e-mail")

    /// Everything held about the customer with this e-mail.
    public func export(email: String) throws -> CustomerDataDocument {
        try context.store.transaction(rollingBack: true) { repositories in
            let scope = try Scope(repositories, context)
            guard let file = try CustomerFile.gather(email: email, from: repositories.customers(of: scope.artisan.id), forUpdate: false) else {
                throw Self.notFound
            }
            return CustomerDataDocument(file, artisan: scope.artisan, zone: scope.zone, now: scope.now)
        }
    }

    /// The same, only to someone who holds one of the customer's booking codes: any mismatch is
    /// BOOKING_NOT_FOUND, as in the public lookup of a booking.
    public func export(email: String, code: String) throws -> CustomerDataDocument {
        try context.store.transaction(rollingBack: true) { repositories in
            let scope = try Scope(repositories, context)
            guard let file = try CustomerFile.gather(email: email, from: repositories.customers(of: scope.artisan.id), forUpdate: false),
                  file.bookings.contains(where: { $0.booking.publicCode == code.uppercased() }) else {
                throw Scope.bookingNotFound(code, email: email)
            }
            return CustomerDataDocument(file, artisan: scope.artisan, zone: scope.zone, now: scope.now)
        }
    }

    /// What `forget` is about to do, for the confirmation.
    public struct ErasurePlan: Sendable {
        public let bookings: [Booking]
        /// Active bookings not over yet: cancelled first (`cancelUpcoming`), else a refusal.
        public let upcoming: [Booking]
        public let zone: ZoneRules
    }

    /// Erases the customer: their bookings keep amounts, dates, statuses and payment references
    /// but name `Anonymisé` and no e-mail or phone; the rows that point to them, and the rows
    /// that name them, lose the name, e-mail and phone; their exported calendar events are
    /// marked for the next sync to write again. Refused (CUSTOMER_HAS_UPCOMING_BOOKINGS) while
    /// an active booking is not over, unless `cancelUpcoming`, which cancels those first as
    /// `bookings cancel --force` would (refund rules included). `confirm` is called once the
    /// plan is known and nothing is changed yet. The erasure itself is one transaction.
    public func forget(email: String, cancelUpcoming: Bool, confirm: (ErasurePlan) throws -> Void) throws -> ErasureReport {
        let plan = try context.store.transaction(rollingBack: true) { repositories in
            let scope = try Scope(repositories, context)
            let bookings = try repositories.customers(of: scope.artisan.id).bookings(email: email, forUpdate: false).map(\.booking)
            guard !bookings.isEmpty else { throw Self.notFound }
            return ErasurePlan(bookings: bookings, upcoming: Self.upcoming(bookings, now: scope.now), zone: scope.zone)
        }
        if !plan.upcoming.isEmpty, !cancelUpcoming { throw Self.refusal(plan.upcoming, zone: plan.zone) }
        try confirm(plan)
        var cancelled: [String] = [], notes: [String] = []
        for booking in plan.upcoming {
            let placed = try BookingService(context).cancel(code: booking.publicCode, reason: "the customer asked for their data to be erased",
                                                            force: true)
            cancelled.append(placed.booking.publicCode)
            notes += placed.notes
        }
        var report: ErasureReport
        do {
            report = try context.store.transaction { repositories in
                let scope = try Scope(repositories, context)
                let customers = repositories.customers(of: scope.artisan.id)
                guard let file = try CustomerFile.gather(email: email, from: customers, forUpdate: true) else { throw Self.notFound }
                // Booked again between the plan and now: nothing is erased.
                let upcoming = Self.upcoming(file.bookings.map(\.booking), now: scope.now)
                guard upcoming.isEmpty else { throw Self.refusal(upcoming, zone: scope.zone) }
                return try file.erase(in: repositories, artisan: scope.artisan.id, at: scope.now)
            }
        } catch where !cancelled.isEmpty {
            throw Self.unfinished(error, cancelled: cancelled)
        }
        report.cancelled = cancelled
        report.notes = notes
        return report
    }

    /// The erasure failed after `--cancel` had cancelled (and committed) the upcoming bookings:
    /// the user learns which ones, and that a second run finishes the job.
    static func unfinished(_ error: any Error, cancelled: [String]) -> ArtisanError {
        let kind = (error as? ArtisanError)?.kind ?? .temporary
        return ArtisanError(kind, code: "CUSTOMER_ERASURE_UNFINISHED",
                            "\(ArtisanError.describe(error)); \(cancelled.joined(separator: ", ")) were cancelled first, but nothing was erased",
                            hint: "run the same 'customers forget' again to finish the erasure")
    }

    static func upcoming(_ bookings: [Booking], now: Timestamp) -> [Booking] {
        bookings.filter { $0.status.isActive && $0.end > now }
    }

    static func refusal(_ upcoming: [Booking], zone: ZoneRules) -> ArtisanError {
        let listed = upcoming.prefix(3).map { booking in
            let date = zone.localDate(at: booking.start), time = TimeOfDay(minutes: zone.localMinuteOfDay(at: booking.start))
            return "\(booking.publicCode) on \(date) at \(time?.description ?? "?")"
        }.joined(separator: ", ") + (upcoming.count > 3 ? "…" : "")
        return ArtisanError(.invalid, code: "CUSTOMER_HAS_UPCOMING_BOOKINGS",
                            "the customer has \(upcoming.count) upcoming booking\(upcoming.count == 1 ? "" : "s") (\(listed)): nothing was erased",
                            hint: "cancel \(upcoming.count == 1 ? "it" : "them") first, or pass --cancel to cancel and erase at once")
    }
}

/// What `forget` changed, table by table. It names no e-mail: the output may end in a log.
public struct ErasureReport: Sendable, Equatable, Encodable {
    /// Bookings whose customer became `Anonymisé`.
    public var bookings = 0
    /// Audit lines whose details named the customer.
    public var bookingEvents = 0
    public var notifications = 0
    /// Of those, messages that were still waiting: they will not go.
    public var notificationsCancelled = 0
    public var idempotencyKeys = 0
    /// Keys that named the customer themselves, deleted.
    public var idempotencyKeysDeleted = 0
    /// Exported calendar events the next `sync calendars` writes again.
    public var calendarEvents = 0
    /// Imported calendar blocks whose summary named the customer.
    public var calendarBlocks = 0
    /// Upcoming bookings cancelled first (`--cancel`), by code.
    public var cancelled: [String] = []
    /// Printed as notes, not in the report.
    public var notes: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case bookings, bookingEvents, notifications, notificationsCancelled, idempotencyKeys, idempotencyKeysDeleted, calendarEvents,
             calendarBlocks, cancelled
    }
}

/// The customer's bookings and every row about them, gathered in one unit of work.
struct CustomerFile {
    let identity: CustomerIdentity
    let bookings: [CustomerRows.Booking]
    let rows: CustomerRows

    /// Nil when no booking holds the e-mail.
    static func gather(email: String, from customers: any CustomerDataRepository, forUpdate: Bool) throws -> CustomerFile? {
        let bookings = try customers.bookings(email: email, forUpdate: forUpdate)
        guard !bookings.isEmpty else { return nil }
        let identity = CustomerIdentity(email: email, customers: bookings.map(\.booking.customer))
        let ids = bookings.map(\.booking.id)
        var rows = try customers.rows(linkedTo: ids)
        var mentions = try customers.rows(mentioning: identity.searchTerms, notLinkedTo: ids)
        // The store's search is a coarse one (substrings); the identity's rules decide.
        mentions.idempotencyKeys = mentions.idempotencyKeys.filter { identity.mentions(in: $0.key + "\n" + ($0.responseBody ?? "")) }
        mentions.calendarBlocks = mentions.calendarBlocks.filter { identity.mentions(in: $0.summary ?? "") }
        mentions.events = []
        mentions.notifications = []
        mentions.paymentEvents = []
        rows.add(mentions)
        return CustomerFile(identity: identity, bookings: bookings, rows: rows)
    }

    func erase(in repositories: any Repositories, artisan: UUID, at now: Timestamp) throws -> ErasureReport {
        let customers = repositories.customers(of: artisan)
        let erasure = CustomerErasure(identity: identity)
        var report = ErasureReport()
        for row in bookings {
            try customers.anonymise(booking: row.booking.id, at: now)
            try repositories.bookings(of: artisan).recordEvent(row.booking.id, kind: "customer_erased", details: [:], at: now)
            report.bookings += 1
        }
        for event in rows.events {
            guard let details = erasure.details(event.details) else { continue }
            try customers.saveDetails(ofEvent: event.id, details)
            report.bookingEvents += 1
        }
        for row in rows.notifications {
            guard let erased = erasure.notification(row.message) else { continue }
            try customers.saveErased(erased)
            report.notifications += 1
            if row.message.status == .pending { report.notificationsCancelled += 1 }
        }
        for key in rows.idempotencyKeys {
            switch erasure.idempotencyKey(key) {
            case .keep: break
            case .save(let erased):
                try customers.saveErased(erased)
                report.idempotencyKeys += 1
            case .delete:
                try repositories.idempotency.delete(key.key)
                report.idempotencyKeysDeleted += 1
            }
        }
        for block in rows.calendarBlocks where block.source == "external" {
            guard let summary = block.summary, let erased = erasure.summary(summary) else { continue }
            try customers.saveSummary(ofBlock: block.id, erased)
            report.calendarBlocks += 1
        }
        report.calendarEvents = try customers.requestRewrite(ofEventsOf: bookings.map(\.booking.id))
        return report
    }
}
