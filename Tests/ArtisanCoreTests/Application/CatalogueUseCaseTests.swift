import ArtisanCore
import Testing

@Suite("Services, week and artisan use cases (in-memory store)")
struct CatalogueUseCaseTests {
    @Test("services: names unique among active ones, durations on the slot, restore by name, delete only without bookings")
    func services() throws {
        let fixture = ServiceFixture()
        let catalogue = ServiceCatalogue(fixture.context())
        let fields = ServiceCatalogue.Fields(name: "Barbe", duration: "30", price: "15", depositRate: "0%")
        let barbe = try catalogue.create(fields)
        #expect(barbe.price == Money(cents: 1500))
        #expect { try catalogue.create(fields) } throws: { ($0 as? ArtisanError)?.message.contains("already called 'Barbe'") == true }
        #expect { try catalogue.create(.init(name: "Long", duration: "45", price: "15", depositRate: "0")) } throws: {
            ($0 as? ArtisanError)?.message.hasPrefix("--duration:") == true
        }
        _ = try catalogue.setActive("Barbe", false)
        let second = try catalogue.create(fields)
        #expect { try catalogue.setActive("Barbe", true) } throws: { ($0 as? ArtisanError)?.message.contains("already called") == true }
        _ = try catalogue.delete(second.id.uuidString) { _ in }
        #expect(try catalogue.setActive("Barbe", true).id == barbe.id, "restoring by name means the archived one")
        _ = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        #expect { try catalogue.delete("Coupe") { _ in } } throws: { ($0 as? ArtisanError)?.code == "SERVICE_IN_USE" }
        struct Refused: Error {}
        #expect(throws: Refused.self) { try catalogue.delete("Barbe") { _ in throw Refused() } }
        #expect(try catalogue.list(includeArchived: true).count == 2, "a refused confirmation deletes nothing")
    }

    @Test("week: a break once per day, removal by id prefix, time off from today as the clock moves")
    func week() throws {
        let fixture = ServiceFixture()
        let at = { (now: String) in WeekService(fixture.context(at: now)) }
        let week = at("2030-01-07T08:00:00Z")
        let lunch = try Validate.timeRange("12:00-13:00")
        #expect(try week.addBreaks(Validate.weekdays("mon-wed"), lunch).count == 3)
        #expect(try week.addBreaks(Validate.weekdays("mon-fri"), lunch).count == 2)
        let first = try week.week().breaks[0]
        #expect(try week.removeBreak(String(first.id.uuidString.prefix(6))).id == first.id)
        #expect { try week.removeBreak("abc") } throws: { ($0 as? ArtisanError)?.kind == .notFound }
        try week.addTimeOff(TimeOff.validated(start: LocalDate("2030-01-10")!, end: nil, from: nil, to: nil, reason: nil))
        #expect(try week.timeOff(all: false).count == 1)
        #expect(try at("2030-01-11T08:00:00Z").timeOff(all: false).isEmpty)
        #expect(try at("2030-01-11T08:00:00Z").timeOff(all: true).count == 1)
        #expect { try TimeOff.validated(start: LocalDate("2030-01-10")!, end: LocalDate("2030-01-09")!, from: nil, to: nil, reason: nil) } throws: {
            ($0 as? ArtisanError)?.message.hasPrefix("--to:") == true
        }
        #expect { try TimeOff.validated(start: LocalDate("2030-01-10")!, end: nil, from: TimeOfDay("14:00"), to: nil, reason: nil) } throws: {
            ($0 as? ArtisanError)?.message.hasPrefix("--to-time:") == true
        }
    }

    @Test("artisan: e-mails unique, and a slot that does not divide an active service is refused")
    func profile() throws {
        let fixture = ServiceFixture()
        let profile = ArtisanProfile(fixture.context())
        #expect { try profile.update(.init(slotMinutes: "45")) } throws: { ($0 as? ArtisanError)?.message.hasPrefix("--slot-minutes:") == true }
        _ = try ServiceCatalogue(fixture.context()).create(.init(name: "Long", duration: "90", price: "80", depositRate: "0"))
        #expect { try profile.update(.init(slotMinutes: "60")) } throws: { ($0 as? ArtisanError)?.message.contains("does not divide the 90-minute") == true }
        fixture.connect([.google])
        fixture.store.state.connections[fixture.artisan.id]![0].syncToken = "token-1"
        #expect(try profile.update(.init(timezone: "America/New_York", slotMinutes: "15")).settings.slotMinutes == 15)
        #expect(fixture.connection(.google)?.syncToken == nil, "a new zone: all-day events are read afresh by a full fetch")
        #expect { try profile.update(.init(timezone: "Mars/Olympus")) } throws: { ($0 as? ArtisanError)?.message.hasPrefix("--timezone:") == true }
        let paul = try profile.create(.init(name: "Paul", email: "paul@example.com"))
        #expect { try profile.create(.init(name: "Paul", email: "PAUL@example.com")) } throws: {
            ($0 as? ArtisanError)?.message.contains("already an artisan's e-mail") == true
        }
        let asPaul = ArtisanProfile(fixture.context(email: "paul@example.com"))
        #expect { try asPaul.update(.init(email: "lea@example.com")) } throws: { ($0 as? ArtisanError)?.message.contains("already") == true }
        #expect(try asPaul.current().id == paul.id)
        #expect { try profile.current() } throws: { ($0 as? ArtisanError)?.kind == .usage }
    }
}
