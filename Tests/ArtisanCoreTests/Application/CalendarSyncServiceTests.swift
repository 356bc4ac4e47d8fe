import ArtisanCore
import Testing
import TestSupport

@Suite("Calendar sync service (in-memory store)")
struct CalendarSyncServiceTests {
    static let start = Timestamp(iso8601: "2030-01-07T08:00:00Z")!

    static func event(_ id: String, at day: Int, hour: Int = 10, hours: Int = 1) -> ExternalEvent {
        let from = start.adding(minutes: day * 1440 + (hour - 8) * 60)
        return ExternalEvent(id: id, summary: id, start: from, end: from.adding(minutes: hours * 60))
    }

    /// `fixture` with only Google connected, and the fake calendar behind it.
    static func withGoogle(_ fixture: ServiceFixture) -> (ServiceFixture, FakeCalendars, FakeCalendar) {
        fixture.connect([.google])
        let calendars = FakeCalendars()
        return (fixture, calendars, calendars.calendar(.google))
    }

    /// What a full fetch at `now` would give within the horizon, and what the store holds there.
    static func check(_ fixture: ServiceFixture, _ remote: FakeCalendar, now: Timestamp, _ note: Comment) {
        let window = Interval(start: now, end: now.adding(minutes: fixture.artisan.settings.horizonDays * 1440))
        let inWindow = { (event: ExternalEvent) in Interval(start: event.start, end: event.end).overlaps(window) }
        let expected = Set(remote.events.values.filter(inWindow).map { "\($0.id) \($0.start) \($0.end)" })
        let stored = Set(fixture.imported(remote.id).values.filter(inWindow).map { "\($0.id) \($0.start) \($0.end)" })
        #expect(stored == expected, note)
        #expect(fixture.imported(remote.id).values.allSatisfy { $0.end > now }, "blocks that ended are pruned")
    }

    @Test("an event beyond the horizon at one sync is imported once the horizon reaches it, though it never changed")
    func horizonMovesForward() throws {
        let (fixture, calendars, google) = Self.withGoogle(ServiceFixture(horizonDays: 30))
        google.upsert(Self.event("far", at: 50))
        google.upsert(Self.event("near", at: 3))
        for day in [0, 1, 10, 20, 25, 49, 52] {
            let now = Self.start.adding(minutes: day * 1440)
            _ = try fixture.sync(calendars, at: now)
            Self.check(fixture, google, now: now, "day \(day)")
        }
        #expect(fixture.imported(.google)["far"] == nil, "over by day 52, pruned")
    }

    @Test("syncing every 15 minutes for two weeks stays incremental but for one full fetch a week")
    func incrementalStaysCheap() throws {
        let (fixture, calendars, google) = Self.withGoogle(ServiceFixture(horizonDays: 30))
        var now = Self.start
        for step in 0..<(14 * 96) {
            if step % 200 == 0 { google.upsert(Self.event("e\(step)", at: step / 96 + 31)) }
            _ = try fixture.sync(calendars, at: now)
            now = now.adding(minutes: 15)
        }
        Self.check(fixture, google, now: now.adding(minutes: -15), "after two weeks")
        #expect(google.fullFetches <= 3)
        #expect(google.incrementalFetches >= 14 * 96 - 3)
    }

    @Test("property: after any sequence of changes and clock moves, the stored blocks equal a full fetch at the latest clock",
          arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func anySequence(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let fixture = ServiceFixture(horizonDays: Int.random(in: 7...90, using: &random))
        fixture.connect([.google])
        let calendars = FakeCalendars()
        let google = calendars.calendar(.google)
        var now = Self.start
        var next = 0
        for step in 0..<80 {
            let today = Int((now.secondsSinceEpoch - Self.start.secondsSinceEpoch) / 86_400)
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let ids = google.events.keys.sorted()
                switch Int.random(in: 0..<4, using: &random) {
                case 0, 1:
                    google.upsert(Self.event("e\(next)", at: today + Int.random(in: -5...150, using: &random),
                                             hour: Int.random(in: 0...22, using: &random)))
                    next += 1
                case 2 where !ids.isEmpty:
                    let id = ids.randomElement(using: &random)!
                    google.upsert(Self.event(id, at: today + Int.random(in: -5...150, using: &random), hour: Int.random(in: 0...22, using: &random)))
                case 3 where !ids.isEmpty:
                    google.remove(ids.randomElement(using: &random)!)
                default:
                    break
                }
            }
            let moves = [0, 15, 60, 1440, 3 * 1440, 7 * 1440, 20 * 1440, -60, -3 * 1440]
            now = now.adding(minutes: moves.randomElement(using: &random)!)
            _ = try fixture.sync(calendars, at: now)
            Self.check(fixture, google, now: now, "seed \(seed), step \(step)")
        }
    }

