import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's services.
public struct PostgresServiceRepository: ServiceRepository {
    let connection: PostgresConnection
    let artisan: UUID

    public init(connection: PostgresConnection, artisan: UUID) {
        self.connection = connection
        self.artisan = artisan
    }

    static let columns = """
        id, name, description, duration_minutes, base_price_cents, deposit_rate, buffer_before_minutes, buffer_after_minutes, is_active
        """

    public func list(includeArchived: Bool) throws -> [Service] {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM services
            WHERE artisan_id = \(artisan) AND (is_active OR \(includeArchived))
            ORDER BY is_active DESC, lower(name), created_at
            """).map(Self.decode)
    }

    /// By id, by a unique id prefix (at least 4 characters), or by name (case-insensitive; an active
    /// service wins over archived ones of the same name).
    public func find(_ reference: String) throws -> Service? {
        if let id = UUID(text: reference) {
            return try connection.query("SELECT \(unsafeSQL: Self.columns) FROM services WHERE artisan_id = \(artisan) AND id = \(id)")
                .first.map(Self.decode)
        }
        let byName = try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM services WHERE artisan_id = \(artisan) AND lower(name) = lower(\(reference))
            ORDER BY is_active DESC, created_at DESC LIMIT 1
            """)
        if let row = byName.first { return try Self.decode(row) }
        // Hex digits and dashes only: nothing LIKE would read as a wildcard (`%`, `_`).
        guard reference.count >= 4, reference.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "-") }) else { return nil }
        let byPrefix = try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM services WHERE artisan_id = \(artisan) AND id::text LIKE \(reference.lowercased() + "%") LIMIT 2
            """)
        return byPrefix.count == 1 ? try Self.decode(byPrefix[0]) : nil
    }

    public func activeService(named name: String, excluding id: UUID?) throws -> Service? {
        try connection.query("""
            SELECT \(unsafeSQL: Self.columns) FROM services
            WHERE artisan_id = \(artisan) AND is_active AND lower(name) = lower(\(name)) AND id IS DISTINCT FROM \(id)
            """).first.map(Self.decode)
    }

    public func insert(_ service: Service) throws {
        try connection.execute("""
            INSERT INTO services (id, artisan_id, name, description, duration_minutes, base_price_cents, deposit_rate,
                                  buffer_before_minutes, buffer_after_minutes, is_active)
            VALUES (\(service.id), \(artisan), \(service.name), \(service.description), \(service.durationMinutes), \(service.price.cents),
                    \(PostgresNumeric(service.depositRate.description)!), \(service.bufferBeforeMinutes), \(service.bufferAfterMinutes),
                    \(service.isActive))
            """)
    }

    public func update(_ service: Service) throws {
        try connection.execute("""
            UPDATE services SET name = \(service.name), description = \(service.description), duration_minutes = \(service.durationMinutes),
                   base_price_cents = \(service.price.cents), deposit_rate = \(PostgresNumeric(service.depositRate.description)!),
                   buffer_before_minutes = \(service.bufferBeforeMinutes), buffer_after_minutes = \(service.bufferAfterMinutes),
                   is_active = \(service.isActive), updated_at = artisan_now()
            WHERE artisan_id = \(artisan) AND id = \(service.id)
            """)
    }

    public func delete(_ id: UUID) throws {
        try connection.execute("DELETE FROM services WHERE artisan_id = \(artisan) AND id = \(id)")
    }

    public func bookingCount(_ id: UUID) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM bookings WHERE service_id = \(id)")[0].decode("n")
    }

    static func decode(_ row: Row) throws -> Service {
        let rateText: PostgresNumeric = try row.decode("deposit_rate")
        guard let hundredths = rateText.scaled(by: 2), let rate = DepositRate(hundredths: hundredths) else {
            throw DatabaseError(kind: .decoding, message: "column deposit_rate is not a rate between 0 and 1", column: "deposit_rate")
        }
        return Service(
            id: try row.decode("id"), name: try row.decode("name"), description: try row.decode("description", as: String?.self),
            durationMinutes: try row.decode("duration_minutes"), price: Money(cents: try row.decode("base_price_cents")),
            depositRate: rate, bufferBeforeMinutes: try row.decode("buffer_before_minutes"),
            bufferAfterMinutes: try row.decode("buffer_after_minutes"), isActive: try row.decode("is_active")
        )
    }
}
