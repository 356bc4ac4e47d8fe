import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's calendar connections (one per provider) and the blocks they import and export.
public struct PostgresCalendarRepository: CalendarRepository {
    let connection: PostgresConnection
    let artisan: UUID

    public init(connection: PostgresConnection, artisan: UUID) {
        self.connection = connection
        self.artisan = artisan
    }

    static let columns = """
        id, provider_id, account, calendar_id, calendar_name, server_url, access_token_encrypted, refresh_token_encrypted,
        token_expires_at, last_sync_at, sync_token, sync_covered_from, sync_covered_until, state, last_error
        """

    /// An imported event's id as stored: ids longer than the column (VARCHAR(255)) by their MD5,
    /// the same on insert and on delete.
    static func storedID(_ expression: String) -> String {
        "CASE WHEN length(\(expression)) > 255 THEN 'md5:' || md5(\(expression)) ELSE \(expression) END"
    }

    public func all() throws -> [CalendarConnectionRecord] {
        try connection.query("SELECT \(unsafeSQL: Self.columns) FROM calendar_connections WHERE artisan_id = \(artisan) ORDER BY provider_id")
            .map(Self.decode)
    }

    public func save(_ record: CalendarConnectionRecord) throws {
        try connection.execute("""
            INSERT INTO calendar_connections (id, artisan_id, provider_id, account, calendar_id, calendar_name, server_url,
                access_token_encrypted, refresh_token_encrypted, token_expires_at, sync_token, state, last_error, is_active)
            VALUES (\(record.id), \(artisan), \(record.provider.rawValue), \(record.account), \(record.calendarID), \(record.calendarName),
                    \(record.serverURL), \(record.accessTokenEncrypted), \(record.refreshTokenEncrypted), \(record.tokenExpiresAt),
                    \(record.syncToken), \(record.state.rawValue), \(record.lastError), true)
            ON CONFLICT (artisan_id, provider_id) DO UPDATE SET account = EXCLUDED.account, calendar_id = EXCLUDED.calendar_id,
                calendar_name = EXCLUDED.calendar_name, server_url = EXCLUDED.server_url,
                access_token_encrypted = EXCLUDED.access_token_encrypted, refresh_token_encrypted = EXCLUDED.refresh_token_encrypted,
                token_expires_at = EXCLUDED.token_expires_at, sync_token = NULL, sync_covered_from = NULL, sync_covered_until = NULL, state = 'active',
                last_error = NULL, is_active = true, updated_at = artisan_now()
            """)
    }

    public func forgetBlocks(_ provider: CalendarProviderID) throws {
        try connection.execute("DELETE FROM external_busy_blocks WHERE artisan_id = \(artisan) AND provider_id = \(provider.rawValue)")
    }

    /// Removes the connection, the blocks it imported and the export records of its events.
    @discardableResult
    public func delete(_ provider: CalendarProviderID) throws -> Bool {
        try forgetBlocks(provider)
        return try connection.execute("DELETE FROM calendar_connections WHERE artisan_id = \(artisan) AND provider_id = \(provider.rawValue)") > 0
    }

    public func storeCredentials(_ id: UUID, _ sealed: SealedCredentials) throws {
        try connection.execute("""
            UPDATE calendar_connections SET access_token_encrypted = \(sealed.accessToken),
                   refresh_token_encrypted = coalesce(\(sealed.refreshToken), refresh_token_encrypted),
                   token_expires_at = \(sealed.expiresAt), updated_at = artisan_now()
            WHERE id = \(id) AND artisan_id = \(artisan)
            """)
    }

    public func storeSyncState(_ id: UUID, _ state: SyncState) throws {
        try connection.execute("""
            UPDATE calendar_connections SET sync_token = \(state.token), sync_covered_from = \(state.coveredFrom),
                   sync_covered_until = \(state.coveredUntil), updated_at = artisan_now()
            WHERE id = \(id) AND artisan_id = \(artisan)
            """)
    }

    public func recordOutcome(_ id: UUID, state: CalendarConnectionRecord.State, error: String?, syncedAt: Timestamp?) throws {
        try connection.execute("""
            UPDATE calendar_connections SET state = \(state.rawValue), last_error = \(error.map { String($0.prefix(1000)) }),
                   last_sync_at = coalesce(\(syncedAt), last_sync_at), updated_at = artisan_now()
            WHERE id = \(id) AND artisan_id = \(artisan)
            """)
    }

    // MARK: - Imported blocks

    public func importedIDs(_ provider: CalendarProviderID) throws -> Set<String> {
        Set(try connection.query("""
            SELECT external_event_id FROM external_busy_blocks
            WHERE artisan_id = \(artisan) AND provider_id = \(provider.rawValue) AND source = 'external'
            """).map { try $0.decode("external_event_id", as: String.self) })
    }

    @discardableResult
    public func deleteImported(_ provider: CalendarProviderID, ids: [String]?) throws -> Int {
        try connection.execute("""
            DELETE FROM external_busy_blocks WHERE artisan_id = \(artisan) AND provider_id = \(provider.rawValue) AND source = 'external'
              AND (\(ids == nil) OR external_event_id IN (SELECT \(unsafeSQL: Self.storedID("i")) FROM unnest(\(PostgresArray(ids ?? []))::text[]) AS i))
            """)
    }

