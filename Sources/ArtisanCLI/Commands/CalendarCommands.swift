import ArtisanCore
import ArtisanIntegrations
import ArtisanStore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `calendars connect | list | disconnect | feed`: the artisan's own calendars.
enum CalendarCommands {
    static let command = Command(
        "calendars", abstract: "Connect the artisan's Google, Outlook or Apple (CalDAV) calendar; export an iCalendar feed",
        discussion: """
            Tokens and passwords are stored only encrypted (AES-256-GCM) with CALENDAR_ENCRYPTION_KEY, 32 random \
            bytes in base64: make one with 'head -c 32 /dev/urandom | base64'. Without it, connecting and syncing \
            fail with exit 77. 'artisanctl sync calendars' (cron) then keeps both sides in step.
            """,
        subcommands: [connect, list, disconnect, feed]
    )

    static let connect = Command(
        "connect", abstract: "Connect a calendar",
        subcommands: [CalendarConnectOAuth.google, CalendarConnectOAuth.outlook, connectApple]
    )

    static let calendarFlag = Flag("calendar", value: "NAME|ID", help: "The calendar to use (default: the primary one)")

    static let connectApple = Command(
        "apple", abstract: "Connect an Apple iCloud calendar, or any CalDAV server, with an app-specific password",
        discussion: """
            The password is read without echo, or from the first line of stdin with --password-stdin. The \
            calendar is found by CalDAV discovery (current-user-principal, calendar-home-set, the calendars).
            """,
        flags: [
            Flag("username", value: "ID", help: "Apple ID or CalDAV user name"),
            Flag("password-stdin", help: "Read the password from the first line of stdin"),
            Flag("url", value: "URL", help: "CalDAV server (default https://caldav.icloud.com)"),
            calendarFlag,
        ],
        examples: ["calendars connect apple --username lea@icloud.com", "printf '%s\\n' \"$PASS\" | artisanctl calendars connect apple --username lea --password-stdin --url http://127.0.0.1:5232"],
        run: { invocation, context in
            guard let username = invocation.value("username") else { throw ArtisanError.usage("calendars connect apple needs --username ID") }
            let box = try SecretBox(environment: context.environment)
            let password = invocation.isSet("password-stdin")
                ? try PasswordReader.fromStandardInput(what: "password")
                : try PasswordReader.fromTerminal(prompt: "App-specific password", context: context)
            let base = invocation.value("url") ?? "https://caldav.icloud.com"
            let calendars: [CalDAVProvider.Calendar]
            do {
                calendars = try CalDAVProvider.discover(transport: ProviderFactory.transport(context), baseURL: base, username: username,
                                                        password: password)
            } catch let error as CalendarError {
                throw ProviderFactory.describe(error, provider: .apple)
            }
            let wanted = invocation.value("calendar")
            guard let calendar = wanted.map({ name in calendars.first { $0.name == name || $0.url == name || $0.url.hasSuffix("/\(name)/") } })
                    ?? calendars.first else {
                throw ArtisanError.notFound("no calendar \(wanted.map { "'\($0)' " } ?? "")on \(base) for \(username)",
                                            hint: calendars.isEmpty ? nil : "calendars: \(calendars.map(\.name).joined(separator: ", "))")
            }
            let record = CalendarConnectionRecord(provider: .apple, account: username, calendarID: calendar.url, calendarName: calendar.name,
                                                  serverURL: calendar.url, accessTokenEncrypted: try box.seal(password),
                                                  refreshTokenEncrypted: nil, tokenExpiresAt: nil)
            try context.withServices { try $0.calendars.connect(record) }
            context.note("Connected the Apple/CalDAV calendar '\(calendar.name)' of \(username). Run 'artisanctl sync calendars' to sync it.")
        }
    )

    struct Record: Encodable {
        let provider: String
        let account: String?
        let calendar: String?
        let lastSyncAt: String?
        let state: String
        let lastError: String?
    }

    static let list = Command(
        "list", abstract: "The connected calendars: provider, account, calendar, last sync, state",
        run: { _, context in
            let records = try context.withServices { try $0.calendars.list() }
            try OutputWriter(context: context).list(records.map {
                Record(provider: $0.provider.rawValue, account: $0.account, calendar: $0.calendarName ?? $0.calendarID,
                       lastSyncAt: $0.lastSyncAt?.iso8601(), state: $0.state.rawValue, lastError: $0.lastError)
            }, columns: [
                Column("provider", "PROVIDER") { $0.provider },
                Column("account", "ACCOUNT") { $0.account ?? "" },
                Column("calendar", "CALENDAR") { $0.calendar ?? "" },
                Column("lastSyncAt", "LAST SYNC") { $0.lastSyncAt ?? "never" },
                Column("state", "STATE") { $0.state },
            ], empty: "No calendar connected: see 'artisanctl help calendars connect'.")
        }
    )

    static let disconnect = Command(
        "disconnect", abstract: "Forget a calendar: its tokens and the busy blocks imported from it (asks first; --yes without a terminal)",
        arguments: [Argument("provider", help: "google, outlook or apple", choices: CalendarProviderID.allCases.map(\.rawValue))],
        run: { invocation, context in
            let provider = CalendarProviderID(rawValue: invocation.argument("provider")!)!
            try context.withServices {
                try $0.calendars.disconnect(provider) {
                    try context.confirm("disconnect the \(provider.rawValue) calendar and drop the busy time imported from it")
                }
            }
            context.note("Disconnected \(provider.rawValue).")
        }
    )

    static let feed = Command(
        "feed", abstract: "Print the active bookings as one iCalendar (RFC 5545) document",
        discussion: """
            One VEVENT per booking with a stable UID, and the artisan's VTIMEZONE: for any calendar app that \
            subscribes to a file or URL. The VTIMEZONE lists the zone's real changes of offset over the years of the \
            bookings and of today, and one more on each side; a time the clock shows twice is written in UTC. \
            DTSTAMP is when the feed was printed (ARTISANCTL_NOW in tests).
            'artisanctl serve' publishes the same feed at /api/v1/calendar.ics?token=TOKEN, for calendar apps that \
            subscribe to a URL. --rotate-token draws a new secret token, prints it once on stdout and stores only its \
            SHA-256: the previous token stops working at once.
            """,
        flags: [
            Flag("from", value: "DATE", help: "First day (default today)"),
            Flag("to", value: "DATE", help: "Last day, included (default: the booking horizon)"),
            Flag("rotate-token", help: "Draw a new secret token for the feed's URL and print it (the old one stops working)"),
        ],
        examples: ["calendars feed > /var/www/artisan.ics", "calendars feed --rotate-token"],
        run: { invocation, context in
            if invocation.isSet("rotate-token") {
                guard invocation.value("from") == nil, invocation.value("to") == nil else {
                    throw ArtisanError.usage("--rotate-token takes neither --from nor --to")
                }
                let (artisan, token) = try context.withServices { try $0.calendarFeed.rotateToken() }
                context.stdout.line(token)
                context.note("New calendar feed token for \(artisan.email): subscribe to <PUBLIC_BASE_URL>/api/v1/calendar.ics?token=<token>.")
                return
            }
            let from = try invocation.value("from").map { try Validate.date($0, field: "--from") }
            let to = try invocation.value("to").map { try Validate.date($0, field: "--to") }
            context.stdout.write(try context.withServices { try $0.calendarFeed.feed(from: from, to: to).document })
        }
    )
}
