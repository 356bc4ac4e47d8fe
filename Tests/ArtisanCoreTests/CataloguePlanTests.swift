import ArtisanCore
import Testing

@Suite("Catalogue plans")
struct CataloguePlanTests {
    let artisan = Artisan(displayName: "Léa", email: "lea@example.com")
    var coupe: Service { Service(name: "Coupe", durationMinutes: 60, price: Money(cents: 4500), depositRate: DepositRate(hundredths: 30)!) }
    var couleur: Service { Service(name: "Couleur", durationMinutes: 90, price: Money(cents: 7000), depositRate: DepositRate(hundredths: 40)!) }
    let morning = TimeRange(start: TimeOfDay(minutes: 540)!, end: TimeOfDay(minutes: 720)!)!
    let lunch = TimeRange(start: TimeOfDay(minutes: 720)!, end: TimeOfDay(minutes: 780)!)!

    func catalogue(_ services: [Service], opening: [OpeningRule] = [], breaks: [BreakRule] = []) -> Catalogue {
        Catalogue(artisan: artisan, services: services, opening: opening, breaks: breaks, timeOff: [])
    }

    @Test("a new artisan: everything is created")
    func fromNothing() {
        let plan = CataloguePlan(current: nil, desired: catalogue([coupe], opening: [OpeningRule(day: Weekday(number: 1)!, hours: morning)]))
        #expect(plan.changes.map(\.summary) == ["+ artisan lea@example.com", "+ service Coupe", "~ hours mon closed → 09:00-12:00"])
    }

    @Test("the same catalogue twice: no change, whatever the ids")
    func idempotent() {
        let current = catalogue([coupe, couleur], opening: [OpeningRule(day: Weekday(number: 2)!, hours: morning)],
                                breaks: [BreakRule(day: Weekday(number: 2)!, hours: lunch)])
        let desired = catalogue([couleur, coupe], opening: [OpeningRule(day: Weekday(number: 2)!, hours: morning)],
                                breaks: [BreakRule(day: Weekday(number: 2)!, hours: lunch)])
        #expect(CataloguePlan(current: current, desired: desired).changes.isEmpty)
    }

    @Test("services matched by name, whatever the case; missing ones archived; changes named")
    func serviceChanges() {
        var cheaper = coupe
        cheaper.name = "COUPE"
        cheaper.price = Money(cents: 4000)
        let plan = CataloguePlan(current: catalogue([coupe, couleur]), desired: catalogue([cheaper]))
        #expect(plan.changes.map(\.summary) == ["~ service COUPE: name, price", "- service Couleur (archived, bookings kept)"])
    }

    @Test("hours, breaks: a closed day, a moved break")
    func weekChanges() {
        let tuesday = Weekday(number: 2)!
        let current = catalogue([], opening: [OpeningRule(day: tuesday, hours: morning)], breaks: [BreakRule(day: tuesday, hours: lunch)])
        let desired = catalogue([], breaks: [BreakRule(day: Weekday(number: 3)!, hours: lunch)])
        #expect(CataloguePlan(current: current, desired: desired).changes.map(\.summary) == [
            "~ hours tue 09:00-12:00 → closed", "- break tue 12:00-13:00", "+ break wed 12:00-13:00",
        ])
    }
}
