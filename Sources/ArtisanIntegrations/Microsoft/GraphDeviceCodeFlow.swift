import ArtisanCore

/// What `start()` hands the user: a code to enter at a URL, and what polling needs.
public struct GraphDeviceCode: Sendable, Equatable {
    public let deviceCode: String
    public let userCode: String
    public let verificationURI: String
    /// Microsoft's own sentence ("To sign in, use a web browser to open … and enter the code …").
    public let message: String
    /// Seconds between polls.
    public let interval: Int
    /// Seconds before the code expires.
    public let expiresIn: Int

    public init(deviceCode: String, userCode: String, verificationURI: String, message: String, interval: Int, expiresIn: Int) {
        self.deviceCode = deviceCode
        self.userCode = userCode
        self.verificationURI = verificationURI
        self.message = message
        self.interval = interval
        self.expiresIn = expiresIn
    }
}

/// One of the user's Outlook calendars.
public struct GraphCalendar: Sendable, Equatable {
    public let id: String
    public let name: String
    public let isDefault: Bool

    public init(id: String, name: String, isDefault: Bool) {
        self.id = id
        self.name = name
        self.isDefault = isDefault
    }
}

/// The building blocks of `artisanctl calendars connect outlook`: Microsoft's device-code flow
/// (RFC 8628) for a public client (`MS_CLIENT_ID`, no secret), the refresh-token form for scripted
/// set-up, and the account and calendars of the signed-in user.
///
/// Errors are `ArtisanError`s: a declined, expired or invalid code and a refused refresh token are
/// `.permission` (exit 77); a wrong client id `.configuration` (78); timeouts, 429 and 5xx
/// `.temporary` (75); an unreachable server `.unavailable` (69). Messages never contain a token.
public struct GraphDeviceCodeFlow: Sendable {
    /// Calendar access, a refresh token (`offline_access`), and `User.Read` for the account name.
    public static let scope = "offline_access User.Read Calendars.ReadWrite"
    public static let deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

    private let clientID: String
    private let graphBase: String
    private let loginBase: String
    private let now: Timestamp
    private let exchange: GraphExchange

    public init(transport: any HTTPTransport, clientID: String, graphBase: String = "https://graph.microsoft.com",
                loginBase: String = "https://login.microsoftonline.com", now: Timestamp, requestTimeout: Int = 20) {
        self.clientID = clientID
        self.graphBase = Self.trimmed(graphBase)
        self.loginBase = Self.trimmed(loginBase)
        self.now = now
        exchange = GraphExchange(transport: transport, timeout: requestTimeout)
    }

    private var tokenEndpoint: GraphTokenEndpoint { GraphTokenEndpoint(exchange: exchange, loginBase: loginBase) }

    // MARK: - Device code

    /// Asks for a device code: show `message` (or `userCode` and `verificationURI`), then `poll`.
    public func start() throws -> GraphDeviceCode {
        let url = loginBase + GraphWire.loginPath + "/devicecode"
        let response = try guarded {
            try exchange.send("POST", url, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                              body: GraphWire.form([("client_id", clientID), ("scope", Self.scope)]))
        }
        guard response.status == 200 else {
            let error = GraphWire.decode(GraphTokenAnswer.self, from: response)?.error
            throw refusal(error ?? "HTTP \(response.status)", during: "asking for a sign-in code")
        }
        guard let answer = GraphWire.decode(GraphDeviceCodeAnswer.self, from: response) else {
            throw ArtisanError(.temporary, code: "PROVIDER_BAD_RESPONSE", "Microsoft sign-in POST \(GraphWire.redactedPath(url)): the answer is not a device code")
        }
        let message = answer.message ?? "To sign in, open \(answer.verificationURI) and enter the code \(answer.userCode)."
        return GraphDeviceCode(deviceCode: answer.deviceCode, userCode: answer.userCode, verificationURI: answer.verificationURI,
                               message: message, interval: max(1, answer.interval ?? 5), expiresIn: answer.expiresIn)
    }

