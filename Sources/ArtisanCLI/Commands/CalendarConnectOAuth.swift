import ArtisanCore
import ArtisanIntegrations
import ArtisanStore
#if canImport(Glibc)
import Glibc
#endif

/// `calendars connect google` (OAuth for installed apps: loopback redirect + PKCE) and
/// `calendars connect outlook` (Microsoft's device-code flow), each with a scripted form.
enum CalendarConnectOAuth {
    static let google = Command(
        "google", abstract: "Connect a Google calendar (OAuth in the browser, loopback redirect with PKCE)",
        discussion: """
            Prints the consent URL and waits for Google's redirect on 127.0.0.1. With --no-browser, paste the \
            code (or the whole redirected URL) instead. For scripted set-up, --refresh-token-stdin reads a \
            refresh token from stdin. Needs GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.
            """,
        flags: [
            Flag("no-browser", help: "Paste the code instead of waiting for the browser's redirect"),
            Flag("refresh-token-stdin", help: "Read a refresh token from the first line of stdin (no browser)"),
            CalendarCommands.calendarFlag,
        ],
        examples: ["calendars connect google", "printf '%s\\n' \"$TOKEN\" | artisanctl calendars connect google --refresh-token-stdin"],
        run: { invocation, context in
            let box = try SecretBox(environment: context.environment)
            guard let clientID = context.environment["GOOGLE_CLIENT_ID"], let secret = context.environment["GOOGLE_CLIENT_SECRET"] else {
                throw ArtisanError.configuration("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set to connect a Google calendar")
            }
            let flow = GoogleConnectFlow(transport: ProviderFactory.transport(context), clientID: clientID, clientSecret: secret,
                                         endpoints: GoogleEndpoints(environment: context.environment), now: context.clock.now())
            let credentials: CalendarCredentials
            let calendars: [GoogleCalendar]
            do {
                if invocation.isSet("refresh-token-stdin") {
                    credentials = try flow.credentials(fromRefreshToken: try PasswordReader.fromStandardInput(what: "refresh token"))
                } else {
                    let listener = try GoogleLoopbackListener()
                    let pkce = GooglePKCE.generate()
                    let state = GoogleConnectFlow.randomState()
                    context.stderr.line("Open this address in a browser and allow access to the calendar:")
                    context.stderr.line("  " + flow.authorizationURL(redirectURI: listener.redirectURI, state: state, pkce: pkce))
                    context.stderr.flush()
                    let code: String
                    if invocation.isSet("no-browser") {
                        context.stderr.write("Then paste the code, or the whole address the browser ended on: ")
                        context.stderr.flush()
                        code = try GoogleConnectFlow.code(fromPasted: readLine() ?? "", state: state)
                    } else {
                        code = try listener.waitForCode(state: state, timeout: 300)
                    }
                    credentials = try flow.exchange(code: code, verifier: pkce.verifier, redirectURI: listener.redirectURI)
                }
                calendars = try flow.calendars(credentials: credentials)
            } catch let error as CalendarError {
                throw ProviderFactory.describe(error, provider: .google)
            }
            let calendar = try GoogleConnectFlow.select(invocation.value("calendar"), in: calendars)
            try save(.google, account: GoogleConnectFlow.account(in: calendars), calendarID: calendar.id, calendarName: calendar.summary,
                     credentials: credentials, box: box, context: context)
        }
    )

    static let outlook = Command(
        "outlook", abstract: "Connect an Outlook / Microsoft 365 calendar (device-code sign-in)",
        discussion: """
            Prints a code and the address where to enter it, then waits politely for the sign-in (honouring \
            slow_down). For scripted set-up, --refresh-token-stdin reads a refresh token from stdin. Needs MS_CLIENT_ID.
            """,
        flags: [
            Flag("refresh-token-stdin", help: "Read a refresh token from the first line of stdin (no sign-in)"),
            CalendarCommands.calendarFlag,
        ],
        examples: ["calendars connect outlook", "calendars connect outlook --calendar Travail"],
        run: { invocation, context in
            let box = try SecretBox(environment: context.environment)
            guard let clientID = context.environment["MS_CLIENT_ID"] else {
                throw ArtisanError.configuration("MS_CLIENT_ID must be set to connect an Outlook calendar")
            }
            let flow = GraphDeviceCodeFlow(transport: ProviderFactory.transport(context), clientID: clientID,
                                           graphBase: context.environment["GRAPH_API_BASE"] ?? "https://graph.microsoft.com",
                                           loginBase: context.environment["MS_LOGIN_BASE"] ?? "https://login.microsoftonline.com",
                                           now: context.clock.now())
            let credentials: CalendarCredentials
            let account: String
            let calendars: [GraphCalendar]
            do {
                if invocation.isSet("refresh-token-stdin") {
                    credentials = try flow.credentials(fromRefreshToken: try PasswordReader.fromStandardInput(what: "refresh token"))
                } else {
                    let code = try flow.start()
                    context.stderr.line(code.message.isEmpty ? "Go to \(code.verificationURI) and enter the code \(code.userCode)" : code.message)
                    context.stderr.flush()
                    // Microsoft asks for 5 s and 15 min; a wilder answer must not make us sleep for ever.
                    credentials = try flow.poll(deviceCode: code.deviceCode, interval: min(code.interval, 60), expiresIn: min(code.expiresIn, 3600)) { seconds in
                        sleep(UInt32(seconds))
                    }
                }
                account = try flow.account(credentials: credentials)
                calendars = try flow.calendars(credentials: credentials)
            } catch let error as CalendarError {
                throw ProviderFactory.describe(error, provider: .outlook)
            }
            let calendar = try GraphDeviceCodeFlow.pick(invocation.value("calendar"), from: calendars)
            try save(.outlook, account: account, calendarID: calendar.isDefault ? nil : calendar.id, calendarName: calendar.name,
                     credentials: credentials, box: box, context: context)
        }
    )

    static func save(_ provider: CalendarProviderID, account: String?, calendarID: String?, calendarName: String,
                     credentials: CalendarCredentials, box: SecretBox, context: Context) throws {
        let record = CalendarConnectionRecord(
            provider: provider, account: account, calendarID: calendarID, calendarName: calendarName, serverURL: nil,
            accessTokenEncrypted: try box.seal(credentials.accessToken), refreshTokenEncrypted: try credentials.refreshToken.map(box.seal),
            tokenExpiresAt: credentials.expiresAt)
        try context.withServices { try $0.calendars.connect(record) }
        context.note("Connected the \(provider.rawValue) calendar '\(calendarName)'\(account.map { " of \($0)" } ?? ""). Run 'artisanctl sync calendars' to sync it.")
    }
}
