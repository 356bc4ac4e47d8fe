import ArtisanCore
import Testing

@Suite("Booking service (in-memory store)")
struct BookingServiceTests {
    @Test("a booking copies the service's terms, with the deposit in cents rounded half-up, and records its event")
    func books() throws {
        let fixture = ServiceFixture()
        let placed = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        #expect(placed.booking.start == Timestamp(iso8601: "2030-01-08T09:00:00Z"))
        #expect(placed.booking.deposit == Money(cents: 1365))
        #expect(PublicCode.isWellFormed(placed.booking.publicCode))
        #expect(fixture.store.state.events.map(\.kind) == ["created"])
    }

    @Test("a taken slot is SLOT_UNAVAILABLE, whether the engine sees it or only the store refuses it; nothing is written")
    func slotTaken() throws {
        let fixture = ServiceFixture()
        let bookings = fixture.bookings(at: "2030-01-07T08:00:00Z")
        _ = try bookings.book(fixture.request("2030-01-08", "10:00"))
        let before = fixture.store.state.bookings
        #expect { try bookings.book(fixture.request("2030-01-08", "10:30")) } throws: { ($0 as? ArtisanError)?.code == "SLOT_UNAVAILABLE" }
        // The store's own refusal: another process booked 15:00 after our availability read.
        var rival = before[fixture.artisan.id]![0]
        rival.start = Timestamp(iso8601: "2030-01-08T14:00:00Z")!
        fixture.store.concurrentRival = rival
        #expect { try bookings.book(fixture.request("2030-01-08", "15:00")) } throws: { ($0 as? ArtisanError)?.code == "SLOT_UNAVAILABLE" }
        #expect(fixture.store.state.bookings[fixture.artisan.id]?.count == 1)
        #expect(fixture.store.state.events.count == 1)
    }

    @Test("a public code already taken is drawn again; ten in a row give up with nothing written")
    func publicCodeRetries() throws {
        let fixture = ServiceFixture()
        let bookings = fixture.bookings(at: "2030-01-07T08:00:00Z")
        fixture.store.takenCodes = 3
        _ = try bookings.book(fixture.request("2030-01-08", "10:00"))
        #expect(fixture.store.state.bookings[fixture.artisan.id]?.count == 1)
        fixture.store.takenCodes = 10
        #expect { try bookings.book(fixture.request("2030-01-08", "15:00")) } throws: { ($0 as? ArtisanError)?.code == "PUBLIC_CODE_EXHAUSTED" }
        #expect(fixture.store.state.bookings[fixture.artisan.id]?.count == 1)
    }

    @Test("as the clock moves: a day beyond the horizon opens, and the cancellation deadline closes")
    func clockMoves() throws {
        let fixture = ServiceFixture(horizonDays: 30, deadlineHours: 24)
        let far = fixture.request("2030-02-20", "10:00")
        #expect { try fixture.bookings(at: "2030-01-07T08:00:00Z").book(far) } throws: { ($0 as? ArtisanError)?.code == "SLOT_UNAVAILABLE" }
        let placed = try fixture.bookings(at: "2030-01-25T08:00:00Z").book(far)
        let code = placed.booking.publicCode
        #expect { try fixture.bookings(at: "2030-02-19T09:30:00Z").cancel(code: code, reason: nil, force: false) } throws: {
            ($0 as? ArtisanError)?.code == "CANCELLATION_DEADLINE_PASSED"
        }
        let cancelled = try fixture.bookings(at: "2030-02-19T08:30:00Z").cancel(code: code, reason: "malade", force: false)
        #expect(cancelled.booking.status == .cancelled)
        #expect { try fixture.bookings(at: "2030-02-19T08:30:00Z").cancel(code: code, reason: nil, force: true) } throws: {
            ($0 as? ArtisanError)?.code == "ILLEGAL_STATUS_CHANGE"
        }
    }

    @Test("a rescheduled booking keeps the duration it was sold with, not the service's new one")
    func rescheduleKeepsTerms() throws {
        let fixture = ServiceFixture()
        let bookings = fixture.bookings(at: "2030-01-07T08:00:00Z")
        let placed = try bookings.book(fixture.request("2030-01-08", "10:00"))
        var longer = fixture.service
        longer.durationMinutes = 180
        fixture.store.state.services[fixture.artisan.id] = [longer]
        let moved = try bookings.reschedule(code: placed.booking.publicCode, date: LocalDate("2030-01-09")!, time: TimeOfDay("16:30")!, force: false)
        #expect(moved.booking.durationMinutes == 60 && moved.booking.status == .rescheduled)
        #expect(fixture.store.state.events.map(\.kind) == ["created", "rescheduled"])
    }

    @Test("a code with the wrong e-mail is 'not found', exactly as an unknown code")
    func lookup() throws {
        let fixture = ServiceFixture()
        let bookings = fixture.bookings(at: "2030-01-07T08:00:00Z")
        let code = try bookings.book(fixture.request("2030-01-08", "10:00")).booking.publicCode
        #expect(try bookings.find(code: code.lowercased(), email: "MARIE@example.com").booking.publicCode == code)
        for (code, email) in [(code, "other@example.com"), ("AC-ZZZZZZ", "marie@example.com"), ("nonsense", nil)] {
            #expect { try bookings.find(code: code, email: email) } throws: { ($0 as? ArtisanError)?.code == "BOOKING_NOT_FOUND" }
        }
    }

    @Test("with two artisans, the use case needs to know which one")
    func whichArtisan() throws {
        let fixture = ServiceFixture()
        let other = Artisan(displayName: "Paul", email: "paul@example.com")
        fixture.add(other, fixture.service)
        #expect { try fixture.bookings(at: "2030-01-07T08:00:00Z").availability(service: "Coupe", from: nil, days: 1) } throws: {
            ($0 as? ArtisanError)?.kind == .usage
        }
        let slots = try fixture.bookings(at: "2030-01-07T08:00:00Z", email: "paul@example.com").availability(service: "Coupe", from: nil, days: 2)
        #expect(!slots.slots.isEmpty)
    }
}
