import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Artisans and their scheduling settings.
public struct PostgresArtisanRepository: ArtisanRepository {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    static let columns = """
        id, display_name, email, phone, timezone, plan, slot_granularity_minutes, min_notice_minutes,
        booking_horizon_days, cancellation_deadline_hours, payment_hold_minutes, pay_link_hold_hours
        """

    public func all() throws -> [Artisan] {
        try connection.query("SELECT \(unsafeSQL: Self.columns) FROM artisans ORDER BY created_at, email").map(Self.decode)
    }

    public func find(email: String) throws -> Artisan? {
        try connection.query("SELECT \(unsafeSQL: Self.columns) FROM artisans WHERE email = \(email.lowercased())").first.map(Self.decode)
    }

    public func insert(_ artisan: Artisan) throws {
        let settings = artisan.settings
        try connection.execute("""
            INSERT INTO artisans (id, display_name, email, phone, timezone, plan, slot_granularity_minutes, min_notice_minutes,
                                  booking_horizon_days, cancellation_deadline_hours, payment_hold_minutes, pay_link_hold_hours)
            VALUES (\(artisan.id), \(artisan.displayName), \(artisan.email), \(artisan.phone), \(artisan.timezone),
                    \(artisan.plan.rawValue), \(settings.slotMinutes), \(settings.minimumNoticeMinutes), \(settings.horizonDays),
                    \(settings.cancellationDeadlineHours), \(settings.paymentHoldMinutes), \(settings.payLinkHoldHours))
            """)
    }

    public func update(_ artisan: Artisan) throws {
        let settings = artisan.settings
        try connection.execute("""
            UPDATE artisans SET display_name = \(artisan.displayName), email = \(artisan.email), phone = \(artisan.phone),
                   timezone = \(artisan.timezone), plan = \(artisan.plan.rawValue),
                   slot_granularity_minutes = \(settings.slotMinutes), min_notice_minutes = \(settings.minimumNoticeMinutes),
                   booking_horizon_days = \(settings.horizonDays), cancellation_deadline_hours = \(settings.cancellationDeadlineHours),
                   payment_hold_minutes = \(settings.paymentHoldMinutes), pay_link_hold_hours = \(settings.payLinkHoldHours),
                   updated_at = artisan_now()
            WHERE id = \(artisan.id)
            """)
    }

    static func decode(_ row: Row) throws -> Artisan {
        let planText: String = try row.decode("plan")
        guard let plan = Artisan.Plan(rawValue: planText) else {
            throw DatabaseError(kind: .decoding, message: "column plan holds an unknown plan", column: "plan")
        }
        return Artisan(
            id: try row.decode("id"), displayName: try row.decode("display_name"), email: try row.decode("email"),
            phone: try row.decode("phone", as: String?.self), timezone: try row.decode("timezone"), plan: plan,
            settings: SchedulingSettings(
                slotMinutes: try row.decode("slot_granularity_minutes"), minimumNoticeMinutes: try row.decode("min_notice_minutes"),
                horizonDays: try row.decode("booking_horizon_days"), cancellationDeadlineHours: try row.decode("cancellation_deadline_hours"),
                paymentHoldMinutes: try row.decode("payment_hold_minutes"), payLinkHoldHours: try row.decode("pay_link_hold_hours")
            )
        )
    }

    public func find(feedToken: String) throws -> Artisan? {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM artisans WHERE calendar_feed_token_digest = \(Self.digest(feedToken))
            """).first.map(Self.decode)
    }

    public func setFeedToken(_ token: String, for artisan: UUID) throws {
        try connection.execute("""
            UPDATE artisans SET calendar_feed_token_digest = \(Self.digest(token)), updated_at = artisan_now() WHERE id = \(artisan)
            """)
    }

    /// A feed token is stored as its SHA-256, hexadecimal: a copy of the database opens no feed.
    static func digest(_ token: String) -> String {
        HexDigest.sha256(token.utf8)
    }
}
