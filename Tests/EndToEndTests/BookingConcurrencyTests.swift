import ArtisanStore
import Foundation
import Testing
import TestSupport

/// No double booking under concurrency: real `artisanctl` processes racing for the same and
/// overlapping slots against one PostgreSQL database.
@Suite("bookings under concurrency, through the binary")
struct BookingConcurrencyTests {
    /// Slots of one morning that all overlap one another (each covers 10:30–11:00):
    /// Coupe femme 10:00–11:00 and 10:30–11:30, Coloration 09:30–11:15 and 10:00–11:45 (with its
    /// 15-minute buffer), Coupe homme 10:30–11:00.
    static let contenders: [(service: String, time: String)] = [
        ("Coupe femme", "10:00"), ("Coloration", "09:30"), ("Coloration", "10:00"), ("Coupe homme", "10:30"), ("Coupe femme", "10:30"),
    ]

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func raceTogether(_ commands: [[String]], environment: [String: String], in directory: URL) throws -> [Outcome] {
        try ProcessRace.run(commands, environment: environment, in: directory).map {
            Outcome(status: $0.status, stdout: $0.stdout, stderr: $0.stderr)
        }
    }

    @Test("16 processes booking the same and overlapping slots at once: exactly one wins, the others get SLOT_UNAVAILABLE (three rounds)")
    func sixteenAtOnce() throws {
        let world = try CatalogueWorld.demo()
        // Wednesday, Thursday, Friday: a round each, on a day nobody booked yet.
        for (round, date) in ["2026-11-25", "2026-11-26", "2026-11-27"].enumerated() {
            let commands = (0..<16).map { index in
                let (service, time) = Self.contenders[index % Self.contenders.count]
                return CatalogueWorld.createArguments(service, date, time, name: "Client \(index)", email: "client\(index)@example.com")
                    + ["--json"]
            }
            let outcomes = try Self.raceTogether(commands, environment: world.environment,
                                                 in: world.directory.appendingPathComponent("round\(round)"))

            let winners = outcomes.indices.filter { outcomes[$0].status == 0 }
            #expect(winners.count == 1, "round \(round): \(outcomes.map(\.status))")
            for (index, outcome) in outcomes.enumerated() where outcome.status != 0 {
                #expect(outcome.status == 65, "round \(round), process \(index): \(outcome.status) \(outcome.stderr)")
                #expect(outcome.stdout.isEmpty)
                let error = (try? jsonObject(outcome.stderr))?["error"] as? [String: Any]
                #expect(error?["code"] as? String == "SLOT_UNAVAILABLE", "round \(round), process \(index): \(outcome.stderr)")
                for word in rawDatabaseWords {
                    #expect(!outcome.stderr.contains(word), "raw database error: \(outcome.stderr)")
                }
            }
            // The winner's booking is the one in the database, with its one event.
            let winner = try #require(winners.first)
            let booking = try jsonObject(outcomes[winner].stdout)
            let (service, time) = Self.contenders[winner % Self.contenders.count]
            #expect(booking["service"] as? String == service)
            #expect(booking["time"] as? String == time)
            #expect(booking["customerEmail"] as? String == "client\(winner)@example.com")
            let code = try world.code(of: booking)
            let ofTheDay = try world.connection.query("""
                SELECT public_code, status FROM bookings
                WHERE (start_datetime AT TIME ZONE 'Europe/Paris')::date = \(date)::date
                """).map { $0.values }
            #expect(ofTheDay == [[code, "confirmed"]])
            #expect(try world.eventKinds(code) == ["created"])
            #expect(try world.countOf("SELECT count(*) AS n FROM bookings") == round + 1)
            #expect(try world.countOf("SELECT count(*) AS n FROM booking_events") == round + 1)
            #expect(try world.countOf(overlappingActivePairs) == 0)
        }
    }

