#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The booking use cases (the spec's BookingService): availability, book, find, cancel,
/// reschedule, list. Each call is one unit of work on the injected store, at the injected
/// clock's instant. The availability engine is the first line against double booking; the
/// store's own refusal of an overlap (PostgreSQL's exclusion constraint) is the last, and both
/// come back as the same SLOT_UNAVAILABLE.
public struct BookingService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    public static let slotUnavailable = ArtisanError(.invalid, code: "SLOT_UNAVAILABLE", "this slot is already booked or unavailable",
                                                     hint: "see the free slots with 'artisanctl availability --service SERVICE --date DATE'")

    /// A booking and the artisan's zone, in which it is shown, with what its deposit's collection
    /// left to say (Stripe unreachable, a refund pending…).
    public struct Placed: Sendable {
        public var booking: Booking
        public let zone: ZoneRules
        public var notes: [String] = []
        /// The PaymentIntent's client secret, for the web front only: never printed, never stored.
        public var clientSecret: String?
    }

    /// What a customer asks for.
    public struct Request: Sendable {
        public var service: String
        public var date: LocalDate
        public var time: TimeOfDay
        public var customer: Customer
        public var notifyByEmail: Bool
        public var notifyBySMS: Bool
        public var deposit: DepositChoice
        /// The API's Idempotency-Key, claimed beforehand (`IdempotentRequests`), linked to the
        /// booking in its own transaction.
        public var idempotencyKey: String?

        public init(service: String, date: LocalDate, time: TimeOfDay, customer: Customer, notifyByEmail: Bool = true, notifyBySMS: Bool = false,
                    deposit: DepositChoice = .automatic, idempotencyKey: String? = nil) {
            self.service = service
            self.date = date
            self.time = time
            self.customer = customer
            self.notifyByEmail = notifyByEmail
            self.notifyBySMS = notifyBySMS
            self.deposit = deposit
            self.idempotencyKey = idempotencyKey
        }
    }

    /// The free slots of a service from `from` (default: today in the artisan's zone) for `days`
    /// days; with `horizonField`, `days` must not exceed the booking horizon (named as that field).
    public func availability(service reference: String, from: LocalDate?, days: Int,
                             horizonField: String? = nil) throws -> (slots: [AvailabilityEngine.Slot], zone: ZoneRules) {
        // Reads only: no transaction (BEGIN, the clock's SET and COMMIT were a third of its round trips).
        try context.store.read { repositories in
            let scope = try Scope(repositories, context)
            if let horizonField, days > scope.artisan.settings.horizonDays {
                throw ArtisanError.invalid(field: horizonField, "must be at most the booking horizon, \(scope.artisan.settings.horizonDays) days")
            }
            let service = try scope.service(reference)
            try service.requireBookable()
            return (try scope.slots(for: service, from: from ?? scope.today, days: days), scope.zone)
        }
    }

    /// Books the slot, then asks Stripe for the deposit once the booking is committed: Stripe
    /// being down never loses a booking (`payments sync` asks again).
    public func book(_ request: Request) throws -> Placed {
        if request.deposit == .payLink, let gateway = context.payments, gateway.publicBaseURL == nil {
            throw ArtisanError.configuration("--pay-link needs PUBLIC_BASE_URL, the web front's address Stripe sends the customer back to")
        }
        // The slot is checked before the transaction: a refusal, most requests when a slot is sought
        // after, costs no BEGIN and ROLLBACK. Nothing is lost: under READ COMMITTED each statement
        // reads afresh anyway, and an overlap committed in between is refused by the insert below.
        let (artisan, now, service, start, deposit) = try context.store.read { repositories in
            let scope = try Scope(repositories, context)
            let service = try scope.service(request.service)
            try service.requireBookable()
            let start = try scope.freeSlot(for: service, date: request.date, minute: request.time.minutes)
            let deposit = try request.deposit.plan(deposit: service.deposit, stripe: context.payments != nil, settings: scope.artisan.settings,
                                                   now: scope.now)
            return (scope.artisan, scope.now, service, start, deposit)
        }
        let placed = try context.store.transaction { repositories in
            let scope = try Scope(repositories, context, artisan: artisan, now: now)
            for _ in 0..<10 {
                var booking = Booking.new(code: PublicCode.generate(), service: service, customer: request.customer, start: start,
                                          notifyByEmail: request.notifyByEmail, notifyBySMS: request.notifyBySMS)
                booking.depositStatus = deposit.status
                booking.payment = deposit.payment
                booking.payment.requestedAt = scope.now
                do {
                    try scope.bookings.insert(booking)
                } catch BookingWriteConflict.publicCodeTaken {
                    continue
                } catch BookingWriteConflict.slotTaken {
                    throw Self.slotUnavailable
                }
                try scope.bookings.recordEvent(booking.id, kind: "created", details: ["start": start.iso8601(), "service": service.name], at: scope.now)
                if let key = request.idempotencyKey { try repositories.idempotency.attach(key, booking: booking.id) }
                try scope.notify(booking, .created, context)
                return Placed(booking: booking, zone: scope.zone, notes: deposit.note.map { [$0] } ?? [])
            }
            throw ArtisanError(.temporary, code: "PUBLIC_CODE_EXHAUSTED", "could not draw a free public code after 10 tries")
        }
        // Delivered once Stripe was asked: the confirmation reads the pay link as it leaves.
        var outcome = PaymentService(context).collect(placed)
        outcome.notes += NotificationService(context).deliverNow(booking: outcome.booking.id)
        return outcome
    }

    /// By public code; with `email`, both must match (a mismatch is "not found", as in the public lookup).
    public func find(code: String, email: String?) throws -> Placed {
        try context.store.transaction { repositories in
            let scope = try Scope(repositories, context)
            return Placed(booking: try scope.booking(code, email: email), zone: scope.zone)
        }
    }

    /// Cancels a booking. A deposit captured online is refunded when the cancellation comes before
    /// the deadline (after it, only with `.refund`; never with `.keep`); an unpaid one is
    /// withdrawn at Stripe. The refund is decided in the cancellation's transaction and made after
    /// it: when Stripe fails, the booking stays cancelled and `payments sync` retries the refund.
    /// With `email` (the public API), the booking must be the customer's (else "not found").
    public func cancel(code: String, email: String? = nil, reason: String?, force: Bool, refund: RefundChoice = .automatic) throws -> Placed {
        let (placed, artisan) = try context.store.transaction { repositories in
            let scope = try Scope(repositories, context)
            var booking = try scope.booking(code, email: email, forUpdate: true)
            let beforeDeadline = booking.isBeforeDeadline(now: scope.now, deadlineHours: scope.artisan.settings.cancellationDeadlineHours)
            try booking.checkChangeAllowed("cancelled", now: scope.now, deadlineHours: scope.artisan.settings.cancellationDeadlineHours, force: force)
            booking.status = .cancelled
            try scope.bookings.updateScheduleAndStatus(booking)
            var details = ["forced": force ? "true" : "false"]
            if let reason { details["reason"] = reason }
            try scope.bookings.recordEvent(booking.id, kind: "cancelled", details: details, at: scope.now)
            let refunding = booking.depositStatus == .captured && refund.refunds(beforeDeadline: beforeDeadline)
            try scope.notify(booking, .cancelled(refund: refunding), context)
            var notes: [String] = []
            if booking.depositStatus == .captured, refund.refunds(beforeDeadline: beforeDeadline) {
                booking.payment.refundStatus = .pending
                if booking.payment.provider != .stripe {
                    booking.depositStatus = .refunded
                    booking.payment.refundStatus = .succeeded
                    notes.append("the deposit of \(booking.deposit) € was paid in person: hand it back to the customer")
                }
                try scope.bookings.savePayment(booking)
                try scope.bookings.recordEvent(booking.id, kind: booking.depositStatus == .refunded ? "deposit_refunded" : "deposit_refund_requested",
                                               details: [:], at: scope.now)
            } else if booking.depositStatus == .captured {
                notes.append(refund == .keep ? "the deposit of \(booking.deposit) € is kept (--no-refund)"
                             : "the deposit of \(booking.deposit) € is kept (cancelled after the deadline); pass --refund to refund it")
            }
            return (Placed(booking: booking, zone: scope.zone, notes: notes), scope.artisan.id)
        }
        var outcome = placed
        let payments = PaymentService(context)
        if outcome.booking.depositStatus.isUnpaid || outcome.booking.depositStatus == .authorized {
            payments.withdraw(outcome.booking, notes: &outcome.notes)
        }
        if outcome.booking.payment.refundStatus == .pending {
            if let problem = payments.settleRefund(outcome.booking, artisan: artisan) { outcome.notes.append(problem) }
            outcome.booking = try context.store.read { try $0.bookings(of: artisan).find(id: outcome.booking.id, forUpdate: false) } ?? outcome.booking
        }
        outcome.notes += NotificationService(context).deliverNow(booking: outcome.booking.id)
        return outcome
    }

    /// Whether a cancellation refunds a captured deposit.
    public enum RefundChoice: Sendable {
        /// Before the cancellation deadline only.
        case automatic
        /// Even after the deadline (`--refund`).
        case refund
        /// Never (`--no-refund`).
        case keep

        func refunds(beforeDeadline: Bool) -> Bool {
            switch self {
            case .automatic: beforeDeadline
            case .refund: true
            case .keep: false
            }
        }
    }

    /// Moves a booking to another free slot. It keeps the terms it was sold with: its own
    /// duration and buffers, not today's service.
    public func reschedule(code: String, email: String? = nil, date: LocalDate, time: TimeOfDay, force: Bool) throws -> Placed {
        var placed = try context.store.transaction { repositories in
            let scope = try Scope(repositories, context)
            var booking = try scope.booking(code, email: email, forUpdate: true)
            try booking.checkChangeAllowed("rescheduled", now: scope.now, deadlineHours: scope.artisan.settings.cancellationDeadlineHours, force: force)
            guard var terms = try scope.services.find(booking.serviceID.lowercasedText) else {
                throw ArtisanError.notFound("the service of \(booking.publicCode) no longer exists")
            }
            terms.durationMinutes = booking.durationMinutes
            terms.bufferBeforeMinutes = booking.bufferBeforeMinutes
            terms.bufferAfterMinutes = booking.bufferAfterMinutes
            terms.isActive = true
            let start = try scope.freeSlot(for: terms, date: date, minute: time.minutes, excluding: booking.id)
            let previous = booking.start
            booking.start = start
            booking.status = .rescheduled
            do {
                try scope.bookings.updateScheduleAndStatus(booking)
            } catch BookingWriteConflict.slotTaken {
                throw Self.slotUnavailable
            }
            try scope.bookings.recordEvent(booking.id, kind: "rescheduled",
                                           details: ["from": previous.iso8601(), "to": start.iso8601(), "forced": force ? "true" : "false"], at: scope.now)
            try scope.notify(booking, .rescheduled(from: previous), context)
            // Moved to tomorrow: the evening's reminder run may be over, so its reminder is queued now
            // (a later run finds it queued).
            if scope.zone.localDate(at: start) == scope.today.adding(days: 1) { try scope.notify(booking, .reminder, context) }
            return Placed(booking: booking, zone: scope.zone)
        }
        placed.notes += NotificationService(context).deliverNow(booking: placed.booking.id)
        return placed
    }

    /// Which bookings `list` shows: local days in the artisan's zone (default: today to 30 days
    /// ahead), or every booking with `all`.
    public struct Listing: Sendable {
        public var from: LocalDate?
        public var to: LocalDate?
        public var all = false
        public var status: Booking.Status?
        public var service: String?
        public var customer: String?

        public init(from: LocalDate? = nil, to: LocalDate? = nil, all: Bool = false, status: Booking.Status? = nil,
                    service: String? = nil, customer: String? = nil) {
            self.from = from
            self.to = to
            self.all = all
            self.status = status
            self.service = service
            self.customer = customer
        }
    }

    /// Streams the listed bookings, chronologically, each with the zone it is shown in.
    /// A read: one query, no transaction.
    public func list(_ listing: Listing, deposit: Booking.DepositStatus? = nil, each: (Booking, ZoneRules) throws -> Void) throws {
        try context.store.read { repositories in
            let scope = try Scope(repositories, context)
            var filter = BookingFilter(status: listing.status, depositStatus: deposit, customer: listing.customer)
            if !listing.all {
                let from = listing.from ?? scope.today
                let to = listing.to ?? from.adding(days: 30)
                guard to >= from else { throw ArtisanError.invalid(field: "--to", "must be on or after --from (\(from))") }
                filter.from = scope.zone.firstInstant(on: from, minuteOfDay: 0)
                filter.to = scope.zone.firstInstant(on: to.adding(days: 1), minuteOfDay: 0)
            }
            if let reference = listing.service { filter.serviceID = try scope.service(reference).id }
            try scope.bookings.stream(filter) { try each($0, scope.zone) }
        }
    }
}