    /// Polls the token endpoint until the user has signed in: waits `interval` seconds before each
    /// poll (`sleep` does the waiting; tests record it), 5 s more after every `slow_down`, and gives
    /// up once `expiresIn` seconds have been waited.
    public func poll(deviceCode: String, interval: Int, expiresIn: Int, sleep: (Int) -> Void) throws -> CalendarCredentials {
        var interval = max(1, interval)
        var waited = 0
        while waited < expiresIn {
            sleep(interval)
            waited += interval
            let outcome = try guarded {
                try tokenEndpoint.request([("grant_type", Self.deviceCodeGrant), ("client_id", clientID), ("device_code", deviceCode)])
            }
            switch outcome {
            case .granted(let access, let refresh, let expires):
                return CalendarCredentials(accessToken: access, refreshToken: refresh, expiresAt: now.adding(seconds: Int64(waited)).adding(seconds: Int64(expires)))
            case .refused("authorization_pending", _):
                continue
            case .refused("slow_down", _):
                interval += 5
            case .refused(let code, _):
                throw refusal(code, during: "signing in")
            }
        }
        throw refusal("expired_token", during: "signing in")
    }

    /// For `--refresh-token-stdin`: exchanges a refresh token for fresh credentials (with the
    /// rotated refresh token).
    public func credentials(fromRefreshToken refreshToken: String) throws -> CalendarCredentials {
        switch try guarded({ try tokenEndpoint.refresh(refreshToken, clientID: clientID, scope: Self.scope, now: now) }) {
        case .granted(let credentials):
            return credentials
        case .refused(let code, _):
            throw refusal(code, during: "using the refresh token")
        }
    }

    // MARK: - Account and calendars

