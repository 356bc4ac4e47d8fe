import ArtisanStore
import Foundation
import TestSupport

/// A migrated database holding one artisan, Léa Martin, and one service of hers.
struct ArtisanFixture {
    let database: TestDatabase
    let connection: PostgresConnection
    let artisan: UUID
    let service: UUID

    init(serviceMinutes: Int, priceCents: Int, depositRate: Double) throws {
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
}
