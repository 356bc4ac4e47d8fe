import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's bookings, their audit trail, and the busy time availability must avoid.
public struct PostgresBookingRepository: BookingRepository {
    let connection: PostgresConnection
    let artisan: UUID

    public init(connection: PostgresConnection, artisan: UUID) {
        self.connection = connection
        self.artisan = artisan
    }

    static let columns = """
        b.id, b.public_code, b.service_id, s.name AS service_name, b.status, b.customer_name, b.customer_email, b.customer_phone,
        b.start_datetime, b.duration_minutes, b.price_cents, b.deposit_rate, b.deposit_amount_cents, b.deposit_payment_status,
        b.buffer_before_minutes, b.buffer_after_minutes, b.notifications_email, b.notifications_sms, b.created_at,
        b.deposit_payment_provider, b.deposit_payment_method, b.deposit_payment_intent_id, b.deposit_checkout_session_id,
        b.deposit_checkout_url, b.deposit_hold_until, b.deposit_refund_status, b.deposit_refund_id
        """

    /// Inserts a booking; its turn's locks are taken by the insert itself (`insertRow`).
    public func insert(_ booking: Booking) throws {
        let inserted: Int
        do {
            inserted = try insertRow(booking)
        } catch let error as DatabaseError where error.kind == .exclusionViolation {
            throw BookingWriteConflict.slotTaken
        }
        // ON CONFLICT (public_code) DO NOTHING: a code drawn twice leaves the transaction usable.
        guard inserted == 1 else { throw BookingWriteConflict.publicCodeTaken }
    }

    /// Two transactions writing overlapping bookings at the same instant each insert their index entry,
    /// then each wait for the other in the exclusion constraint's check: a deadlock PostgreSQL breaks
    /// only after deadlock_timeout, one victim a second (50 simultaneous requests for one slot: 49
    /// deadlocks, the last after 49 s). Writers of one artisan's hours take turns instead, with a lock
    /// per hour the booking occupies, taken in key order until the transaction ends: the later writer
    /// finds the earlier committed and is refused at once; bookings of other hours still go in parallel.
    private func takeTurn(for booking: Booking) throws {
        for key in turnKeys(booking) { try connection.execute("SELECT pg_advisory_xact_lock(\(key))") }
    }

    /// The locks of the hours `booking` occupies, in the order they are taken.
    private func turnKeys(_ booking: Booking) -> [Int64] {
        let from = booking.start.adding(minutes: -booking.bufferBeforeMinutes).secondsSinceEpoch / 3600
        let to = (booking.start.adding(minutes: booking.durationMinutes + booking.bufferAfterMinutes).secondsSinceEpoch - 1) / 3600
        let hours = stride(from: from, through: max(from, min(to, from + 48)), by: 1)
        return Set(hours.map { PostgresStore.lockKey("schedule-hour-\($0)", artisan) }).sorted()
    }

    /// Takes its turn (`takeTurn`) in the same statement, one round trip fewer: the row's values,
    /// the turn's locks among them, are computed before its index entries go in.
    private func insertRow(_ booking: Booking) throws -> Int {
        let keys = turnKeys(booking).map(String.init).joined(separator: ",")
        return try connection.execute("""
            INSERT INTO bookings (id, public_code, artisan_id, service_id, status, customer_name, customer_email, customer_phone,
                                  start_datetime, duration_minutes, price_cents, deposit_amount_cents, deposit_rate, deposit_payment_status,
                                  notifications_email, notifications_sms, buffer_before_minutes, buffer_after_minutes,
                                  deposit_payment_provider, deposit_payment_method, deposit_hold_until, created_at, updated_at)
            VALUES (\(booking.id), \(booking.publicCode), \(artisan), \(booking.serviceID), \(booking.status.rawValue),
                    \(booking.customer.name), \(booking.customer.email), \(booking.customer.phone), \(booking.start),
                    \(booking.durationMinutes), \(booking.price.cents), \(booking.deposit.cents),
                    \(PostgresNumeric(booking.depositRate.description)!), \(booking.depositStatus.rawValue),
                    \(booking.notifyByEmail), \(booking.notifyBySMS), \(booking.bufferBeforeMinutes), \(booking.bufferAfterMinutes),
                    \(booking.payment.provider?.rawValue), \(booking.payment.method?.rawValue), \(booking.payment.holdUntil),
                    (SELECT coalesce(\(booking.payment.requestedAt), artisan_now())
                     FROM (SELECT count(pg_advisory_xact_lock(key)) FROM unnest(string_to_array(\(keys), ',')::bigint[]) AS key) AS turn),
                    coalesce(\(booking.payment.requestedAt), artisan_now()))
            ON CONFLICT (public_code) DO NOTHING
            """)
    }

