import ArtisanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The private PostgreSQL cluster of `artisanctl db up`: the system's PostgreSQL binaries, a data
/// directory under `$XDG_DATA_HOME/artisanctl/pg`, and a unix socket beside it, no TCP at all.
/// As root, PostgreSQL's tools run as the `postgres` user, which owns the directory.
public struct EmbeddedCluster: Sendable {
    public static let databaseName = "artisanconnect"
    public static let userName = "artisan"
    static let port = 5432

    /// The cluster's own directory (holds `data/`, `socket/` and `postgres.log`).
    public let root: String
    let runsAsRoot: Bool
    let binDirectory: String?

    public var dataDirectory: String { root + "/data" }
    public var socketDirectory: String { root + "/socket" }
    public var logFile: String { root + "/postgres.log" }

    public init(root: String, runsAsRoot: Bool, binDirectory: String?) {
        self.root = root
        self.runsAsRoot = runsAsRoot
        self.binDirectory = binDirectory
    }

    /// `$XDG_DATA_HOME/artisanctl/pg`, else `~/.local/share/artisanctl/pg`; as root with no
    /// `XDG_DATA_HOME`, `/var/lib/artisanctl/pg` (the `postgres` user cannot enter `/root`).
    public static func locate(environment: [String: String]) -> EmbeddedCluster {
        let isRoot = geteuid() == 0
        let root: String
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            root = data + "/artisanctl/pg"
        } else if isRoot {
            root = "/var/lib/artisanctl/pg"
        } else {
            root = (environment["HOME"] ?? ".") + "/.local/share/artisanctl/pg"
        }
        return EmbeddedCluster(root: root, runsAsRoot: isRoot, binDirectory: environment["ARTISANCTL_PG_BINDIR"])
    }

    public enum State: String, Sendable {
        /// No cluster was ever created here.
        case absent
        case stopped
        case running
    }

    /// Read from `postmaster.pid`, without starting any program (this runs before every command).
    public var state: State {
        guard access(dataDirectory + "/PG_VERSION", F_OK) == 0 else { return .absent }
        guard let file = fopen(dataDirectory + "/postmaster.pid", "r") else { return .stopped }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 32)
        guard fgets(&line, Int32(line.count), file) != nil else { return .stopped }
        let digits = line.prefix { $0 >= 48 && $0 <= 57 }.map { Character(UnicodeScalar(UInt8($0))) }
        guard let pid = pid_t(String(digits)), pid > 0 else { return .stopped }
        return kill(pid, 0) == 0 || errno == EPERM ? .running : .stopped
    }

    /// The libpq URL of the cluster's database over its socket.
    public var url: String {
        "postgresql:///\(Self.databaseName)?host=\(Self.percentEncoded(socketDirectory))&user=\(Self.userName)"
    }

    /// What `db env` prints, for a shell's `eval`.
    public var environmentLines: [String] {
        [
            "export DATABASE_URL=\(Self.shellQuoted(url))",
            "export PGHOST=\(Self.shellQuoted(socketDirectory))",
            "export PGPORT=\(Self.port)",
            "export PGUSER=\(Self.userName)",
            "export PGDATABASE=\(Self.databaseName)",
        ]
    }

    public struct UpReport: Sendable {
        public let created: Bool
        public let started: Bool
    }

    /// Creates the cluster the first time, starts it when stopped, and makes sure its database exists.
    public func up() throws -> UpReport {
        var created = false
        if state == .absent {
            try createDirectories()
            try runTool("initdb", ["-D", dataDirectory, "-U", Self.userName, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-instructions"])
            try appendConfiguration()
            created = true
        }
        var started = false
        if state != .running {
            try runTool("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-s", "start"])
            started = true
        }
        try createDatabaseIfMissing()
        return UpReport(created: created, started: started)
    }

    /// Stops the cluster (fast shutdown); returns false when it was not running.
    @discardableResult
    public func down() throws -> Bool {
        guard state == .running else { return false }
        try runTool("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "-s", "stop"])
        return true
    }

    // MARK: - Steps

    private func createDirectories() throws {
        try Self.makeDirectories(root, mode: 0o700)
        try Self.makeDirectories(socketDirectory, mode: 0o700)
        if runsAsRoot {
            // The postgres user must be able to reach the directory: parents traversable, ours owned.
            guard let account = getpwnam("postgres") else {
                throw ArtisanError(.configuration, code: "CONFIGURATION_ERROR", "there is no postgres user to run the embedded cluster as root",
                                   hint: "install PostgreSQL from Debian (apt-get install postgresql) or run as a normal user")
            }
            for path in [root, socketDirectory] where chown(path, account.pointee.pw_uid, account.pointee.pw_gid) != 0 {
                throw ArtisanSystemError.errno("chown \(path)", errno)
            }
        }
    }

    private func appendConfiguration() throws {
        let settings = """

            # artisanctl: a private cluster, reachable only through its own unix socket.
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory.replacing("'", with: "''"))'
            port = \(Self.port)

            """
        guard let file = fopen(dataDirectory + "/postgresql.conf", "a") else {
            throw ArtisanSystemError.errno("cannot open \(dataDirectory)/postgresql.conf", errno)
        }
        defer { fclose(file) }
        fputs(settings, file)
    }

    private func createDatabaseIfMissing() throws {
        let connection = try PostgresConnection(
            conninfo: "postgresql:///postgres?host=\(Self.percentEncoded(socketDirectory))&user=\(Self.userName)")
        defer { connection.close() }
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = \(Self.databaseName)")
        if exists.isEmpty {
            try connection.execute("CREATE DATABASE \(unsafeSQL: Self.databaseName)")
        }
    }

    private func runTool(_ tool: String, _ arguments: [String]) throws {
        // Server programs are not on Debian's PATH: only ARTISANCTL_PG_BINDIR and /usr/lib/postgresql.
        let path = try PostgresPrograms(binDirectory: binDirectory, searchPath: nil).path(of: tool)
        let command = runsAsRoot ? ["runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
        let outcome = try Subprocess.run(command)
        guard outcome.succeeded else {
            let output = outcome.output.split(separator: "\n").last.map(String.init) ?? "exit status \(outcome.status)"
            throw ArtisanError(.unavailable, code: "DATABASE_UNAVAILABLE", "\(tool) failed: \(output)",
                               hint: tool == "pg_ctl" ? "see \(logFile)" : nil)
        }
    }

    // MARK: - Helpers

    static func makeDirectories(_ path: String, mode: mode_t) throws {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, current == path ? mode : 0o755) != 0, errno != EEXIST {
                throw ArtisanSystemError.errno("mkdir \(current)", errno)
            }
        }
    }

    /// The socket path in a URL, its slashes kept readable.
    static func percentEncoded(_ text: String) -> String {
        URLEncoding.percentEncoded(text, keeping: [UInt8(ascii: "/")])
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}
