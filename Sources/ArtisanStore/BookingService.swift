import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The booking lifecycle (the spec's BookingService) on one connection, inside the caller's
/// transaction: availability, create, cancel, reschedule. The availability engine is the first
/// line against double booking; the database's exclusion constraint is the last, and its
/// refusal comes back as the same SLOT_UNAVAILABLE.
public struct BookingService {
    let connection: PostgresConnection
    let artisan: Artisan
    public let zone: ZoneRules
    let now: Timestamp
    let bookings: BookingRepository

    public init(connection: PostgresConnection, artisan: Artisan, zone: ZoneRules, now: Timestamp) {
        self.connection = connection
        self.artisan = artisan
        self.zone = zone
        self.now = now
        bookings = BookingRepository(connection: connection, artisan: artisan.id)
    }

    public static let slotUnavailable = ArtisanError(.invalid, code: "SLOT_UNAVAILABLE", "this slot is already booked or unavailable",
                                                     hint: "see the free slots with 'artisanctl availability --service SERVICE --date DATE'")

    func engine() throws -> AvailabilityEngine {
        let week = WeekRepository(connection: connection, artisan: artisan.id)
        return AvailabilityEngine(zone: zone, settings: artisan.settings,
                                  week: .init(opening: try week.openingRules(), breaks: try week.breakRules(), timeOff: try week.timeOff(endingOnOrAfter: nil)))
    }

    public func availability(for service: Service, from: LocalDate, days: Int, excluding booking: UUID? = nil) throws -> [AvailabilityEngine.Slot] {
        let engine = try engine()
        let window = engine.window(from: from, days: days, bufferBefore: service.bufferBeforeMinutes, bufferAfter: service.bufferAfterMinutes)
        let busy = try bookings.busyIntervals(in: window, excluding: booking)
        return engine.slots(for: service, from: from, days: days, busy: busy, now: now)
    }

    /// The instant a wall-clock date and time of the artisan's zone names, if that slot is free.
    func freeSlot(for service: Service, date: LocalDate, minute: Int, excluding booking: UUID? = nil) throws -> Timestamp {
        let slots = try availability(for: service, from: date, days: 1, excluding: booking)
        guard let slot = slots.first(where: { $0.minuteOfDay == minute }) else { throw Self.slotUnavailable }
        return slot.start
    }

    public func create(service: Service, date: LocalDate, time: TimeOfDay, customer: Customer, notifyByEmail: Bool, notifyBySMS: Bool) throws -> Booking {
        try service.requireBookable()
        let start = try freeSlot(for: service, date: date, minute: time.minutes)
        for _ in 0..<10 {
            let booking = Booking.new(code: PublicCode.generate(), service: service, customer: customer, start: start,
                                      notifyByEmail: notifyByEmail, notifyBySMS: notifyBySMS)
            try connection.execute("SAVEPOINT booking_insert")
            do {
                try bookings.insert(booking)
            } catch let error as DatabaseError where error.kind == .uniqueViolation && (error.constraint ?? "").contains("public_code") {
                try connection.execute("ROLLBACK TO SAVEPOINT booking_insert")
                continue
            } catch let error as DatabaseError where error.kind == .exclusionViolation {
                throw Self.slotUnavailable
            }
            try connection.execute("RELEASE SAVEPOINT booking_insert")
            try bookings.recordEvent(booking.id, kind: "created", details: ["start": start.iso8601(), "service": service.name], at: now)
            return booking
        }
        throw ArtisanError(.temporary, code: "PUBLIC_CODE_EXHAUSTED", "could not draw a free public code after 10 tries")
    }

    public func find(code: String, email: String? = nil, forUpdate: Bool = false) throws -> Booking {
        let notFound = ArtisanError.notFound(code: "BOOKING_NOT_FOUND", "no booking matches \(code)\(email == nil ? "" : " and that e-mail")")
        guard PublicCode.isWellFormed(code.uppercased()), let booking = try bookings.find(code: code, forUpdate: forUpdate) else { throw notFound }
        if let email, booking.customer.email.lowercased() != email.lowercased() { throw notFound }
        return booking
    }

    public func cancel(code: String, reason: String?, force: Bool) throws -> Booking {
        var booking = try find(code: code, forUpdate: true)
        try booking.checkChangeAllowed("cancelled", now: now, deadlineHours: artisan.settings.cancellationDeadlineHours, force: force)
        booking.status = .cancelled
        try bookings.updateScheduleAndStatus(booking)
        var details = ["forced": force ? "true" : "false"]
        if let reason { details["reason"] = reason }
        try bookings.recordEvent(booking.id, kind: "cancelled", details: details, at: now)
        return booking
    }

    public func reschedule(code: String, service: Service, date: LocalDate, time: TimeOfDay, force: Bool) throws -> Booking {
        var booking = try find(code: code, forUpdate: true)
        try booking.checkChangeAllowed("rescheduled", now: now, deadlineHours: artisan.settings.cancellationDeadlineHours, force: force)
        // The booking keeps the terms it was sold with: its own duration and buffers, not today's service.
        var terms = service
        terms.durationMinutes = booking.durationMinutes
        terms.bufferBeforeMinutes = booking.bufferBeforeMinutes
        terms.bufferAfterMinutes = booking.bufferAfterMinutes
        terms.isActive = true
        let start = try freeSlot(for: terms, date: date, minute: time.minutes, excluding: booking.id)
        let previous = booking.start
        booking.start = start
        booking.status = .rescheduled
        do {
            try bookings.updateScheduleAndStatus(booking)
        } catch let error as DatabaseError where error.kind == .exclusionViolation {
            throw Self.slotUnavailable
        }
        try bookings.recordEvent(booking.id, kind: "rescheduled", details: ["from": previous.iso8601(), "to": start.iso8601(), "forced": force ? "true" : "false"], at: now)
        return booking
    }
}
