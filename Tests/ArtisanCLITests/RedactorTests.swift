import Testing
@testable import ArtisanCLI

@Suite("the redactor: secrets and personal data out of log lines")
struct RedactorTests {
    static let plain = Redactor(environment: [:])

    @Test("the value of a secret-named variable is masked wherever it appears; the variable's name and other settings stay")
    func environmentSecrets() {
        let redactor = Redactor(environment: ["STRIPE_SECRET_KEY": "sk_live_abcdef", "TWILIO_ACCOUNT_SID": "AC0123456789",
                                              "EMAIL_TRANSPORT": "smtp", "GOOGLE_OAUTH_BASE": "https://oauth2.googleapis.com"])
        #expect(redactor.redact("POST /2010-04-01/Accounts/AC0123456789/Messages.json") == "POST /2010-04-01/Accounts/***/Messages.json")
        #expect(redactor.redact("STRIPE_SECRET_KEY is sk_live_abcdef") == "STRIPE_SECRET_KEY is ***")
        #expect(redactor.redact("transport smtp via https://oauth2.googleapis.com") == "transport smtp via https://oauth2.googleapis.com")
    }

    @Test("a secret-named variable's value shorter than 4 characters is left: it would mask every word containing it")
    func shortSecretsAreLeft() {
        #expect(Redactor(environment: ["API_KEY": "abc"]).redact("abc abcdef") == "abc abcdef")
    }

    @Test("secret-looking names: SECRET, TOKEN, PASSWORD… anywhere, a word ending in KEY or PASS, SID or AUTH; not OAUTH nor a base URL")
    func secretNames() {
        for name in ["STRIPE_SECRET_KEY", "TWILIO_AUTH_TOKEN", "PGPASSWORD", "TWILIO_ACCOUNT_SID", "CALENDAR_ENCRYPTION_KEY",
                     "SENDGRID_API_KEY", "JWT_SECRET", "SMTP_PASS", "BACKUP_ENCRYPTION_KEY", "GOOGLE_CLIENT_SECRET", "STRIPE_RESTRICTEDKEY",
                     "MAILPASS"] {
            #expect(Redactor.isSecretName(name), "\(name)")
        }
        for name in ["GOOGLE_OAUTH_BASE", "STRIPE_API_BASE", "EMAIL_TRANSPORT", "DATABASE_URL", "PGPASSFILE", "KEYBOARD", "SIDEBAR_WIDTH"] {
            #expect(!Redactor.isSecretName(name), "\(name)")
        }
    }

    @Test("the password of every URL in a line is masked, the user, host and path kept")
    func urlPasswords() {
        #expect(Self.plain.redact("postgresql://artisan:pa:ss@db.example.com:5432/artisan and smtps://mailer:s3cret@smtp.example.com:465")
            == "postgresql://artisan:***@db.example.com:5432/artisan and smtps://mailer:***@smtp.example.com:465")
        #expect(Self.plain.redact("https://api.example.com/v1?x=1 then lea@ in prose") == "https://api.example.com/v1?x=1 then lea@ in prose")
    }

    @Test("password=, token=, client_secret= settings are masked, quoted or not; prose about tokens is not")
    func settings() {
        #expect(Self.plain.redact("host=db password='s3cr et' user=lea") == "host=db password='***' user=lea")
        #expect(Self.plain.redact("host=db password=hunter2 port=5432") == "host=db password=*** port=5432")
        #expect(Self.plain.redact("/token?refresh_token=1//abc&client_secret=xyz&grant=r") == "/token?refresh_token=***&client_secret=***&grant=r")
        let prose = "the refresh token: expired; TWILIO_AUTH_TOKEN must be set"
        #expect(Self.plain.redact(prose) == prose)
    }

    @Test("bearer and basic credentials and keys of known shapes are masked without being configured; prose is kept")
    func tokensByShape() {
        #expect(Self.plain.redact("Authorization: Bearer ya29.a0AfH6SM-x_y") == "Authorization: Bearer ***")
        #expect(Self.plain.redact("Basic bGVhOnMzY3JldA==") == "Basic ***")
        #expect(Self.plain.redact("HTTP Basic authentication failed") == "HTTP Basic authentication failed")
        #expect(Self.plain.redact("keys sk_test_51Hx, rk_live_9z, whsec_abc123, SG.aa.bb and pi_3N_secret_Zx9")
            == "keys ***, ***, ***, *** and ***")
    }

    @Test("every e-mail address is masked: ASCII, accented, in brackets or quotes, upper case")
    func emails() {
        #expect(Self.plain.redact("to Marie <marie.curie+rdv@example.com>, 'zoé.dupré@exemple.fr' and LEA@ATELIER-LEA.FR.")
            == "to Marie <***>, '***' and ***.")
    }

    @Test("phones in international and French forms are masked", arguments: [
        "+33612345678", "+33 6 12 34 56 78", "+1 415 555 0100", "+44-20-7946-0958", "0033612345678", "0612345678", "06 12 34 56 78",
        "06.12.34.56.78", "06-12-34-56-78", "01 42 68 53 00",
    ])
    func phones(_ phone: String) {
        #expect(Self.plain.redact("call \(phone).") == "call ***.")
        #expect(Self.plain.redact("phone=\(phone)") == "phone=***")
    }

    @Test("numbers that are not phones are kept: ids, instants, durations, addresses, codes", arguments: [
        "00123456-7890-1234-5678-901234567890", "2026-11-24T08:00:00.123456Z", "durationMs=1234567890", "1795550400",
        "127.0.0.1:54321", "AC-7K2M9P", "pi_3N0612345678", "45,50 €", "2026-12-01 10:00", "v1=0612345678abcdef", "order 061234567890",
    ])
    func notPhones(_ text: String) {
        #expect(Self.plain.redact(text) == text)
    }

    @Test("the personal values typed on the command line are masked as whole words only")
    func personalValues() {
        let redactor = Redactor(environment: [:], personalValues: ["Marie Curie", "Li", "x"])
        #expect(redactor.redact("booked for Marie Curie, and Li.") == "booked for ***, and ***.")
        #expect(redactor.redact("Listening on Lille x-ray") == "Listening on Lille x-ray")
        #expect(Redactor(environment: [:], personalValues: ["curie"]).redact("MARIE CURIE, Curie's") == "MARIE ***, ***'s")
    }

    @Test("a field named for personal data or a secret is masked whole; others are redacted as text")
    func maskedKeys() {
        for key in ["customerName", "name", "email", "customer_email", "phone", "to", "recipient", "password", "apiKey", "Authorization",
                    "refreshToken", "body"] {
            #expect(Redactor.isMaskedKey(key), "\(key)")
            #expect(Self.plain.redact("Zéphyrine", key: key) == "***")
        }
        for key in ["route", "status", "requestId", "address", "migration", "host", "path", "code"] {
            #expect(!Redactor.isMaskedKey(key), "\(key)")
        }
        #expect(Self.plain.redact("GET /calendars/lea@example.com/events", key: "path") == "GET /calendars/***/events")
    }
}