    @Test("the clock moved back before the last run: a full fetch brings back what that run dropped")
    func clockMovesBack() throws {
        let (fixture, calendars, google) = Self.withGoogle(ServiceFixture(horizonDays: 30))
        google.upsert(Self.event("tomorrow", at: 1))
        _ = try fixture.sync(calendars, at: Self.start.adding(minutes: 3 * 1440))
        #expect(fixture.imported(.google).isEmpty)
        _ = try fixture.sync(calendars, at: Self.start)
        Self.check(fixture, google, now: Self.start, "back three days")
        #expect(google.fullFetches == 2)
    }

    @Test("an event of ours imported as busy time before its export was recorded leaves the blocks at the next run")
    func ownEventImportedEarlier() throws {
        let (fixture, calendars, google) = Self.withGoogle(ServiceFixture(noticeMinutes: 0))
        let booking = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00")).booking
        // The event made for the booking, listed before the run that made it recorded its id.
        google.upsert(ExternalEvent(id: "ours-" + booking.id.uuidString.lowercased(), summary: "ours", start: booking.start, end: booking.end))
        _ = try fixture.sync(calendars, at: Self.start)
        #expect(fixture.imported(.google).count == 1, "imported first, exported (and so known as ours) after")
        _ = try fixture.sync(calendars, at: Self.start.adding(minutes: 15))
        #expect(fixture.imported(.google).isEmpty)
        #expect(google.incrementalFetches == 1)
    }

    @Test("credentials renewed during the import are stored even when the export then fails")
    func renewedBeforeExportFailure() throws {
        let fixture = ServiceFixture(noticeMinutes: 0)
        fixture.connect([.google])
        _ = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        let calendars = FakeCalendars()
        let google = calendars.calendar(.google)
        google.renewOnFetch = CalendarCredentials(accessToken: "new", refreshToken: nil, expiresAt: nil)
        google.writeFailure = CalendarError(.temporary, "HTTP 503")
        let reports = try fixture.sync(calendars, at: Self.start)
        #expect(reports.map(\.outcome) == [.temporary])
        #expect(fixture.connection(.google)?.accessTokenEncrypted == "sealed:new")
        #expect(fixture.connection(.google)?.syncToken != nil, "the import succeeded and keeps its token")
    }

    @Test("a store failure on one calendar is that calendar's: the others sync, and its renewed token is stored")
    func storeFailureIsolated() throws {
        let fixture = ServiceFixture()
        fixture.connect([.apple, .google, .outlook])
        fixture.store.failingImports = [.google]
        let calendars = FakeCalendars()
        for id in CalendarProviderID.allCases { calendars.calendar(id).upsert(Self.event("x-\(id.rawValue)", at: 2)) }
        calendars.calendar(.google).renewOnFetch = CalendarCredentials(accessToken: "new", refreshToken: "rotated", expiresAt: Self.start.adding(minutes: 60))
        let reports = try fixture.sync(calendars, at: Self.start)
        #expect(reports.map(\.outcome) == [.ok, .temporary, .ok])
        #expect(reports[1].message?.contains("value too long") == true)
        #expect(fixture.connection(.google)?.accessTokenEncrypted == "sealed:new")
        #expect(fixture.connection(.google)?.refreshTokenEncrypted == "sealed:rotated")
        #expect(fixture.connection(.google)?.state == .error)
        #expect(fixture.connection(.google)?.syncToken == nil, "the failed import's token is not kept")
        #expect(fixture.imported(.outlook).count == 1 && fixture.imported(.apple).count == 1)
        #expect(CalendarSyncReport.failure(of: reports)?.kind == .temporary)
    }

    @Test("a provider that cannot be built, or fails with any error, is that provider's failure")
    func anyFailureIsolated() throws {
        struct Odd: Error {}
        let fixture = ServiceFixture()
        fixture.connect([.apple, .google, .outlook])
        let calendars = FakeCalendars()
        calendars.unavailable = [.apple]
        calendars.calendar(.google).failure = Odd()
        let reports = try fixture.sync(calendars, at: Self.start)
        #expect(reports.map(\.outcome) == [.temporary, .temporary, .ok])
        #expect(fixture.connection(.outlook)?.state == .active)
    }

