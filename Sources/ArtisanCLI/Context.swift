import ArtisanCore
import ArtisanStore
import Logging

/// Everything a command needs from the outside world, built once per run and passed down:
/// streams, terminal facts, environment, clock, logger, and how to reach the database.
public final class Context: @unchecked Sendable {
    public let stdout: any TextSink
    public let stderr: any TextSink
    public let stdinIsTerminal: Bool
    public let stdoutIsTerminal: Bool
    /// The process environment merged with the `.env` file (the process wins).
    public private(set) var environment: [String: String]
    public let workingDirectory: String
    public let tree: CommandTree
    public private(set) var options = GlobalOptions()
    public private(set) var clock: Clock
    /// Seconds each calendar provider request may take: `ARTISANCTL_HTTP_TIMEOUT`, default 20.
    public private(set) var httpTimeout = 20
    public private(set) var logger: Logger
    /// Where the logger writes, also used directly for what is written whatever the level: the
    /// notes and, in JSON, the error report and the server's address.
    private(set) var log: LogWriter
    /// Reads answers to prompts; nil when nothing can be asked (the shell and the terminal set it).
    public var lineReader: (any LineReading)?

    public init(
        stdout: any TextSink, stderr: any TextSink, stdinIsTerminal: Bool, stdoutIsTerminal: Bool,
        environment: [String: String], workingDirectory: String, tree: CommandTree, clock: Clock
    ) {
        self.stdout = stdout
        self.stderr = stderr
        self.stdinIsTerminal = stdinIsTerminal
        self.stdoutIsTerminal = stdoutIsTerminal
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.tree = tree
        self.clock = clock
        self.logger = Logger(label: "artisanctl") { _ in SwiftLogNoOpLogHandler() }
        self.log = LogWriter(sink: stderr, format: .text, redactor: Redactor(environment: environment), clock: clock)
    }

    /// Applies the global flags: loads the env file, reads the settings of the environment (a bad
    /// one is a configuration error, exit 78), sets up logging and the clock. `personalValues`
    /// (the names, e-mails and phones typed on the command line) are masked in every log line.
    func configure(with options: GlobalOptions, personalValues: [String] = [], logDefaults: LogSettings.Defaults = .command) throws {
        self.options = options
        let path = options.envFile ?? (workingDirectory + "/.env")
        if let text = try EnvironmentFile.read(path: path) {
            environment.merge(try EnvironmentFile.parse(text, path: path)) { current, _ in current }
        } else if let explicit = options.envFile {
            throw ArtisanError.configuration("--env-file: \(explicit) does not exist")
        }
        // Known first, so that a bad setting below is reported in the format asked for.
        log = LogWriter(sink: stderr, format: try LogSettings.format(options, environment: environment, defaults: logDefaults),
                        redactor: Redactor(environment: environment, personalValues: personalValues), clock: clock)
        if let now = environment["ARTISANCTL_NOW"] {
            guard let instant = Timestamp(iso8601: now) else {
                throw ArtisanError.configuration("ARTISANCTL_NOW: expected an ISO 8601 instant with an offset, such as 2026-11-24T09:00:00+01:00")
            }
            clock = .fixed(instant)
        }
        if let text = environment["ARTISANCTL_HTTP_TIMEOUT"] {
            guard let seconds = Int(text), (1...300).contains(seconds) else {
                throw ArtisanError.configuration("ARTISANCTL_HTTP_TIMEOUT: must be a whole number of seconds from 1 to 300 (got '\(text)')")
            }
            httpTimeout = seconds
        }
        log.clock = clock
        let handler = StderrLogHandler(writer: log, level: try LogSettings.level(options, environment: environment, defaults: logDefaults))
        logger = Logger(label: "artisanctl") { _ in handler }
    }

    /// Colour only on a terminal, and never with `--no-color`, `NO_COLOR` or `TERM=dumb`.
    public var usesColor: Bool {
        stdoutIsTerminal && !options.noColor && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// Where the database is, by precedence: `--database`, `DATABASE_URL`, libpq's `PG*`
    /// variables, then the embedded cluster when it is running.
    public func databaseTarget() throws -> DatabaseTarget {
        try DatabaseTarget.resolve(flag: options.database, environment: environment)
    }

    /// A new connection to the configured database; the caller closes it.
    public func connect() throws -> PostgresConnection {
        let target = try databaseTarget()
        logger.debug("connecting to the database", metadata: ["target": "\(target.redactedDescription)"])
        return try PostgresConnection(conninfo: target.conninfo)
    }

    /// Asks before something destructive: on a terminal a y/N prompt, otherwise `--yes` is required.
    public func confirm(_ question: String) throws {
        if options.yes { return }
        guard stdinIsTerminal else {
            throw ArtisanError.usage("refusing to \(question) without confirmation", hint: "pass --yes to confirm")
        }
        stderr.write("\(question.prefix(1).uppercased() + question.dropFirst())? [y/N] ")
        stderr.flush()
        let answer = readLine()?.lowercased() ?? ""
        guard answer == "y" || answer == "yes" else {
            throw ArtisanError(.usage, code: "CANCELLED", "cancelled: nothing was changed")
        }
    }
}