    /// The signed-in user's e-mail address (`mail`, else `userPrincipalName`).
    public func account(credentials: CalendarCredentials) throws -> String {
        let url = graphBase + "/v1.0/me?$select=mail,userPrincipalName"
        let response = try get(url, credentials: credentials)
        guard let user = GraphWire.decode(GraphUser.self, from: response),
              let name = [user.mail, user.userPrincipalName].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw ArtisanError(.temporary, code: "PROVIDER_BAD_RESPONSE", "Microsoft Graph GET /v1.0/me: the answer names no account")
        }
        return name
    }

    /// Every calendar of the signed-in user, all pages followed.
    public func calendars(credentials: CalendarCredentials) throws -> [GraphCalendar] {
        var url = graphBase + "/v1.0/me/calendars?$select=id,name,isDefaultCalendar"
        var calendars: [GraphCalendar] = []
        var seen: Set<String> = []
        while seen.insert(url).inserted {
            let response = try get(url, credentials: credentials)
            guard let page = GraphWire.decode(GraphPage<GraphCalendarItem>.self, from: response) else {
                throw ArtisanError(.temporary, code: "PROVIDER_BAD_RESPONSE", "Microsoft Graph GET \(GraphWire.redactedPath(url)): the answer is not a calendar list")
            }
            calendars += page.value.map { GraphCalendar(id: $0.id, name: $0.name ?? $0.id, isDefault: $0.isDefaultCalendar ?? false) }
            guard let next = page.nextLink else { return calendars }
            guard next.hasPrefix(graphBase + "/") else {
                throw ArtisanError(.temporary, code: "PROVIDER_BAD_RESPONSE", "Microsoft Graph sent a page link outside \(graphBase)")
            }
            url = next
        }
        throw ArtisanError(.temporary, code: "PROVIDER_BAD_RESPONSE", "Microsoft Graph sent the same calendar page link twice")
    }

    /// `--calendar NAME|ID`: nil picks the default calendar (else the first); otherwise an exact id,
    /// else a name compared without case. Unknown or ambiguous: a usage-level error listing the names.
    public static func pick(_ wanted: String?, from calendars: [GraphCalendar]) throws -> GraphCalendar {
        let names = calendars.map(\.name).joined(separator: ", ")
        guard let wanted else {
            if let chosen = calendars.first(where: \.isDefault) ?? calendars.first { return chosen }
            throw ArtisanError(.notFound, code: "CALENDAR_NOT_FOUND", "this Microsoft account has no calendar")
        }
        if let byID = calendars.first(where: { $0.id == wanted }) { return byID }
        let byName = calendars.filter { $0.name.lowercased() == wanted.lowercased() }
        if byName.count == 1 { return byName[0] }
        if byName.isEmpty {
            throw ArtisanError(.notFound, code: "CALENDAR_NOT_FOUND", "no Outlook calendar is named or has the id \"\(wanted)\"", hint: "calendars: \(names)")
        }
        throw ArtisanError.usage("several Outlook calendars are named \"\(wanted)\"", hint: "give its id instead: " + byName.map(\.id).joined(separator: ", "))
    }

    // MARK: - Helpers

    private func get(_ url: String, credentials: CalendarCredentials) throws -> HTTPResponse {
        let response = try guarded {
            try exchange.send("GET", url, headers: [("Authorization", "Bearer " + credentials.accessToken), ("Accept", "application/json")])
        }
        switch response.status {
        case 200: return response
        case 401, 403:
            let code = GraphErrorBody.code(of: response).map { " (\($0))" } ?? ""
            throw ArtisanError(.permission, code: "PROVIDER_ACCESS_DENIED", "Microsoft Graph refused access to \(GraphWire.redactedPath(url))\(code)",
                               hint: "run artisanctl calendars connect outlook again and grant calendar access")
        default:
            let code = GraphErrorBody.code(of: response).map { " \($0)" } ?? ""
            throw ArtisanError(.temporary, code: "PROVIDER_ERROR", "Microsoft Graph GET \(GraphWire.redactedPath(url)): HTTP \(response.status)\(code)")
        }
    }

    /// Transport failures as `ArtisanError`s (any other error passes through unchanged).
    private func guarded<Value>(_ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let error as GraphFailure {
            switch error.kind {
            case .unreachable:
                throw ArtisanError(.unavailable, code: "PROVIDER_UNAVAILABLE", "Microsoft \(error.description)", hint: "check the network (and MS_LOGIN_BASE / GRAPH_API_BASE if set)")
            case .timeout, .overloaded, .malformed, .other:
                throw ArtisanError(.temporary, code: "PROVIDER_TEMPORARY_FAILURE", "Microsoft \(error.description)", hint: "try again in a few minutes")
            }
        }
    }

    /// An OAuth error code as the user should read it.
    private func refusal(_ code: String, during step: String) -> ArtisanError {
        let again = "run artisanctl calendars connect outlook again"
        switch code {
        case "expired_token":
            return ArtisanError(.permission, code: "SIGN_IN_EXPIRED", "the Microsoft sign-in code expired before the sign-in was completed",
                                hint: "\(again) and enter the code within its time limit")
        case "authorization_declined", "access_denied":
            return ArtisanError(.permission, code: "SIGN_IN_DECLINED", "the Microsoft sign-in was declined", hint: "\(again) and accept the calendar access")
        case "bad_verification_code":
            return ArtisanError(.permission, code: "SIGN_IN_CODE_INVALID", "Microsoft does not recognise the sign-in code", hint: again)
        case "invalid_grant", "interaction_required", "consent_required", "login_required":
            return ArtisanError(.permission, code: "REFRESH_TOKEN_REFUSED", "Microsoft refused the refresh token (\(code)) while \(step)",
                                hint: "\(again) without --refresh-token-stdin, or give a current refresh token")
        case "invalid_client", "unauthorized_client", "invalid_scope":
            return ArtisanError(.configuration, code: "CONFIGURATION_ERROR", "Microsoft refused the application (\(code)) while \(step)",
                                hint: "check MS_CLIENT_ID: a public client (\"Allow public client flows\") with the Calendars.ReadWrite permission")
        default:
            return ArtisanError(.permission, code: "SIGN_IN_FAILED", "Microsoft refused the sign-in (\(code)) while \(step)", hint: again)
        }
    }

    private static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