    @Test("a calendar gone (404) or a grant refused is the same for every provider: needs_reauth, and the run's failure is a permission error",
          arguments: [CalendarError.Kind.notFound, .revoked])
    func goneIsReconnect(kind: CalendarError.Kind) throws {
        let fixture = ServiceFixture()
        fixture.connect(CalendarProviderID.allCases)
        let calendars = FakeCalendars()
        for id in CalendarProviderID.allCases { calendars.calendar(id).failure = CalendarError(kind, "gone") }
        let reports = try fixture.sync(calendars, at: Self.start)
        #expect(reports.allSatisfy { $0.outcome == .revoked })
        #expect(CalendarProviderID.allCases.allSatisfy { fixture.connection($0)?.state == .needsReauth })
        #expect(CalendarSyncReport.failure(of: reports)?.kind == .permission)
    }

    @Test("the sync lock is per artisan: one artisan's running sync never blocks another's")
    func lockPerArtisan() throws {
        let fixture = ServiceFixture(email: "lea@example.com")
        let other = Artisan(displayName: "Paul", email: "paul@example.com")
        fixture.add(other, Service(name: "Coupe", durationMinutes: 30, price: Money(cents: 2000), depositRate: DepositRate(hundredths: 0)!))
        fixture.connect([.google])
        fixture.connect([.google], artisan: other)
        let calendars = FakeCalendars()
        let held = try fixture.store.withLock(CalendarSyncService.lockScope, id: fixture.artisan.id, wait: false) {
            let paul = try fixture.sync(calendars, at: Self.start, email: "paul@example.com")
            #expect(paul.map(\.outcome) == [.ok])
            #expect(throws: ArtisanError.self) { try fixture.sync(calendars, at: Self.start, email: "lea@example.com") }
            return true
        }
        #expect(held == true)
        #expect(try fixture.sync(calendars, at: Self.start, email: "lea@example.com").map(\.outcome) == [.ok])
    }

    @Test("reconnected to another calendar, every active booking is exported to it once; the same calendar again keeps its exports")
    func reconnect() throws {
        let (fixture, calendars, _) = Self.withGoogle(ServiceFixture(noticeMinutes: 0))
        _ = try fixture.bookings(at: "2030-01-07T08:00:00Z").book(fixture.request("2030-01-08", "10:00"))
        #expect(try fixture.sync(calendars, at: Self.start)[0].exported == 1)
        let connections = CalendarConnections(fixture.context(), locks: fixture.store)
        var record = try #require(fixture.connection(.google))
        try connections.connect(record)
        #expect(try fixture.sync(calendars, at: Self.start)[0].exported == 0)
        record.calendarID = "travaux"
        try connections.connect(record)
        #expect(try fixture.sync(calendars, at: Self.start)[0].exported == 1)
        #expect(try fixture.sync(calendars, at: Self.start)[0].exported == 0)
    }

    @Test("bookings are exported once, moved when rescheduled, deleted when cancelled")
    func exports() throws {
        let (fixture, calendars, google) = Self.withGoogle(ServiceFixture(noticeMinutes: 0, deadlineHours: 0))
        let bookings = fixture.bookings(at: "2030-01-07T08:00:00Z")
        let placed = try bookings.book(fixture.request("2030-01-08", "10:00"))
        _ = try fixture.sync(calendars, at: Self.start)
        _ = try fixture.sync(calendars, at: Self.start.adding(minutes: 15))
        #expect(google.puts.count == 1)
        _ = try bookings.reschedule(code: placed.booking.publicCode, date: LocalDate("2030-01-09")!, time: TimeOfDay("11:00")!, force: false)
        let moved = try fixture.sync(calendars, at: Self.start.adding(minutes: 30))
        #expect(moved[0].moved == 1 && google.puts.values.first?.start == Timestamp(iso8601: "2030-01-09T10:00:00Z"))
        _ = try bookings.cancel(code: placed.booking.publicCode, reason: nil, force: false)
        let deleted = try fixture.sync(calendars, at: Self.start.adding(minutes: 45))
        #expect(deleted[0].deleted == 1 && google.puts.isEmpty)
    }
}