    public func savePayment(_ booking: Booking) throws {
        let payment = booking.payment
        try connection.execute("""
            UPDATE bookings SET deposit_payment_status = \(booking.depositStatus.rawValue),
                   deposit_payment_provider = \(payment.provider?.rawValue), deposit_payment_method = \(payment.method?.rawValue),
                   deposit_payment_intent_id = \(payment.intentID), deposit_checkout_session_id = \(payment.checkoutSessionID),
                   deposit_checkout_url = \(payment.checkoutURL), deposit_hold_until = \(payment.holdUntil),
                   deposit_refund_status = \(payment.refundStatus?.rawValue), deposit_refund_id = \(payment.refundID), updated_at = artisan_now()
            WHERE id = \(booking.id) AND artisan_id = \(artisan)
            """)
    }

    public func find(id: UUID, forUpdate: Bool) throws -> Booking? {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM bookings b JOIN services s ON s.id = b.service_id
            WHERE b.artisan_id = \(artisan) AND b.id = \(id) \(unsafeSQL: forUpdate ? "FOR UPDATE OF b" : "")
            """).first.map(Self.decode)
    }

    public func unpaidStripeDeposits() throws -> [Booking] {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM bookings b JOIN services s ON s.id = b.service_id
            WHERE b.artisan_id = \(artisan) AND b.deposit_payment_provider = 'stripe'
              AND b.deposit_payment_status IN ('pending', 'failed') AND b.status <> 'cancelled'
            ORDER BY b.created_at, b.id
            """).map(Self.decode)
    }

    public func pendingRefunds() throws -> [Booking] {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM bookings b JOIN services s ON s.id = b.service_id
            WHERE b.artisan_id = \(artisan) AND b.deposit_refund_status = 'pending'
            ORDER BY b.created_at, b.id
            """).map(Self.decode)
    }

    public func updateScheduleAndStatus(_ booking: Booking) throws {
        try takeTurn(for: booking)
        do {
            try connection.execute("""
                UPDATE bookings SET status = \(booking.status.rawValue), start_datetime = \(booking.start), updated_at = artisan_now()
                WHERE id = \(booking.id) AND artisan_id = \(artisan)
                """)
        } catch let error as DatabaseError where error.kind == .exclusionViolation {
            throw BookingWriteConflict.slotTaken
        }
    }

    /// By public code, locked for update (a change of it is decided on what is read here).
    public func find(code: String, forUpdate: Bool = false) throws -> Booking? {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM bookings b JOIN services s ON s.id = b.service_id
            WHERE b.artisan_id = \(artisan) AND b.public_code = \(code.uppercased())
            \(unsafeSQL: forUpdate ? "FOR UPDATE OF b" : "")
            """).first.map(Self.decode)
    }

    /// The bookings matching `filter`, chronologically, one at a time. Without a date range the
    /// rows are streamed (libpq single-row mode: memory stays flat for any number); a bounded
    /// range comes in one result, which is faster per row.
    public func stream(_ filter: BookingFilter, _ body: (Booking) throws -> Void) throws {
        let pattern = filter.customer.map { "%" + $0.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_") + "%" }
        let query: SQLQuery = """
            SELECT \(unsafeSQL: Self.columns) FROM bookings b JOIN services s ON s.id = b.service_id
            WHERE b.artisan_id = \(artisan)
              AND \(when: filter.from, "b.start_datetime >= {}") AND \(when: filter.to, "b.start_datetime < {}")
              AND \(when: filter.status?.rawValue, "b.status = {}")
              AND \(when: filter.depositStatus?.rawValue, "b.deposit_payment_status = {}")
              AND \(when: filter.serviceID, "b.service_id = {}")
              AND \(when: pattern, "(b.customer_name ILIKE {} OR b.customer_email ILIKE {} OR coalesce(b.customer_phone, '') ILIKE {})")
            ORDER BY b.start_datetime, b.public_code
            """
        if filter.from != nil, filter.to != nil {
            for row in try connection.query(query) { try body(try Self.decode(row)) }
        } else {
            try connection.stream(query) { row in try body(try Self.decode(row)) }
        }
    }

    /// Busy time overlapping `window`: other active bookings' buffered spans, and the external
    /// calendar blocks (not the blocks that only mirror our own bookings), merged where they
    /// overlap or touch, in order. A day of back-to-back bookings comes as one interval: for 30
    /// days of the bench's agenda, 37 rows instead of 757, each of which cost more to read than
    /// PostgreSQL's merge.
    public func busyIntervals(in window: Interval, excluding booking: UUID? = nil) throws -> [Interval] {
        let range = "[\(window.start.iso8601()),\(window.end.iso8601()))"
        // One result, not single-row mode (a PGresult per row): the window bounds the rows.
        return try connection.query("""
            SELECT lower(busy) AS s, upper(busy) AS e FROM unnest((SELECT range_agg(span) FROM (
              SELECT occupied AS span FROM bookings
              WHERE artisan_id = \(artisan) AND status IN ('confirmed', 'rescheduled') AND occupied && \(range)::tstzrange
                AND id IS DISTINCT FROM \(booking)
              UNION ALL
              SELECT tstzrange(start_datetime, end_datetime) FROM external_busy_blocks
              WHERE artisan_id = \(artisan) AND source = 'external' AND start_datetime < \(window.end) AND end_datetime > \(window.start)
            ) AS spans)) AS busy
            """).map { row in Interval(start: try row.decode("s"), end: try row.decode("e")) }
    }

    /// One line of the audit trail.
    public func recordEvent(_ booking: UUID, kind: String, details: [String: String], at: Timestamp) throws {
        let json = try JSONStrings.text(details)
        try connection.execute("""
            INSERT INTO booking_events (booking_id, at, kind, details) VALUES (\(booking), \(at), \(kind), \(json)::jsonb)
            """)
    }

    public func events(_ booking: UUID) throws -> [(at: Timestamp, kind: String, details: String)] {
        try connection.query("SELECT at, kind, details::text AS details FROM booking_events WHERE booking_id = \(booking) ORDER BY at, id")
            .map { (try $0.decode("at"), try $0.decode("kind"), try $0.decode("details")) }
    }

    static func decode(_ row: Row) throws -> Booking {
        let rate: PostgresNumeric = try row.decode("deposit_rate")
        let provider = try row.decode("deposit_payment_provider", as: String?.self)
        let method = try row.decode("deposit_payment_method", as: String?.self)
        let refund = try row.decode("deposit_refund_status", as: String?.self)
        guard let status = Booking.Status(rawValue: try row.decode("status")),
              let depositStatus = Booking.DepositStatus(rawValue: try row.decode("deposit_payment_status")),
              provider.map({ DepositPayment.Provider(rawValue: $0) != nil }) ?? true,
              method.map({ DepositPayment.Method(rawValue: $0) != nil }) ?? true,
              refund.map({ DepositPayment.RefundStatus(rawValue: $0) != nil }) ?? true,
              let hundredths = rate.scaled(by: 2), let depositRate = DepositRate(hundredths: hundredths) else {
            throw DatabaseError(kind: .decoding, message: "a booking row holds a status or rate outside the schema's sets", column: "status")
        }
        return Booking(
            id: try row.decode("id"), publicCode: try row.decode("public_code"), serviceID: try row.decode("service_id"),
            serviceName: try row.decode("service_name"), status: status,
            customer: Customer(name: try row.decode("customer_name"), email: try row.decode("customer_email", as: String?.self),
                               phone: try row.decode("customer_phone", as: String?.self)),
            start: try row.decode("start_datetime"), durationMinutes: try row.decode("duration_minutes"),
            price: Money(cents: try row.decode("price_cents")), depositRate: depositRate, deposit: Money(cents: try row.decode("deposit_amount_cents")),
            depositStatus: depositStatus,
            payment: DepositPayment(
                provider: provider.flatMap(DepositPayment.Provider.init(rawValue:)), method: method.flatMap(DepositPayment.Method.init(rawValue:)),
                intentID: try row.decode("deposit_payment_intent_id", as: String?.self),
                checkoutSessionID: try row.decode("deposit_checkout_session_id", as: String?.self),
                checkoutURL: try row.decode("deposit_checkout_url", as: String?.self),
                holdUntil: try row.decode("deposit_hold_until", as: Timestamp?.self),
                refundStatus: refund.flatMap(DepositPayment.RefundStatus.init(rawValue:)),
                refundID: try row.decode("deposit_refund_id", as: String?.self), requestedAt: try row.decode("created_at")),
            bufferBeforeMinutes: try row.decode("buffer_before_minutes"),
            bufferAfterMinutes: try row.decode("buffer_after_minutes"), notifyByEmail: try row.decode("notifications_email"),
            notifyBySMS: try row.decode("notifications_sms"))
    }
}
