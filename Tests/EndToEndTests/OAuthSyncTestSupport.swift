import ArtisanIntegrations
import ArtisanStore
import Foundation
import Testing
import TestSupport

/// A local fake of a provider (Tests/Fixtures/fake_google.py or fake_graph.py), driven over HTTP
/// through its test-only endpoints (see each script's docstring). Stopped when released.
final class ProviderFake: @unchecked Sendable {
    let server: FakeServer
    var url: String { server.url }

    init(_ name: String) throws { server = try FakeServer.start(name) }

    deinit { server.stop() }

    /// POST /_control with `command` as JSON.
    func control(_ command: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: command)
        let response = try CurlTransport().send(HTTPRequest(method: "POST", url: url + "/_control", headers: [("Content-Type", "application/json")],
                                                            body: Array(body), timeout: 10))
        guard response.status == 200 else { throw NotJSON(text: "/_control answered \(response.status): \(response.text)") }
    }

    /// GET of a test-only endpoint (`/_control`, `/_state`, `/_log`), parsed.
    func get(_ path: String) throws -> Any {
        let response = try CurlTransport().send(HTTPRequest(url: url + path, timeout: 10))
        guard response.status == 200 else { throw NotJSON(text: "\(path) answered \(response.status)") }
        return try JSONSerialization.jsonObject(with: Data(response.body))
    }
}

/// One test's world for the OAuth providers: the demo catalogue in a fresh database (through the
/// binary), the clock fixed on Tuesday 2026-11-24 09:00 Paris, an encryption key, and the
/// provider variables pointing at the fakes given.
final class OAuthSyncWorld: @unchecked Sendable {
    static let key = "q6S0Yq8Kc4lqzq5mJ1m2qg3m2Vn8Wc2d3ZxQ0eTq1jE="
    static let googleClientID = "fake-client-id.apps.googleusercontent.com"
    static let googleClientSecret = "fake-client-secret"
    static let msClientID = "00000000-1111-2222-3333-444444444444"

    let world: CatalogueWorld
    let google: ProviderFake?
    let graph: ProviderFake?
    let extra: [String: String]
    let box: SecretBox

    init(google: Bool = false, graph: Bool = false) throws {
        world = try CatalogueWorld.demo()
        self.google = google ? try ProviderFake("google") : nil
        self.graph = graph ? try ProviderFake("graph") : nil
        var extra = ["CALENDAR_ENCRYPTION_KEY": Self.key]
        if let fake = self.google {
            extra["GOOGLE_CLIENT_ID"] = Self.googleClientID
            extra["GOOGLE_CLIENT_SECRET"] = Self.googleClientSecret
            for name in ["GOOGLE_API_BASE", "GOOGLE_OAUTH_BASE", "GOOGLE_ACCOUNTS_BASE"] { extra[name] = fake.url }
        }
        if let fake = self.graph {
            extra["MS_CLIENT_ID"] = Self.msClientID
            extra["GRAPH_API_BASE"] = fake.url
            extra["MS_LOGIN_BASE"] = fake.url
        }
        self.extra = extra
        box = try SecretBox(environment: ["CALENDAR_ENCRYPTION_KEY": Self.key])
    }

