import ArtisanCore
import Foundation
import Testing
import TestSupport
@testable import ArtisanCLI

/// Settings and messages made of hostile values: refused with one line, never a trap, never a
/// second line or a terminal escape on stderr.
@Suite("hostile settings and messages")
struct HostileSettingsTests {
    @Test("ARTISANCTL_HTTP_TIMEOUT outside 1…300 whole seconds is a configuration error", arguments: [
        "99999999999999999999", "-1", "0", "301", "nan", "1e999", "", "2.5", " 20",
    ])
    func badTimeout(value: String) throws {
        let result = try runApplication(["migrate", "status"], environment: ["ARTISANCTL_HTTP_TIMEOUT": value])
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("artisanctl: error: ARTISANCTL_HTTP_TIMEOUT: must be a whole number of seconds from 1 to 300"))
        #expect(lines(result.stderr).count == 1)
    }

    @Test("ARTISANCTL_HTTP_TIMEOUT within range is kept")
    func goodTimeout() throws {
        let context = Context(stdout: MemorySink(), stderr: MemorySink(), stdinIsTerminal: false, stdoutIsTerminal: false,
                              environment: ["ARTISANCTL_HTTP_TIMEOUT": "300"], workingDirectory: "/nonexistent", tree: Application.tree, clock: .system)
        try context.configure(with: GlobalOptions())
        #expect(context.httpTimeout == 300)
    }

    @Test("ARTISANCTL_NOW at absurd years is a configuration error", arguments: [
        "99999-01-01T00:00:00Z", "0000-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00", "-0001-01-01T00:00:00Z", "99999999999999999999",
    ])
    func absurdNow(value: String) throws {
        let result = try runApplication(["migrate", "status"], environment: ["ARTISANCTL_NOW": value])
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("artisanctl: error: ARTISANCTL_NOW: "))
    }

    @Test("a .env file larger than 1 MiB is refused, /dev/zero included")
    func hugeEnvironmentFile() throws {
        let result = try runApplication(["migrate", "status", "--env-file", "/dev/zero"])
        #expect(result.status == 78)
        #expect(result.stderr == "artisanctl: error: /dev/zero: larger than 1 MiB, not a settings file\n")
    }

    @Test("a catalogue file larger than 16 MiB is refused, /dev/zero included")
    func hugeCatalogueFile() throws {
        let result = try runApplication(["catalog", "apply", "-f", "/dev/zero"])
        #expect(result.status == 65)
        #expect(result.stderr == "artisanctl: error: --file: /dev/zero is larger than 16 MiB: not a catalogue\n")
    }

    @Test("migrate make at the last second of 9999 with that version taken: refused, not a loop for ever")
    func lastMigrationVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = FileManager.default.createFile(atPath: directory.path + "/99991231235959_add_x.up.sql", contents: nil)
        let result = try runApplication(["migrate", "make", "add_x", "--dir", directory.path], environment: ["ARTISANCTL_NOW": "9999-12-31T23:59:59Z"])
        #expect(result.status == 65)
        #expect(result.stderr == "artisanctl: error: NAME: no version is free after 99991231235959\n")
    }

    @Test("an error quoting a value shows its control characters escaped, on one line")
    func controlsEscaped() {
        #expect(ErrorReporter.printable("--name: got 'a\nb\t\u{1b}[31m'") == "--name: got 'a\\nb\\t\\u{1B}[31m'")
        let sink = MemorySink()
        let status = ErrorReporter.report(ArtisanError.invalid(field: "--x", "bad '\r\n'", hint: "try\nagain"), to: sink, json: false)
        #expect(status == .invalidData)
        #expect(sink.text == "artisanctl: error: --x: bad '\\r\\n'\nhint: try\\nagain\n")
    }

    @Test("an error quoting 100,000 characters keeps its start and end, under 1,000 characters")
    func longMessagesCut() {
        let message = "--price: must be an amount (got '" + String(repeating: "x", count: 100_000) + "')"
        let printed = ErrorReporter.printable(message)
        #expect(printed.count < 1_000)
        #expect(printed.hasPrefix("--price: must be an amount (got 'xxx"))
        #expect(printed.hasSuffix("xxx')"))
        #expect(printed.contains(" … "))
    }

    @Test("a catalogue with a number no integer holds names the field, exit 65", arguments: [
        ("99999999999999999999", "artisan.horizonDays: must be a whole number"), ("-99999999999999999999", "artisan.horizonDays: must be a whole number"),
        ("1.5", "artisan.horizonDays: must be a whole number"), ("1e999", "catalogue.json: is not valid JSON"),
        ("\"60\"", "artisan.horizonDays: must be a whole number"),
    ])
    func hugeCatalogueNumbers(number: String, message: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try """
            {"artisan": {"displayName": "Léa", "email": "lea@example.com", "horizonDays": \(number)},
             "services": [], "hours": {}, "breaks": [], "timeOff": []}
            """.write(to: directory.url.appendingPathComponent("catalogue.json"), atomically: true, encoding: .utf8)
        let result = try runApplication(["catalog", "apply", "-f", directory.url.appendingPathComponent("catalogue.json").path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("artisanctl: error: ") && result.stderr.contains(message), "\(result.stderr)")
        #expect(lines(result.stderr).count == 1)
    }
}

private func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }
