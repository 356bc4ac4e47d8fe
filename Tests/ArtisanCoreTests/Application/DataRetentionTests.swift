import ArtisanCore
import Foundation
import Testing

/// `data purge`'s use case on the in-memory store: one clock reading for every cut-off, one
/// transaction per category, a failing category reported and left whole while the others
/// commit, and a dry run that counts what a real run then removes.
@Suite("DataRetention: the purge's transactions, failures and dry run (in-memory store)")
struct DataRetentionTests {
    let fixture = ServiceFixture()
    /// Booked on 2030-01-07 for 2030-01-08 10:00 in Paris: over at 2030-01-08T10:00:00Z.
    let bookedAt = "2030-01-07T08:00:00Z"

    func retention(at now: String) -> DataRetention { DataRetention(fixture.context(at: now)) }

    /// A booking, its audit trail and its messages, made through the booking use case.
    @discardableResult
    func book(_ time: String = "10:00") throws -> Booking { try fixture.bookings(at: bookedAt).book(fixture.request("2030-01-08", time)).booking }

    /// A message sent at `at` that belongs to no booking, and a key created then.
    func seedRecords(at at: String) {
        let instant = Timestamp(iso8601: at)!
        fixture.store.state.outbox.append(OutboxMessage(artisanID: fixture.artisan.id, bookingID: nil, kind: .artisanNewBooking, channel: .email,
                                                        recipient: "lea@example.com", recipientName: nil, variables: [:], status: .sent,
                                                        nextAttemptAt: instant, idempotencyKey: "sent-\(at)", createdAt: instant))
        fixture.store.state.idempotencyKeys["key-\(at)"] = IdempotencyRecord(key: "key-\(at)", requestDigest: "d", lockedUntil: instant, createdAt: instant)
    }

    @Test("every category is cut at its own instant, all from one reading of the clock")
    func cutoffsFromOneClock() throws {
        let report = retention(at: "2032-01-08T10:00:00Z").purge(RetentionPolicy(period: RetentionPeriod("2y")!), dryRun: false)
        let expected: [RetentionCategory: String] = [
            .bookings: "2030-01-08T10:00:00Z", .notifications: "2030-01-08T10:00:00Z", .busyBlocks: "2032-01-08T10:00:00Z",
            .webhookEvents: "2030-01-08T10:00:00Z", .idempotencyKeys: "2032-01-07T10:00:00Z",
        ]
        #expect(fixture.store.state.purgeCutoffs == expected.mapValues { Timestamp(iso8601: $0)! })
        #expect(report.entries.map(\.category) == RetentionCategory.allCases)
        #expect(report.entries.allSatisfy { $0.cutoff == Timestamp(iso8601: expected[$0.category]!)! })
        #expect(report.now == Timestamp(iso8601: "2032-01-08T10:00:00Z")! && report.period.description == "2y" && !report.dryRun)
    }

    @Test("a booking goes once it has been over for the whole period, with its audit trail and messages; not a moment before")
    func bookingAtTheLimit() throws {
        let booking = try book()
        let events = fixture.store.state.events.count, messages = fixture.store.state.outbox.count
        #expect(events > 0 && messages > 0)
        let exactly = retention(at: "2032-01-08T10:00:00Z").purge(RetentionPolicy(), dryRun: false)
        #expect(exactly.entries[0].removed == 0)
        #expect(fixture.store.state.bookings[fixture.artisan.id]?.map(\.id) == [booking.id])
        let after = retention(at: "2032-01-08T10:00:00.000001Z").purge(RetentionPolicy(), dryRun: false)
        #expect(after.entries[0].removed == 1)
        #expect(after.entries[0].alongside == PurgedBookings(bookings: 1, events: events, notifications: messages, calendarExports: 0))
        #expect(fixture.store.state.bookings[fixture.artisan.id]?.isEmpty == true)
        #expect(fixture.store.state.events.isEmpty && fixture.store.state.outbox.isEmpty)
    }

    @Test("each category is a transaction of its own")
    func oneTransactionPerCategory() throws {
        let before = fixture.store.transactions
        _ = retention(at: "2032-06-01T00:00:00Z").purge(RetentionPolicy(), dryRun: false)
        #expect(fixture.store.transactions - before == RetentionCategory.allCases.count)
    }

    @Test("a failing category is reported and left whole; the categories before and after it are purged")
    func failureLeavesItsCategoryWhole() throws {
        try book()
        seedRecords(at: "2029-06-01T00:00:00Z")
        fixture.store.failingPurges = [.notifications]
        let report = retention(at: "2032-06-01T00:00:00Z").purge(RetentionPolicy(), dryRun: false)

        #expect(report.failures.map(\.category) == [.notifications])
        let failed = try #require(report.entries.first { $0.category == .notifications })
        #expect(failed.removed == nil && failed.failure is InMemoryStore.Retention.Refused)
        #expect(report.entries.first { $0.category == .bookings }?.removed == 1)
        #expect(report.entries.first { $0.category == .idempotencyKeys }?.removed == 1)
        #expect(fixture.store.state.bookings[fixture.artisan.id]?.isEmpty == true)
        #expect(fixture.store.state.outbox.map(\.idempotencyKey) == ["sent-2029-06-01T00:00:00Z"])
        #expect(fixture.store.state.idempotencyKeys.isEmpty)
        // What the failing category did before it failed was put back: its cut-off is not recorded.
        #expect(fixture.store.state.purgeCutoffs[.notifications] == nil)
    }

    @Test("a dry run counts what the real run then removes, and changes nothing; a second real run removes nothing")
    func dryRunThenRealThenAgain() throws {
        try book("10:00")
        try book("14:00")
        // Their messages went long ago: they are the bookings', counted there only.
        for index in fixture.store.state.outbox.indices { fixture.store.state.outbox[index].status = .sent }
        seedRecords(at: "2029-06-01T00:00:00Z")
        seedRecords(at: "2032-05-31T12:00:00Z")
        let now = "2032-06-01T00:00:00Z"
        let bookings = fixture.store.state.bookings, outbox = fixture.store.state.outbox.map(\.id), keys = fixture.store.state.idempotencyKeys

        let dry = retention(at: now).purge(RetentionPolicy(), dryRun: true)
        #expect(dry.dryRun)
        #expect(fixture.store.state.bookings == bookings && fixture.store.state.outbox.map(\.id) == outbox && fixture.store.state.idempotencyKeys == keys)
        #expect(fixture.store.state.purgeCutoffs.isEmpty)

        let real = retention(at: now).purge(RetentionPolicy(), dryRun: false)
        #expect(real.entries.map(\.removed) == dry.entries.map(\.removed))
        #expect(real.entries.map(\.alongside) == dry.entries.map(\.alongside))
        #expect(real.entries.map(\.removed) == [2, 1, 0, 0, 1])
        #expect(real.entries[0].alongside?.notifications == outbox.count - 2)
        #expect(Array(fixture.store.state.idempotencyKeys.keys) == ["key-2032-05-31T12:00:00Z"])

        let again = retention(at: now).purge(RetentionPolicy(), dryRun: false)
        #expect(again.entries.map(\.removed) == [0, 0, 0, 0, 0])
        #expect(again.failures.isEmpty)
    }
}