    /// A booking of Thursday 10:00 inserted by another session and not yet committed: the
    /// engine cannot see it, so the binary's own insert (or update) waits on the exclusion
    /// constraint, and fails with SLOT_UNAVAILABLE once that session commits; it goes through
    /// if the other session rolls back.
    static func raceAgainstOpenTransaction(_ world: CatalogueWorld, _ arguments: [String], commit: Bool) throws -> Binary.Result {
        let other = try world.database.connect()
        defer { other.close() }
        try other.execute("BEGIN")
        try other.execute("""
            INSERT INTO bookings (public_code, artisan_id, service_id, customer_name, customer_email, start_datetime,
                                  duration_minutes, price_cents, deposit_amount_cents, deposit_rate)
            SELECT 'AC-RACE22', artisan_id, id, 'Other Session', 'other@example.com', '2026-11-26T10:00:00+01:00',
                   duration_minutes, base_price_cents, 0, deposit_rate
            FROM services WHERE name = 'Coupe femme'
            """)
        let box = ResultBox()
        let finished = DispatchSemaphore(value: 0)
        let environment = world.environment, directory = world.directory.path
        Thread.detachNewThread {
            box.set(Result(catching: { try Binary.run(arguments, environment: environment, workingDirectory: directory) }))
            finished.signal()
        }
        // Wait until the binary is blocked on the other session's row (or has finished: then it did not wait).
        let observer = try world.database.connect()
        defer { observer.close() }
        var waited = false
        for _ in 0..<1000 {
            let waiting: Int = try observer.query("""
                SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                """)[0].decode("n")
            if waiting > 0 { waited = true; break }
            if box.isSet { break }
            usleep(10_000)
        }
        #expect(waited, "the binary never waited on the uncommitted booking")
        try other.execute(commit ? "COMMIT" : "ROLLBACK")
        finished.wait()
        return try box.get()
    }

    @Test("create racing an uncommitted booking: the exclusion constraint's refusal is SLOT_UNAVAILABLE, never the raw error")
    func createLosesToCommittedRival() throws {
        let world = try CatalogueWorld.demo()
        let lost = try Self.raceAgainstOpenTransaction(
            world, CatalogueWorld.createArguments("Coloration", "2026-11-26", "09:30") + ["--json"], commit: true)
        #expect(lost.status == 65, "\(lost.stderr)")
        #expect((try jsonObject(lost.stderr)["error"] as? [String: Any])?["code"] as? String == "SLOT_UNAVAILABLE", "\(lost.stderr)")
        for word in rawDatabaseWords { #expect(!lost.stderr.contains(word), "\(lost.stderr)") }
        #expect(try world.connection.query("SELECT public_code FROM bookings").map { $0.values } == [["AC-RACE22"]])
        #expect(try world.countOf("SELECT count(*) AS n FROM booking_events") == 0)

        // Plain output too: one line and a hint, no database text.
        let world2 = try CatalogueWorld.demo()
        let plain = try Self.raceAgainstOpenTransaction(world2, CatalogueWorld.createArguments("Coupe homme", "2026-11-26", "10:30"), commit: true)
        #expect(plain.status == 65)
        #expect(lines(plain.stderr).first == "artisanctl: error: this slot is already booked or unavailable", "\(plain.stderr)")
        for word in rawDatabaseWords { #expect(!plain.stderr.contains(word), "\(plain.stderr)") }
    }

    @Test("create racing an uncommitted booking that is rolled back: the binary waits, then books")
    func createWinsWhenRivalRollsBack() throws {
        let world = try CatalogueWorld.demo()
        let won = try Self.raceAgainstOpenTransaction(
            world, CatalogueWorld.createArguments("Coloration", "2026-11-26", "09:30") + ["--output", "json"], commit: false)
        #expect(won.status == 0, "\(won.stderr)")
        let code = try world.code(of: try jsonObject(won.stdout))
        #expect(try world.connection.query("SELECT public_code FROM bookings").map { $0.values } == [[code]])
        #expect(try world.eventKinds(code) == ["created"])
    }

    @Test("reschedule racing an uncommitted booking of the target slot: SLOT_UNAVAILABLE, and the booking stays put")
    func rescheduleLosesToCommittedRival() throws {
        let world = try CatalogueWorld.demo()
        let code = try world.createCode("Coupe femme", "2026-11-27", "10:00")
        let lost = try Self.raceAgainstOpenTransaction(
            world, ["bookings", "reschedule", code, "--date", "2026-11-26", "--time", "10:30", "--json"], commit: true)
        #expect(lost.status == 65, "\(lost.stderr)")
        #expect((try jsonObject(lost.stderr)["error"] as? [String: Any])?["code"] as? String == "SLOT_UNAVAILABLE", "\(lost.stderr)")
        for word in rawDatabaseWords { #expect(!lost.stderr.contains(word), "\(lost.stderr)") }
        #expect(try world.object("bookings", "show", code)["start"] as? String == "2026-11-27T10:00:00+01:00")
        #expect(try world.eventKinds(code) == ["created"])
        #expect(try world.countOf(overlappingActivePairs) == 0)
    }
}

/// A result handed from the thread that ran the binary.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Binary.Result, any Error>?

    func set(_ result: Result<Binary.Result, any Error>) { lock.withLock { self.result = result } }
    var isSet: Bool { lock.withLock { result != nil } }
    func get() throws -> Binary.Result {
        guard let result = lock.withLock({ self.result }) else { throw NotJSON(text: "no result") }
        return try result.get()
    }
}