    /// Inserts imported blocks in one statement.
    public func insertImported(_ provider: CalendarProviderID, _ events: [ExternalEvent]) throws {
        guard !events.isEmpty else { return }
        try connection.execute("""
            INSERT INTO external_busy_blocks (artisan_id, provider_id, source, external_event_id, summary, start_datetime, end_datetime)
            SELECT \(artisan), \(provider.rawValue), 'external', \(unsafeSQL: Self.storedID("e.id")), left(e.summary, 500), e.s, e.e
            FROM unnest(\(PostgresArray(events.map(\.id)))::text[], \(PostgresArray(events.map(\.summary)))::text[],
                        \(PostgresArray(events.map(\.start)))::timestamptz[], \(PostgresArray(events.map(\.end)))::timestamptz[]) AS e(id, summary, s, e)
            """)
    }

    @discardableResult
    public func pruneImported(_ provider: CalendarProviderID, endedBy instant: Timestamp) throws -> Int {
        try connection.execute("""
            DELETE FROM external_busy_blocks
            WHERE artisan_id = \(artisan) AND provider_id = \(provider.rawValue) AND source = 'external' AND end_datetime <= \(instant)
            """)
    }

    // MARK: - Exported events

    public func exportCandidates(_ provider: CalendarProviderID, now: Timestamp, until: Timestamp) throws -> [ExportCandidate] {
        try connection.query("""
            SELECT \(unsafeSQL: PostgresBookingRepository.columns), x.external_event_id, x.start_datetime AS exported_start,
                   x.end_datetime AS exported_end, coalesce(x.rewrite_requested, false) AS rewrite_requested
            FROM bookings b JOIN services s ON s.id = b.service_id
            LEFT JOIN external_busy_blocks x ON x.booking_id = b.id AND x.source = 'booking' AND x.provider_id = \(provider.rawValue)
            WHERE b.artisan_id = \(artisan)
              AND ((b.status <> 'cancelled' AND b.start_datetime + make_interval(mins => b.duration_minutes) > \(now) AND b.start_datetime < \(until))
                   OR (b.status <> 'cancelled' AND x.rewrite_requested)
                   OR (b.status = 'cancelled' AND x.id IS NOT NULL))
            ORDER BY b.start_datetime
            """).map { row in
            ExportCandidate(booking: try PostgresBookingRepository.decode(row), eventID: try row.decode("external_event_id", as: String?.self),
                            exportedStart: try row.decode("exported_start", as: Timestamp?.self),
                            exportedEnd: try row.decode("exported_end", as: Timestamp?.self), rewriteRequested: try row.decode("rewrite_requested"))
        }
    }

    public func exportedIDs(_ provider: CalendarProviderID) throws -> Set<String> {
        Set(try connection.query("""
            SELECT external_event_id FROM external_busy_blocks
            WHERE artisan_id = \(artisan) AND provider_id = \(provider.rawValue) AND source = 'booking' AND external_event_id IS NOT NULL
            """).map { try $0.decode("external_event_id", as: String.self) })
    }

    public func recordExport(_ provider: CalendarProviderID, booking: Booking, eventID: String) throws {
        try connection.execute("""
            INSERT INTO external_busy_blocks (artisan_id, provider_id, source, booking_id, external_event_id, summary, start_datetime, end_datetime)
            VALUES (\(artisan), \(provider.rawValue), 'booking', \(booking.id), \(eventID), \(booking.publicCode), \(booking.start), \(booking.end))
            ON CONFLICT (provider_id, booking_id) WHERE source = 'booking'
            DO UPDATE SET external_event_id = EXCLUDED.external_event_id, start_datetime = EXCLUDED.start_datetime,
                          end_datetime = EXCLUDED.end_datetime, rewrite_requested = false, updated_at = artisan_now()
            """)
    }

    public func deleteExport(_ provider: CalendarProviderID, booking: UUID) throws {
        try connection.execute("""
            DELETE FROM external_busy_blocks
            WHERE artisan_id = \(artisan) AND provider_id = \(provider.rawValue) AND source = 'booking' AND booking_id = \(booking)
            """)
    }

    static func decode(_ row: Row) throws -> CalendarConnectionRecord {
        guard let provider = CalendarProviderID(rawValue: try row.decode("provider_id")),
              let state = CalendarConnectionRecord.State(rawValue: try row.decode("state")) else {
            throw DatabaseError(kind: .decoding, message: "a calendar connection names an unknown provider or state", column: "provider_id")
        }
        return CalendarConnectionRecord(
            id: try row.decode("id"), provider: provider, account: try row.decode("account", as: String?.self),
            calendarID: try row.decode("calendar_id", as: String?.self), calendarName: try row.decode("calendar_name", as: String?.self),
            serverURL: try row.decode("server_url", as: String?.self), accessTokenEncrypted: try row.decode("access_token_encrypted"),
            refreshTokenEncrypted: try row.decode("refresh_token_encrypted", as: String?.self),
            tokenExpiresAt: try row.decode("token_expires_at", as: Timestamp?.self), lastSyncAt: try row.decode("last_sync_at", as: Timestamp?.self),
            syncToken: try row.decode("sync_token", as: String?.self),
            syncCoveredFrom: try row.decode("sync_covered_from", as: Timestamp?.self), syncCoveredUntil: try row.decode("sync_covered_until", as: Timestamp?.self),
            state: state, lastError: try row.decode("last_error", as: String?.self))
    }
}
