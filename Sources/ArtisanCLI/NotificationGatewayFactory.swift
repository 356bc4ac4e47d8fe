import ArtisanCore
import ArtisanIntegrations

/// The notification channels from the environment: EMAIL_TRANSPORT (sendgrid or smtp) with
/// SENDGRID_API_KEY or SMTP_URL, and EMAIL_FROM; TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and
/// TWILIO_PHONE_NUMBER for SMS; the base URLs overridable (SENDGRID_API_BASE, TWILIO_API_BASE);
/// NOTIFY_TEMPLATES_DIR and SENDGRID_TEMPLATE_<KIND> for the artisan's own templates. A channel
/// not (or wrongly) configured is left out with the reason, and its messages wait in the outbox.
enum NotificationGatewayFactory {
    static func settings(_ context: Context) -> NotificationSettings {
        let renderer = MustacheRenderer(overridesDirectory: context.environment["NOTIFY_TEMPLATES_DIR"])
        return NotificationSettings(manageURLBase: value("MANAGE_URL_BASE", context), gateway: { pace in gateway(context, pace: pace, renderer: renderer) },
                                    previewGateway: NotificationGateway(email: nil, sms: nil, renderer: renderer))
    }

    static func value(_ name: String, _ context: Context) -> String? { context.environment.setting(name) }

    static func gateway(_ context: Context, pace: NotificationSettings.Pace, renderer: MustacheRenderer) -> NotificationGateway {
        // Right after a booking change: one short try; `notify send` takes its time and retries.
        let timeout = pace == .immediate ? min(context.httpTimeout, 5) : context.httpTimeout
        let transport: any HTTPTransport = pace == .immediate
            ? LoggedTransport(inner: CurlTransport(), logger: context.logger) : ProviderFactory.transport(context)
        var missing: [OutgoingMessage.Channel: String] = [:]
        var email: (any NotificationChannel)?
        do {
            email = try emailChannel(context, transport: transport, timeout: timeout)
            if email == nil { missing[.email] = "no e-mail transport configured: set EMAIL_TRANSPORT to sendgrid or smtp" }
        } catch {
            missing[.email] = (error as? ArtisanError)?.message ?? "e-mail is not configured correctly"
        }
        var sms: (any NotificationChannel)?
        if let sid = value("TWILIO_ACCOUNT_SID", context), let token = value("TWILIO_AUTH_TOKEN", context),
           let number = value("TWILIO_PHONE_NUMBER", context) {
            sms = TwilioClient(transport: transport, accountSID: sid, authToken: token, from: number,
                               apiBase: value("TWILIO_API_BASE", context) ?? "https://api.twilio.com", requestTimeout: timeout)
        } else {
            missing[.sms] = "SMS are not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER"
        }
        var templates: [NotificationKind: String] = [:]
        for kind in NotificationKind.allCases {
            if let id = value("SENDGRID_TEMPLATE_" + kind.rawValue.uppercased(), context) { templates[kind] = id }
        }
        return NotificationGateway(email: email, sms: sms, renderer: renderer, templateIDs: value("EMAIL_TRANSPORT", context) == "sendgrid" ? templates : [:],
                                   missing: missing)
    }

    static func emailChannel(_ context: Context, transport: any HTTPTransport, timeout: Int) throws -> (any NotificationChannel)? {
        guard let kind = value("EMAIL_TRANSPORT", context) else { return nil }
        guard let fromText = value("EMAIL_FROM", context) else {
            throw ArtisanError.configuration("EMAIL_FROM must be set to send e-mail (an address, optionally with a name: 'Léa Martin <lea@example.com>')")
        }
        let from = try EmailAddress(parsing: fromText)
        switch kind {
        case "sendgrid":
            guard let key = value("SENDGRID_API_KEY", context) else { throw ArtisanError.configuration("EMAIL_TRANSPORT=sendgrid needs SENDGRID_API_KEY") }
            return SendGridClient(transport: transport, apiKey: key, from: from, apiBase: value("SENDGRID_API_BASE", context) ?? "https://api.sendgrid.com",
                                  requestTimeout: timeout)
        case "smtp":
            guard let url = value("SMTP_URL", context) else { throw ArtisanError.configuration("EMAIL_TRANSPORT=smtp needs SMTP_URL (smtp://user:pass@host:port)") }
            return try SMTPClient(url: url, from: from, requestTimeout: timeout, clock: context.clock)
        default:
            throw ArtisanError.configuration("EMAIL_TRANSPORT must be sendgrid or smtp (got '\(kind)')")
        }
    }
}