/// What one booking use case works with: the artisan, their zone and repositories, and "now".
struct Scope {
    let artisan: Artisan
    let zone: ZoneRules
    let now: Timestamp
    let services: any ServiceRepository
    let week: any WeekRepository
    let bookings: any BookingRepository
    let repositories: any Repositories

    init(_ repositories: any Repositories, _ context: ServiceContext) throws {
        try self.init(repositories, context, artisan: try context.artisan(in: repositories), now: context.clock.now())
    }

    /// With the artisan an earlier read of the same use case found, at that read's instant.
    init(_ repositories: any Repositories, _ context: ServiceContext, artisan: Artisan, now: Timestamp) throws {
        self.repositories = repositories
        self.artisan = artisan
        self.now = now
        zone = try context.zones.rules(for: artisan.timezone)
        services = repositories.services(of: artisan.id)
        week = repositories.week(of: artisan.id)
        bookings = repositories.bookings(of: artisan.id)
    }

    var today: LocalDate { zone.localDate(at: now) }

    /// Queues the messages of a change to `booking` in this unit of work.
    func notify(_ booking: Booking, _ change: NotificationPlanner.Change, _ context: ServiceContext) throws {
        try NotificationService.enqueue(booking, change, artisan: artisan, zone: zone, now: now, settings: context.notifications,
                                        into: repositories)
    }

