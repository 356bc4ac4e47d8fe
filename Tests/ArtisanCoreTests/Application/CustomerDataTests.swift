import ArtisanCore
import Testing

@Suite("Customer data service (in-memory store)")
struct CustomerDataTests {
    static func code(_ error: any Error) -> String? { (error as? ArtisanError)?.code }

    @Test("forget refuses while a booking is not over, before asking and changing anything; once it is over, it erases")
    func refusesUpcoming() throws {
        let fixture = ServiceFixture()
        let placed = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        let before = fixture.store.state.bookings
        var asked = false
        for now in ["2030-01-07T08:00:00Z", "2030-01-08T09:30:00Z"] {
            #expect { try CustomerData(fixture.context(at: now)).forget(email: "MARIE@example.com", cancelUpcoming: false) { _ in asked = true } }
                throws: { Self.code($0) == "CUSTOMER_HAS_UPCOMING_BOOKINGS" && ($0 as? ArtisanError)?.kind == .invalid }
        }
        #expect(!asked && fixture.store.state.bookings == before)
        let report = try CustomerData(fixture.context(at: "2030-01-08T10:00:00Z")).forget(email: "marie@example.com", cancelUpcoming: false) { _ in }
        #expect(report.bookings == 1 && report.cancelled.isEmpty)
        let erased = try #require(fixture.store.state.bookings[fixture.artisan.id]?.first)
        #expect(erased.customer == .anonymised && erased.status == placed.booking.status && erased.price == placed.booking.price)
        #expect(!erased.notifyByEmail && !erased.notifyBySMS)
        #expect { try CustomerData(fixture.context(at: "2030-01-08T10:00:00Z")).forget(email: "marie@example.com", cancelUpcoming: false) { _ in } }
            throws: { Self.code($0) == "CUSTOMER_NOT_FOUND" && ($0 as? ArtisanError)?.kind == .notFound }
    }

    @Test("with cancelUpcoming, the upcoming booking is cancelled through the booking rules, then everything is erased")
    func cancelsThenErases() throws {
        let fixture = ServiceFixture()
        let placed = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        var plans: [CustomerData.ErasurePlan] = []
        let report = try CustomerData(fixture.context(at: "2030-01-08T08:30:00Z")).forget(email: "marie@example.com", cancelUpcoming: true) {
            plans.append($0)
        }
        #expect(plans.map { $0.upcoming.map(\.publicCode) } == [[placed.booking.publicCode]])
        #expect(report.cancelled == [placed.booking.publicCode] && report.bookings == 1)
        #expect(fixture.store.state.events.map(\.kind) == ["created", "cancelled", "customer_erased"])
        let booking = try #require(fixture.store.state.bookings[fixture.artisan.id]?.first)
        #expect(booking.status == .cancelled && booking.customer.isAnonymised)
        #expect(fixture.store.state.outbox.allSatisfy { $0.recipient != "marie@example.com" && $0.variables["customerEmail"] != "marie@example.com" })
        #expect(fixture.store.state.outbox.allSatisfy { $0.status != .pending || $0.kind.isForArtisan })
    }

    @Test("an erasure failing after --cancel's cancellations names the cancelled codes and keeps the failure's kind; a rerun finishes")
    func unfinishedAfterCancelling() throws {
        let fixture = ServiceFixture()
        let placed = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        fixture.store.failingErasure = true
        let data = CustomerData(fixture.context(at: "2030-01-08T08:30:00Z"))
        #expect { try data.forget(email: "marie@example.com", cancelUpcoming: true) { _ in } } throws: { error in
            guard let error = error as? ArtisanError else { return false }
            return error.code == "CUSTOMER_ERASURE_UNFINISHED" && error.kind == .temporary && error.message.contains(placed.booking.publicCode)
                && error.message.contains("the row is locked") && error.hint?.contains("again") == true
        }
        let kept = try #require(fixture.store.state.bookings[fixture.artisan.id]?.first)
        #expect(kept.status == .cancelled && kept.customer.email == "marie@example.com")

        fixture.store.failingErasure = false
        let report = try data.forget(email: "marie@example.com", cancelUpcoming: true) { _ in }
        #expect(report.cancelled.isEmpty && report.bookings == 1)
        #expect(try #require(fixture.store.state.bookings[fixture.artisan.id]?.first).customer.isAnonymised)
    }

    @Test("a refused confirmation changes nothing, not even the cancellation of an upcoming booking")
    func confirmationRefused() throws {
        let fixture = ServiceFixture()
        _ = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        let before = fixture.store.state.bookings
        struct No: Error {}
        #expect(throws: No.self) { try CustomerData(fixture.context()).forget(email: "marie@example.com", cancelUpcoming: true) { _ in throw No() } }
        #expect(fixture.store.state.bookings == before)
    }

    @Test("the export answers a holder of the customer's code only: another code or e-mail is BOOKING_NOT_FOUND")
    func exportNeedsCode() throws {
        let fixture = ServiceFixture()
        let placed = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        let data = CustomerData(fixture.context())
        let document = try data.export(email: "Marie@Example.com", code: placed.booking.publicCode.lowercased())
        #expect(document.email == "marie@example.com" && document.bookings.map(\.code) == [placed.booking.publicCode])
        #expect(document.bookings.first?.start == "2030-01-08T10:00:00+01:00")
        #expect { try data.export(email: "pierre@example.com", code: placed.booking.publicCode) } throws: { Self.code($0) == "BOOKING_NOT_FOUND" }
        #expect { try data.export(email: "pierre@example.com") } throws: { Self.code($0) == "CUSTOMER_NOT_FOUND" }
    }
}
