import ArtisanCore

/// The flags every command accepts, before or after its name.
public struct GlobalOptions: Sendable {
    public enum OutputFormat: String, Sendable, CaseIterable { case table, json, csv }
    public enum LogFormat: String, Sendable, CaseIterable { case text, json }

    public var database: String?
    /// Which artisan, by e-mail, when the database holds several.
    public var artisan: String?
    public var output: OutputFormat = .table
    public var json = false
    public var noColor = false
    public var quiet = false
    public var verbose = false
    public var envFile: String?
    public var yes = false
    /// nil when `--log-format` is not given: `LogSettings` falls back on LOG_FORMAT, then the default.
    public var logFormat: LogFormat?

    static let flags: [Flag] = [
        Flag("database", short: "d", value: "URL", help: "PostgreSQL URL or key=value string (overrides DATABASE_URL and PG* variables)"),
        Flag("artisan", value: "EMAIL", help: "The artisan to act for, when the database holds several"),
        Flag("output", short: "o", value: "FORMAT", choices: OutputFormat.allCases.map(\.rawValue), help: "Output format: table, json or csv"),
        Flag("json", help: "Same as --output json; errors also go to stderr as JSON"),
        Flag("no-color", help: "Never colour the output (NO_COLOR is honoured too)"),
        Flag("quiet", short: "q", help: "Print only errors on stderr"),
        Flag("verbose", short: "v", help: "Log what is done on stderr (debug level; LOG_LEVEL sets another)"),
        Flag("log-format", value: "FORMAT", choices: LogFormat.allCases.map(\.rawValue),
             help: "Log lines as text or JSON, secrets and personal data masked (default text, json for serve; LOG_FORMAT)"),
        Flag("env-file", value: "FILE", help: "Read settings from FILE instead of ./.env", completion: .file),
        Flag("yes", short: "y", help: "Answer yes to confirmations (needed for destructive commands without a terminal)"),
        Flag("help", short: "h", help: "Show help for the command"),
        Flag("version", help: "Print the version and exit"),
    ]

    init(_ invocation: Invocation) {
        database = invocation.value("database")
        artisan = invocation.value("artisan")
        json = invocation.isSet("json")
        output = json ? .json : invocation.value("output").flatMap(OutputFormat.init(rawValue:)) ?? .table
        noColor = invocation.isSet("no-color")
        quiet = invocation.isSet("quiet")
        verbose = invocation.isSet("verbose")
        envFile = invocation.value("env-file")
        yes = invocation.isSet("yes")
        logFormat = invocation.value("log-format").flatMap(LogFormat.init(rawValue:))
    }

    public init() {}
}
