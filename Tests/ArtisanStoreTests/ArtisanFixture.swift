import ArtisanCore
import ArtisanStore
import Foundation
import TestSupport

/// A migrated database holding one artisan, Léa Martin, and one service of hers, with bookings
/// written straight into the table (the schema's rules apply, not the application's).
struct ArtisanFixture {
    let database: TestDatabase
    let connection: PostgresConnection
    let artisan: UUID
    let service: UUID
    private let serviceMinutes: Int
    private let priceCents: Int
    private let depositRate: Double

    init(serviceMinutes: Int, priceCents: Int, depositRate: Double) throws {
        (self.serviceMinutes, self.priceCents, self.depositRate) = (serviceMinutes, priceCents, depositRate)
        database = try TestDatabase.migrated()
        connection = try database.connect()
        artisan = try connection.query("""
            INSERT INTO artisans (display_name, email) VALUES ('Léa Martin', 'lea@example.com') RETURNING id
            """)[0].decode("id")
        service = try connection.query("""
            INSERT INTO services (artisan_id, name, duration_minutes, base_price_cents, deposit_rate)
            VALUES (\(artisan), 'Coupe', \(serviceMinutes), \(priceCents), \(String(depositRate))::numeric) RETURNING id
            """)[0].decode("id")
    }

    /// A booking of the service at `start`, for its duration unless `minutes` says otherwise.
    @discardableResult
    func book(_ start: Timestamp, minutes: Int? = nil, status: String = "confirmed", before: Int = 0, after: Int = 0,
              code: String) throws -> UUID {
        let deposit = Int((Double(priceCents) * depositRate).rounded())
        return try connection.query("""
            INSERT INTO bookings (public_code, artisan_id, service_id, status, customer_name, customer_email, start_datetime,
                                  duration_minutes, price_cents, deposit_amount_cents, deposit_rate,
                                  buffer_before_minutes, buffer_after_minutes)
            VALUES (\(code), \(artisan), \(service), \(status), 'Client', 'client@example.com', \(start),
                    \(minutes ?? serviceMinutes), \(priceCents), \(deposit), \(String(depositRate))::numeric, \(before), \(after))
            RETURNING id
            """)[0].decode("id")
    }
}
