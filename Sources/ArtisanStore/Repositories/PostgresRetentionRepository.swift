import ArtisanCore

/// The retention rule's deletions, across artisans. The foreign keys decide what goes with a
/// booking: booking_events, notifications and external_busy_blocks (export records) cascade;
/// stripe_events and idempotency_keys keep their row with no booking (ON DELETE SET NULL).
public struct PostgresRetentionRepository: RetentionRepository {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    /// The bookings rule, on `bookings b` and a cut-off `cut.at`: over before it, no refund owed, and
    /// no exported event still waiting for `sync calendars` to write it again without a forgotten customer.
    private static let pastBooking = """
        b.start_datetime + make_interval(mins => b.duration_minutes) < cut.at AND b.deposit_refund_status IS DISTINCT FROM 'pending'
        AND NOT EXISTS (SELECT 1 FROM external_busy_blocks x WHERE x.booking_id = b.id AND x.rewrite_requested)
        """

    /// One statement: the bookings are locked, what refers to them counted (a locked booking
    /// admits no new reference), then they are deleted and the cascades run.
    public func deleteBookings(endedBefore cutoff: Timestamp) throws -> PurgedBookings {
        let row = try connection.query("""
            WITH cut AS (SELECT \(cutoff)::timestamptz AS at),
            doomed AS (
              SELECT b.id FROM bookings b, cut WHERE \(unsafeSQL: Self.pastBooking) FOR UPDATE OF b
            ), gone AS (
              DELETE FROM bookings WHERE id IN (SELECT id FROM doomed) RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS bookings,
                   (SELECT count(*) FROM booking_events WHERE booking_id IN (SELECT id FROM doomed)) AS events,
                   (SELECT count(*) FROM notifications WHERE booking_id IN (SELECT id FROM doomed)) AS notifications,
                   (SELECT count(*) FROM external_busy_blocks WHERE booking_id IN (SELECT id FROM doomed)) AS exports
            """)[0]
        return PurgedBookings(bookings: try row.decode("bookings"), events: try row.decode("events"),
                              notifications: try row.decode("notifications"), calendarExports: try row.decode("exports"))
    }

    public func deleteNotifications(settledBefore cutoff: Timestamp, bookingsEndedBefore bookingCutoff: Timestamp, now: Timestamp) throws -> Int {
        try connection.execute("""
            WITH cut AS (SELECT \(bookingCutoff)::timestamptz AS at)
            DELETE FROM notifications n
            WHERE n.status IN ('sent', 'failed', 'cancelled') AND n.updated_at < \(cutoff)
              AND NOT EXISTS (SELECT 1 FROM bookings b, cut WHERE b.id = n.booking_id
                                AND (b.start_datetime + make_interval(mins => b.duration_minutes) > \(now) OR \(unsafeSQL: Self.pastBooking)))
            """)
    }

    public func deleteImportedBusyBlocks(endedBefore cutoff: Timestamp) throws -> Int {
        try connection.execute("DELETE FROM external_busy_blocks WHERE source = 'external' AND end_datetime < \(cutoff)")
    }

    public func deleteWebhookEvents(appliedBefore cutoff: Timestamp) throws -> Int {
        try connection.execute("DELETE FROM stripe_events WHERE applied_at < \(cutoff)")
    }

    public func deleteIdempotencyKeys(createdBefore cutoff: Timestamp) throws -> Int {
        try connection.execute("DELETE FROM idempotency_keys WHERE created_at < \(cutoff)")
    }
}