    func service(_ reference: String) throws -> Service { try services.require(reference) }

    func booking(_ code: String, email: String? = nil, forUpdate: Bool = false) throws -> Booking {
        let notFound = Self.bookingNotFound(code, email: email)
        guard PublicCode.isWellFormed(code.uppercased()), let booking = try bookings.find(code: code.uppercased(), forUpdate: forUpdate) else {
            throw notFound
        }
        if let email, booking.customer.email?.lowercased() != email.lowercased() { throw notFound }
        return booking
    }

    /// The same answer whether the code or the e-mail is wrong.
    static func bookingNotFound(_ code: String, email: String?) -> ArtisanError {
        ArtisanError.notFound(code: "BOOKING_NOT_FOUND", "no booking matches \(code)\(email == nil ? "" : " and that e-mail")")
    }

    func slots(for service: Service, from: LocalDate, days: Int, excluding booking: UUID? = nil) throws -> [AvailabilityEngine.Slot] {
        let engine = AvailabilityEngine(zone: zone, settings: artisan.settings, week: try week.schedule())
        let window = engine.window(from: from, days: days, bufferBefore: service.bufferBeforeMinutes, bufferAfter: service.bufferAfterMinutes)
        let busy = try bookings.busyIntervals(in: window, excluding: booking)
        return engine.slots(for: service, from: from, days: days, busy: busy, now: now)
    }

    /// The instant a wall-clock date and time of the artisan's zone names, if that slot is free.
    func freeSlot(for service: Service, date: LocalDate, minute: Int, excluding booking: UUID? = nil) throws -> Timestamp {
        let slots = try slots(for: service, from: date, days: 1, excluding: booking)
        guard let slot = slots.first(where: { $0.minuteOfDay == minute }) else { throw BookingService.slotUnavailable }
        return slot.start
    }
}
