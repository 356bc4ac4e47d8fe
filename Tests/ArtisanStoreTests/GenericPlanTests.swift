import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// serve's connections give each prepared statement one generic plan, made before any value is
/// known: a filter that is optional must still reach its index there.
@Suite("Statements on generic plans")
struct GenericPlanTests {
    @Test("a week of bookings (the calendar feed's read) goes through the start index, not over every booking")
    func weekThroughStartIndex() throws {
        let fixture = try ArtisanFixture(serviceMinutes: 30, priceCents: 2500, depositRate: 0.20)
        try fixture.connection.execute("""
            INSERT INTO bookings (public_code, artisan_id, service_id, status, customer_name, customer_email, start_datetime,
                                  duration_minutes, price_cents, deposit_amount_cents, deposit_rate)
            SELECT 'AC-' || lpad(n::text, 6, '0'), \(fixture.artisan), \(fixture.service), 'confirmed', 'Client', 'client@example.com',
                   timestamptz '2030-01-01 00:00Z' + n * interval '1 hour', 30, 2500, 500, 0.20
            FROM generate_series(1, 20000) AS n
            """)
        try fixture.connection.execute("ANALYZE bookings")
        let session = try fixture.database.connect(genericPlans: true)
        let store = PostgresBookingRepository(connection: session, artisan: fixture.artisan)
        let week = BookingFilter(from: Timestamp(iso8601: "2030-03-04T00:00:00Z"), to: Timestamp(iso8601: "2030-03-11T00:00:00Z"))
        // Prepared on its second run; the later ones show the one plan serves them all.
        for _ in 0..<7 {
            var count = 0
            try store.stream(week) { _ in count += 1 }
            #expect(count == 7 * 24)
        }
        let statement = try session.query("""
            SELECT name FROM pg_prepared_statements WHERE statement LIKE \("%ORDER BY b.start_datetime, b.public_code%")
            """)
        let name: String = try #require(statement.first).decode("name")
        let plan = try session.query("""
            EXPLAIN EXECUTE \(unsafeSQL: name)('\(unsafeSQL: fixture.artisan.lowercasedText)', '2030-03-04T00:00:00Z', '2030-03-11T00:00:00Z')
            """).map { try $0.decode("QUERY PLAN", as: String.self) }
        #expect(plan.contains { $0.contains("Index Cond") && $0.contains("start_datetime >=") }, "\(plan.joined(separator: "\n"))")
    }
}
