import ArtisanCore
import Testing

@Suite("Catalogue service (in-memory store)")
struct CatalogueServiceTests {
    @Test("apply makes the store match; again changes nothing; a dry run plans the same and leaves the store as it was")
    func applyIsIdempotent() throws {
        let fixture = ServiceFixture()
        let catalogue = CatalogueService(fixture.context())
        var desired = try catalogue.export()
        desired.services.append(Service(name: "Barbe", durationMinutes: 30, price: Money(cents: 1500), depositRate: DepositRate(hundredths: 0)!))
        desired.opening.removeAll { $0.day == Weekday(number: 6)! }
        let artisans = fixture.store.state.artisans, services = fixture.store.state.services, opening = fixture.store.state.opening
        let dry = try catalogue.apply(desired, dryRun: true)
        #expect(fixture.store.state.artisans == artisans && fixture.store.state.services == services && fixture.store.state.opening == opening)
        let applied = try catalogue.apply(desired, dryRun: false)
        #expect(applied.changes == dry.changes && applied.changes.count == 2)
        #expect(try catalogue.apply(desired, dryRun: false).changes.isEmpty)
        #expect(try catalogue.export().services.map(\.name).sorted() == ["Barbe", "Coupe"])
    }

    @Test("a refusal in the middle of an apply leaves nothing of it")
    func applyIsOneTransaction() throws {
        let fixture = ServiceFixture()
        let catalogue = CatalogueService(fixture.context())
        var desired = try catalogue.export()
        desired.artisan.displayName = "Léa Martin"
        // Two active services of one name: the store's unique index refuses the second insert.
        let twin = Service(name: "Barbe", durationMinutes: 30, price: Money(cents: 1500), depositRate: DepositRate(hundredths: 0)!)
        desired.services += [twin, Service(name: "Barbe", durationMinutes: 60, price: Money(cents: 1500), depositRate: DepositRate(hundredths: 0)!)]
        #expect(throws: StoreRefusal.self) { try catalogue.apply(desired, dryRun: false) }
        #expect(fixture.store.state.artisans.map(\.displayName) == ["Léa"])
        #expect(fixture.store.state.services[fixture.artisan.id]?.count == 1)
    }
}
