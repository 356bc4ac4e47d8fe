import ArtisanCore
import Foundation
import Testing
@testable import ArtisanCLI

/// The redactor against every environment variable the program reads, found in the sources
/// (`environment["NAME"]`, `value("NAME", …)`, `setting("NAME", …)`, `variable: "NAME"`, libpq's
/// `PG*` table) and in the man page's ENVIRONMENT list, so that a variable added later is checked
/// without anyone listing it here.
@Suite("the redactor covers every secret variable the code reads")
struct EnvironmentSecretsTests {
    /// Names that look secret to `looksSecret` but hold none, each with its reason.
    static let notSecrets: [String: String] = [
        "GOOGLE_OAUTH_BASE": "a base URL (OAUTH is not AUTH); a password in it is masked as in any URL",
        "PGPASSFILE": "the path of libpq's password file, not a password",
    ]

    /// The variables the brief and the spec (section 6.4) name as secrets: the scan must find them all.
    static let knownSecrets = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SENDGRID_API_KEY", "TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID",
                               "GOOGLE_CLIENT_SECRET", "CALENDAR_ENCRYPTION_KEY", "BACKUP_ENCRYPTION_KEY", "PGPASSWORD"]

    /// Variables whose value is a URL that may carry a password (`scheme://user:password@host`).
    static let knownURLs = ["DATABASE_URL", "SMTP_URL"]

    /// Broader than the redactor on purpose: any of these anywhere in the name.
    static func looksSecret(_ name: String) -> Bool {
        ["SECRET", "TOKEN", "PASS", "KEY", "SID", "AUTH", "CREDENTIAL", "PRIVATE", "PWD"].contains { name.contains($0) }
    }

    static func looksLikeURL(_ name: String) -> Bool { name.hasSuffix("_URL") || name.hasSuffix("_BASE") || name.contains("_URL_") }

    /// Every variable name the sources read, plus the documented ones.
    static func variablesRead() throws -> Set<String> {
        let patterns = [#/environment\["([A-Z][A-Z0-9_]*)"\]/#, #/(?:value|setting)\("([A-Z][A-Z0-9_]*)"/#, #/variable: "([A-Z][A-Z0-9_]*)"/#,
                        #/\("(PG[A-Z_]+)", "/#]
        var names: Set<String> = []
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for pattern in patterns { names.formUnion(text.matches(of: pattern).map { String($0.output.1) }) }
        }
        for entry in Application.environmentVariables {
            names.formUnion(entry.name.split(separator: ", ").map(String.init).filter { $0.wholeMatch(of: #/[A-Z][A-Z0-9_]*/#) != nil })
        }
        return names
    }

    @Test("the scan finds the secrets and URLs we know of, so that it can be trusted with the ones we do not")
    func scanFindsKnownVariables() throws {
        let names = try Self.variablesRead()
        #expect(names.isSuperset(of: Self.knownSecrets + Self.knownURLs), "missing: \(Set(Self.knownSecrets + Self.knownURLs).subtracting(names))")
    }

    @Test("every secret-looking variable's value, every URL's password, the sender's e-mail and the SMS number are masked in a log line")
    func everyVariableIsCovered() throws {
        let names = try Self.variablesRead()
        var environment: [String: String] = [:], hidden: [String: String] = [:], kept: [String] = []
        for name in names.sorted() {
            if Self.looksLikeURL(name) {
                environment[name] = "https://user:pw-\(name)-9@host-\(name.lowercased()).example:8443/path"
                hidden[name] = "pw-\(name)-9"
                kept.append("host-\(name.lowercased()).example:8443/path")
            } else if Self.looksSecret(name), Self.notSecrets[name] == nil {
                environment[name] = "value-of-\(name)-0123456789"
                hidden[name] = environment[name]
            }
        }
        environment["EMAIL_FROM"] = "Atelier Léa <contact@atelier-lea.fr>"
        hidden["EMAIL_FROM"] = "contact@atelier-lea.fr"
        environment["TWILIO_PHONE_NUMBER"] = "+33700000000"
        hidden["TWILIO_PHONE_NUMBER"] = "+33700000000"

        let redactor = Redactor(environment: environment)
        let sink = MemorySink(), textSink = MemorySink()
        let everything = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        LogWriter(sink: sink, format: .json, redactor: redactor, clock: .fixed(Timestamp(secondsSinceEpoch: 0)))
            .write(.debug, "settings: \(everything)", fields: ["detail": .string(everything), "path": .string("/x/\(everything)")])
        LogWriter(sink: textSink, format: .text, redactor: redactor, clock: .fixed(Timestamp(secondsSinceEpoch: 0)))
            .write(.warning, "settings: \(everything)")

        #expect(hidden.count > Self.knownSecrets.count)
        for (name, value) in hidden.sorted(by: { $0.key < $1.key }) {
            #expect(!sink.text.contains(value), "\(name)'s value reaches the JSON log: \(sink.text)")
            #expect(!textSink.text.contains(value), "\(name)'s value reaches the text log: \(textSink.text)")
        }
        for host in kept { #expect(sink.text.contains(host), "over-masked: \(host) is gone from \(sink.text)") }
    }
}
