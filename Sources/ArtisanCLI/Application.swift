import ArtisanCore
import ArtisanStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The artisanctl program: its command tree, and one run of it from arguments to exit status.
public enum Application {
    public static let version = "0.1.0"

    public static let tree = CommandTree(
        root: Command(
            "artisanctl",
            abstract: "Run an ArtisanConnect booking backend from the command line",
            discussion: """
                artisanctl drives the ArtisanConnect backend directly against PostgreSQL: the artisan's catalogue \
                and week, bookings and availability, deposits (Stripe), notifications and reminders, calendar sync. Commands are nouns followed by verbs.

                With no database configured, artisanctl uses a private PostgreSQL cluster that 'artisanctl db up' \
                creates and starts under $XDG_DATA_HOME/artisanctl/pg. Connection precedence: --database, \
                DATABASE_URL, libpq's PG* variables and service file, then that embedded cluster.
                """,
            subcommands: [
                ArtisanCommands.command,
                ServiceCommands.command,
                WeekCommands.hours,
                WeekCommands.breaks,
                TimeOffCommands.command,
                BookingCommands.availability,
                BookingCommands.command,
                CustomerCommands.command,
                CatalogCommands.command,
                CalendarCommands.command,
                SyncCommands.command,
                PaymentCommands.command,
                WebhookCommands.command,
                ServeCommands.serve,
                ServeCommands.openapi,
                NotifyCommands.notify,
                NotifyCommands.notifications,
                DataCommands.command,
                DatabaseCommands.command,
                MigrateCommands.command,
                MetaCommands.completion,
                MetaCommands.man,
                MetaCommands.help,
                ShellCommand.command,
            ],
            examples: [
                "db up",
                "migrate latest",
                "artisan init --name 'Léa Martin' --email lea@example.com",
                "services create --name 'Coupe' --duration 60 --price 45 --deposit-rate 30%",
                "hours set mon-fri 09:00-18:00",
                "breaks add mon-fri 12:30-13:30",
                "migrate status --output json",
            ]
        ),
        globalFlags: GlobalOptions.flags,
        version: version
    )

    /// The environment variables artisanctl reads (the man page's ENVIRONMENT section).
    static let environmentVariables: [(name: String, meaning: String)] = [
        ("DATABASE_URL", "PostgreSQL URL used when --database is not given."),
        ("PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSERVICE", "libpq's own settings, used when neither --database nor DATABASE_URL is set."),
        ("XDG_DATA_HOME", "Where the embedded cluster lives: $XDG_DATA_HOME/artisanctl/pg (default ~/.local/share/artisanctl/pg; /var/lib/artisanctl/pg for root)."),
        ("ARTISANCTL_PG_BINDIR", "Directory of PostgreSQL's programs: the embedded cluster's server, pg_dump and pg_restore (default: the newest /usr/lib/postgresql/*/bin, then PATH for pg_dump and pg_restore)."),
        ("ARTISANCTL_NOW", "An ISO 8601 instant that replaces the clock, for reproducible runs."),
        ("ARTISANCTL_HTTP_TIMEOUT", "Seconds a request to a calendar provider or Stripe may take before it counts as failed: 1 to 300 (default 20)."),
        ("NO_COLOR", "When set, output is never coloured."),
        ("LOG_FORMAT", "text or json: the log's format when --log-format is not given (default text, json for serve)."),
        ("LOG_LEVEL", "trace, debug, info, notice, warn, error or critical: the least grave record logged, unless --verbose (debug) "
         + "or --quiet (error) is given (default warn, info for serve)."),
        ("XDG_STATE_HOME", "Where the shell keeps its history: $XDG_STATE_HOME/artisanctl/history (default ~/.local/state/artisanctl/history)."),
        ("CALENDAR_ENCRYPTION_KEY", "32 random bytes in base64 that encrypt calendar tokens and passwords (head -c 32 /dev/urandom | base64)."),
        ("BACKUP_ENCRYPTION_KEY", "32 random bytes in base64 that 'db backup --encrypt' seals backups with (AES-256-GCM) and 'db restore' opens them with."),
        ("GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, MS_CLIENT_ID", "OAuth clients of the Google and Microsoft calendar connections."),
        ("STRIPE_SECRET_KEY", "Stripe's secret key: deposits are collected online when it is set. Never printed or stored."),
        ("STRIPE_WEBHOOK_SECRET", "The signing secret 'webhooks stripe' and serve's /api/v1/webhooks/stripe verify events with."),
        ("CORS_ORIGINS", "serve: origins a browser may call the API from, comma-separated (https://front.example.com)."),
        ("TRUST_PROXY", "serve: how many proxies in front append to X-Forwarded-For (true = 1); unset or 0: the header is ignored."),
        ("RATE_LIMIT", "serve: requests per client on /api/v1 as REQUESTS/SECONDS (default 100/900), or off; counted per process."),
        ("WEBHOOK_RATE_LIMIT", "serve: the same for the webhook (default 30/900), or off."),
        ("PUBLIC_BASE_URL", "The web front's address; pay links send the customer back to it."),
        ("EMAIL_TRANSPORT", "How e-mail leaves: sendgrid or smtp (unset: messages wait in the outbox)."),
        ("EMAIL_FROM", "The sender of e-mails: an address, optionally with a name ('Léa Martin <lea@example.com>')."),
        ("SENDGRID_API_KEY", "SendGrid's API key (EMAIL_TRANSPORT=sendgrid). Never printed or stored."),
        ("SMTP_URL", "smtp://user:pass@host:port or smtps://... (EMAIL_TRANSPORT=smtp); STARTTLS whenever the server offers it."),
        ("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER", "Twilio, for SMS (Pro and Business plans, customers who opted in)."),
        ("MANAGE_URL_BASE", "The page where customers manage a booking: messages link to MANAGE_URL_BASE?code=AC-XXXXXX."),
        ("NOTIFY_TEMPLATES_DIR", "A directory of the artisan's own Mustache templates, <kind>.<subject|text|html|sms>.mustache."),
        ("SENDGRID_TEMPLATE_<KIND>", "A SendGrid dynamic template id for a kind (e.g. SENDGRID_TEMPLATE_CONFIRMATION): it gets the same variables."),
        ("GOOGLE_API_BASE, GOOGLE_OAUTH_BASE, GRAPH_API_BASE, MS_LOGIN_BASE, STRIPE_API_BASE, SENDGRID_API_BASE, TWILIO_API_BASE",
         "Base URLs of the providers, overridable (tests point them at local fakes)."),
    ]

