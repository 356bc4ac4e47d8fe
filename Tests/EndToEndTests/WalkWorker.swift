import ArtisanStore
import Foundation
import TestSupport

/// One worker of the walk: its own copy of the seeded database, its own directories, and the
/// verdict on each case it runs. Not shared between threads.
final class WalkWorker {
    /// DESIGN.md's exit statuses other than 1.
    static let documentedStatuses: Set<Int32> = [0, 64, 65, 66, 69, 75, 77, 78]

    /// Nothing answers at 127.0.0.1:1: every provider and every proxied request fails at once.
    static let sandbox: [String: String] = {
        let nowhere = "http://127.0.0.1:1"
        var environment = [
            "ARTISANCTL_NOW": CatalogueWorld.now, "ARTISANCTL_HTTP_TIMEOUT": "2",
            "CALENDAR_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            "GOOGLE_CLIENT_ID": "walk-client", "GOOGLE_CLIENT_SECRET": "walk-secret", "MS_CLIENT_ID": "walk-client",
            "http_proxy": nowhere, "https_proxy": nowhere, "ALL_PROXY": nowhere,
        ]
        for base in ["GOOGLE_API_BASE", "GOOGLE_OAUTH_BASE", "GOOGLE_ACCOUNTS_BASE", "GRAPH_API_BASE", "MS_LOGIN_BASE"] { environment[base] = nowhere }
        return environment
    }()

    let template: TestDatabase
    let directory: URL
    private var database: TestDatabase
    private var connection: PostgresConnection
    private let tables: [String]
    private var fingerprint: String
    private(set) var resets = 0

    init(template: TestDatabase, directory: URL) throws {
        self.template = template
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try TestDatabase.copy(of: template)
        connection = try database.connect()
        tables = try Self.tables(connection)
        fingerprint = ""
        fingerprint = try currentFingerprint()
    }

    deinit { connection.close() }

    static func tables(_ connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").map { try $0.decode("tablename") }
    }

    /// The table names, then an md5 of every row of each table: equal exactly when no row changed.
    func currentFingerprint() throws -> String {
        let present = try Self.tables(connection)
        guard present == tables else { return "tables: \(present)" }
        let hashes = tables.map { "SELECT '\($0)' AS t, coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '-') AS h FROM \($0) x" }
        let rows = try connection.query("SELECT string_agg(t || ' ' || h, ', ' ORDER BY t) AS f FROM (\(unsafeSQL: hashes.joined(separator: " UNION ALL "))) s")
        return try rows[0].decode("f")
    }

    /// A fresh copy of the template, when a command changed something.
    private func reset() throws {
        connection.close()
        database.drop()
        database = try TestDatabase.copy(of: template)
        connection = try database.connect()
        fingerprint = try currentFingerprint()
        resets += 1
    }

    /// Runs the case through the binary and returns what is wrong with the outcome, nil when
    /// nothing is. No time limit: a hang fails CI by its own.
    func run(_ hostile: HostileCase) throws -> String? {
        var environment = database.environment.merging(Self.sandbox) { _, walk in walk }
        environment.removeValue(forKey: "NO_COLOR")
        environment["XDG_DATA_HOME"] = directory.appendingPathComponent("data").path
        environment["XDG_STATE_HOME"] = directory.appendingPathComponent("state").path
        environment.merge(hostile.environment) { _, own in own }
        for (name, contents) in hostile.files { try Data(contents.utf8).write(to: directory.appendingPathComponent(name)) }
        defer { for name in hostile.files.keys { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) } }
        let arguments = hostile.arguments.map { $0.replacingOccurrences(of: CommandWalk.directory, with: directory.path) }
        let result = try Subprocess.run([Binary.path] + arguments, environment: environment, input: hostile.stdin, workingDirectory: directory.path)
        let before = fingerprint
        fingerprint = try currentFingerprint()
        let changed = fingerprint != before
        if changed { try reset() }
        return Self.verdict(result, changed: changed)
    }

    static func verdict(_ result: Subprocess.Outcome, changed: Bool) -> String? {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(result.stderr.hasSuffix("\n") ? 1 : 0)
        if result.status > 128 { return "killed by signal \(result.status - 128): \(result.stderr.prefix(500))" }
        if !documentedStatuses.contains(result.status) { return "exit \(result.status): \(result.stderr.prefix(500))" }
        guard result.status != 0 else { return nil }
        if changed { return "exit \(result.status) but rows changed" }
        let oneError = lines.count >= 1 && lines.count <= 2 && lines[0].hasPrefix("artisanctl: error: ") && lines.dropFirst().allSatisfy { $0.hasPrefix("hint: ") }
            || lines.count == 1 && isErrorRecord(String(lines[0]), status: result.status)
        return oneError ? nil : "exit \(result.status), stderr is not one error line: \(result.stderr.prefix(500).debugDescription)"
    }

    /// The error as a JSON log record (serve logs JSON by default): level error, a message, the exit status.
    static func isErrorRecord(_ line: String, status: Int32) -> Bool {
        guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return false }
        return record["level"] as? String == "error" && (record["message"] as? String)?.isEmpty == false
            && record["exitStatus"] as? Int == Int(status)
    }
}
