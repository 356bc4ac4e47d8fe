import Foundation
import Testing
import TestSupport

/// Every instant the application writes comes from its clock (DESIGN.md): rows made and changed
/// at `ARTISANCTL_NOW` carry that instant in created_at and updated_at, not the database's time.
@Suite("rows carry the application's clock, through the binary")
struct ClockTimestampsTests {
    func stamps(_ world: CatalogueWorld, _ sql: String) throws -> [String] {
        try world.connection.query("SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') AS t FROM (\(unsafeSQL: sql)) AS s(t)")
            .map { try $0.decode("t") }
    }

    @Test("created_at and updated_at of artisans, services, bookings, breaks and time off follow ARTISANCTL_NOW as it moves")
    func rowsFollowTheClock() throws {
        let world = try CatalogueWorld.demo(now: "2026-11-24T09:00:00+01:00")
        #expect(try stamps(world, "SELECT created_at FROM artisans UNION SELECT created_at FROM services UNION SELECT created_at FROM time_off")
                == ["2026-11-24T08:00:00"])
        let code = try world.createCode("Coupe femme", "2026-11-27", "10:00")
        let later = ["ARTISANCTL_NOW": "2026-11-25T18:30:00+01:00"]
        try world.succeed(["bookings", "cancel", code], environment: later)
        try world.succeed(["services", "update", "Coupe homme", "--price", "27"], environment: later)
        try world.succeed(["breaks", "add", "sat", "10:00-10:15"], environment: later)
        #expect(try stamps(world, "SELECT created_at FROM bookings") == ["2026-11-24T08:00:00"])
        #expect(try stamps(world, "SELECT updated_at FROM bookings") == ["2026-11-25T17:30:00"])
        #expect(try stamps(world, "SELECT updated_at FROM services WHERE name = 'Coupe homme'") == ["2026-11-25T17:30:00"])
        #expect(try stamps(world, "SELECT created_at FROM break_rules WHERE start_minutes = 600") == ["2026-11-25T17:30:00"])
    }
}