    var environment: [String: String] { world.environment.merging(extra) { _, new in new } }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment more: [String: String] = [:]) throws -> Binary.Result {
        try world.run(arguments, stdin: stdin, environment: extra.merging(more) { _, new in new })
    }

    /// Runs a command that must exit 0 (an expectation, so the test goes on to say more).
    @discardableResult
    func succeed(_ arguments: [String], stdin: String? = nil, environment more: [String: String] = [:],
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> Binary.Result {
        let result = try run(arguments, stdin: stdin, environment: more)
        #expect(result.status == 0, "artisanctl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)",
                sourceLocation: sourceLocation)
        return result
    }

    /// `sync calendars`, which must succeed; its stdout.
    @discardableResult
    func sync(_ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try succeed(["sync", "calendars"] + extra, sourceLocation: sourceLocation).stdout
    }

    // MARK: - The database

    /// The imported blocks of a provider, `start/end` in UTC, in time order.
    func blocks(_ provider: String) throws -> [String] {
        try world.connection.query("""
            SELECT to_char(start_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') || '/' || to_char(end_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS span
            FROM external_busy_blocks WHERE source = 'external' AND provider_id = \(provider) ORDER BY start_datetime, external_event_id
            """).map { try $0.decode("span") }
    }

    /// Every imported block of a provider, all its columns but the timestamps of the row itself:
    /// to compare before and after a failed run.
    func importedRows(_ provider: String) throws -> [[String?]] {
        try world.connection.query("""
            SELECT id::text, external_event_id, summary, start_datetime::text, end_datetime::text FROM external_busy_blocks
            WHERE source = 'external' AND provider_id = \(provider) ORDER BY start_datetime, external_event_id
            """).map(\.values)
    }

    /// The export rows (source booking) of a provider: external event id and start.
    func exportRows(_ provider: String) throws -> [[String?]] {
        try world.connection.query("""
            SELECT external_event_id, to_char(start_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') FROM external_busy_blocks
            WHERE source = 'booking' AND provider_id = \(provider) ORDER BY start_datetime
            """).map(\.values)
    }

    struct StoredConnection {
        let accessSealed: String
        let refreshSealed: String?
        let syncToken: String?
        let state: String
    }

    func stored(_ provider: String) throws -> StoredConnection {
        let rows = try world.connection.query("""
            SELECT access_token_encrypted, refresh_token_encrypted, sync_token, state FROM calendar_connections WHERE provider_id = \(provider)
            """)
        let row = try #require(rows.first, "no \(provider) connection is stored")
        return StoredConnection(accessSealed: try row.decode("access_token_encrypted"), refreshSealed: try row.decode("refresh_token_encrypted", as: String?.self),
                                syncToken: try row.decode("sync_token", as: String?.self), state: try row.decode("state"))
    }

    /// `calendars list --output json`.
    func listed() throws -> [[String: Any]] {
        try jsonArray(succeed(["calendars", "list", "--output", "json"]).stdout)
    }

    /// `pg_dump --data-only` of the test database.
    func dump() throws -> String {
        let dump = try Subprocess.run(["pg_dump", "--data-only", world.database.name], environment: world.environment)
        #expect(dump.succeeded, "pg_dump: \(dump.stderr)")
        return dump.stdout
    }

    /// Books a slot through the binary; its public code.
    @discardableResult
    func book(_ service: String, _ date: String, _ time: String) throws -> String {
        try world.createCode(service, date, time)
    }

    // MARK: - Processes at once

    /// Polls `condition` until it holds (at most about a minute, so a broken run cannot hang the
    /// suite): a wait for an observable state, never a sleep standing in for an ordering.
    func eventually(_ condition: () throws -> Bool) throws -> Bool {
        for _ in 0..<6000 {
            if try condition() { return true }
            usleep(10_000)
        }
        return false
    }

    /// How many `sync calendars` are blocked waiting for an artisan's advisory lock.
    func waitingForLock() throws -> Int {
        try world.connection.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0].decode("n")
    }

    /// Two runs at once, ordered by the fake holding the first one's listing (`held` reads how many
    /// requests it holds): while it is held, a second run exits 75 at once; with `--wait` a
    /// second run waits for the lock, then both succeed and each booking is exported once.
    func raceForTheLock(_ fake: ProviderFake, listing: String, held: @escaping () throws -> Int, provider: String) throws {
        try fake.control(["fail": [["path": listing, "hold": true, "times": 1]]])
        let first = Background(["sync", "calendars"], world: self, name: "first")
        defer { first.stop() }
        #expect(try eventually { try held() == 1 }, "the first run's listing is held")
        let second = try run(["sync", "calendars"])
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.contains("another 'sync calendars' is running"), "\(second.stderr)")
        #expect(second.stdout.isEmpty)
        try fake.control(["release": true])
        let done = try first.finish(within: 120)
        #expect(done.status == 0, "\(done.stderr)")

        let code = try book("Coupe femme", "2026-11-26", "10:00")
        try fake.control(["fail": [["path": listing, "hold": true, "times": 1]]])
        let holder = Background(["sync", "calendars", "--wait"], world: self, name: "holder")
        defer { holder.stop() }
        #expect(try eventually { try held() == 1 })
        let waiter = Background(["sync", "calendars", "--wait"], world: self, name: "waiter")
        defer { waiter.stop() }
        #expect(try eventually { try waitingForLock() == 1 }, "the second run waits for the lock")
        try fake.control(["release": true])
        let outcomes = [try holder.finish(within: 120), try waiter.finish(within: 120)]
        #expect(outcomes.map(\.status) == [0, 0], "\(outcomes.map(\.stderr))")
        #expect(outcomes.filter { $0.stdout.contains("exported 1") }.count == 1, "\(outcomes.map(\.stdout))")
        #expect(outcomes.filter { $0.stdout.contains("exported 0") }.count == 1, "\(outcomes.map(\.stdout))")
        #expect(try exportRows(provider).count == 1, "\(code) exported once")
    }

    /// Starts `artisanctl arguments…` in the background, `stdin` as its input (not a terminal), its stderr
    /// going to a file that `stderrSoFar()` reads while it runs. `finish` waits for it.
    final class Background: @unchecked Sendable {
        let stderrFile: URL
        let pidFile: URL
        private let box = ResultBox()
        private let done = DispatchSemaphore(value: 0)

        init(_ arguments: [String], world: OAuthSyncWorld, name: String, stdin: String = "") {
            stderrFile = world.world.directory.appendingPathComponent("\(name).err")
            pidFile = world.world.directory.appendingPathComponent("\(name).pid")
            // The shell records its pid, then becomes artisanctl (same pid).
            let script = "pid=\"$0\"; err=\"$1\"; shift; echo $$ > \"$pid\"; exec \"$@\" 2> \"$err\""
            let command = ["/bin/sh", "-c", script, pidFile.path, stderrFile.path, Binary.path] + arguments
            let environment = world.environment, directory = world.world.directory.path
            let box = self.box, done = self.done
            Thread.detachNewThread {
                box.set(Result(catching: { try Subprocess.run(command, environment: environment, input: stdin, workingDirectory: directory) }))
                done.signal()
            }
        }

        func stderrSoFar() -> String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

        /// Polls its stderr until a line contains `text` (at most `seconds`).
        func line(containing text: String, within seconds: Double) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let line = stderrSoFar().split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
                if box.isSet { return nil }
                usleep(20_000)
            }
            return nil
        }

        /// Kills the process (by the pid it recorded) if it is still running: a test that gave up
        /// early leaves no listener waiting for a browser.
        func stop() {
            guard !box.isSet else { return }
            if let text = try? String(contentsOf: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGKILL)
            }
        }

        /// Waits for the process (at most `seconds`, then kills it).
        func finish(within seconds: Double) throws -> (status: Int32, stdout: String, stderr: String) {
            if done.wait(timeout: .now() + seconds) == .timedOut {
                stop()
                done.wait()
                throw NotJSON(text: "artisanctl did not finish within \(seconds) s; stderr: \(stderrSoFar())")
            }
            let result = try box.get()
            return (result.status, result.stdout, stderrSoFar())
        }
    }
}