    static let files: [(path: String, meaning: String)] = [
        ("./.env", "KEY=VALUE settings read at start-up (or the file of --env-file); the process environment wins."),
        ("$XDG_DATA_HOME/artisanctl/pg", "The embedded PostgreSQL cluster: data/, socket/ and postgres.log."),
        ("$XDG_STATE_HOME/artisanctl/history", "The shell's history (mode 0600)."),
    ]

    /// The process entry point: real streams and environment.
    public static func main(_ arguments: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var environment: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                environment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        var buffer = [CChar](repeating: 0, count: 4096)
        let directory = getcwd(&buffer, buffer.count).map { String(cString: $0) } ?? "."
        let context = Context(
            stdout: FileSink.standardOutput, stderr: FileSink.standardError,
            stdinIsTerminal: isatty(0) == 1, stdoutIsTerminal: isatty(1) == 1,
            environment: environment, workingDirectory: directory, tree: tree, clock: .system
        )
        // Asks nothing by itself: only commands missing a value on a terminal prompt through it.
        context.lineReader = LineEditor()
        return run(arguments, context: context)
    }

    /// One run: parse, configure, execute, and turn any error into stderr text and an exit status.
    public static func run(_ arguments: [String], context: Context) -> Int32 {
        defer {
            context.stdout.flush()
            context.stderr.flush()
        }
        let wantsJSONErrors = arguments.contains("--json")
        do {
            switch try Parser(tree: context.tree).parse(arguments) {
            case .help(let path, let command):
                context.stdout.write(HelpRenderer(tree: context.tree).render(path: path, command))
            case .version:
                context.stdout.line("artisanctl \(version)")
            case .run(let invocation):
                try context.configure(with: GlobalOptions(invocation), personalValues: invocation.personalValues,
                                      logDefaults: invocation.path == ["serve"] ? .server : .command)
                try invocation.command.run?(invocation, context)
            }
            return ExitStatus.success.rawValue
        } catch {
            context.stdout.flush()
            var log = context.log
            // Failed before the flags were applied (a malformed command line): as asked for, if at all.
            if log.format == .text { log.format = LogSettings.requestedFormat(arguments, environment: context.environment) }
            return ErrorReporter.report(error, to: context.stderr, json: wantsJSONErrors || context.options.json,
                                        log: log.format == .json ? log : nil).rawValue
        }
    }
}

extension Clock {
    /// The system's real-time clock.
    public static let system = Clock {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(microsecondsSinceEpoch: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000)
    }
}
