import ArtisanCore
import Foundation
import Testing
import TestSupport
@testable import ArtisanCLI

/// `Application.run` in process: exit statuses, and what goes to stdout and to stderr.
@Suite("Application.run")
struct ApplicationRunTests {
    static let everyCommand = Application.tree.allCommands.map(\.path)

    private func help(_ path: [String]) throws -> String {
        var command = Application.tree.root
        for word in path { command = try #require(command.subcommand(named: word)) }
        return HelpRenderer(tree: Application.tree).render(path: path, command)
    }

    @Test func rootHelp() throws {
        let result = try runApplication(["--help"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == (try help([])))
        #expect(result.stdout.hasPrefix("Run an ArtisanConnect booking backend from the command line\n"))
        #expect(result.stdout.contains("Usage:\n  artisanctl <command> [flags]\n"))
    }

    @Test func noArgumentsPrintsTheRootHelp() throws {
        let result = try runApplication([])
        #expect(result.status == 0)
        #expect(result.stdout == (try help([])))
        #expect(result.stderr.isEmpty)
    }

    @Test func helpMigrate() throws {
        let result = try runApplication(["help", "migrate"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == (try help(["migrate"])))
        #expect(result.stdout.contains("artisanctl migrate <command> [flags]"))
        for verb in ["latest", "rollback", "status", "make"] { #expect(result.stdout.contains("\n  \(verb) ")) }
    }

    @Test("`help …`, `… -h` and `… --help` print the same help on stdout", arguments: everyCommand)
    func helpEverywhere(_ path: [String]) throws {
        let expected = try help(path)
        for arguments in [["help"] + path, path + ["-h"], path + ["--help"], ["--help"] + path] {
            let result = try runApplication(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stdout == expected, "\(arguments)")
            #expect(result.stderr.isEmpty, "\(arguments)")
        }
    }

    @Test func helpWithAnUnknownCommand() throws {
        let result = try runApplication(["help", "migrat"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "artisanctl: error: no help for unknown command 'migrat'\nhint: did you mean 'migrate'?\n")
    }

    @Test func version() throws {
        let result = try runApplication(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "artisanctl \(Application.version)\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func versionAfterACommandDoesNotRunIt() throws {
        // Without a database, running `migrate status` would fail with 69.
        let result = try runApplication(["migrate", "status", "--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "artisanctl \(Application.version)\n")
    }

    @Test("usage errors exit 64 with the message on stderr and nothing on stdout", arguments: [
        (["migrat"], "unknown command 'migrat'", "hint: did you mean 'migrate'?"),
        (["--verbos", "migrate", "status"], "unknown flag '--verbos'", "hint: did you mean '--verbose'?"),
        (["migrate", "status", "--verbos"], "unknown flag '--verbos' for migrate status", "hint: did you mean '--verbose'?"),
        (["migrate"], "migrate needs a command: latest, rollback, status, make", "hint: run 'artisanctl help migrate' for more"),
        (["migrate", "status", "extra"], "unexpected argument 'extra'", "hint: usage: artisanctl migrate status [flags]"),
        (["migrate", "make"], "migrate make needs the argument NAME", "hint: usage: artisanctl migrate make NAME [flags]"),
        (["--output", "xml", "migrate", "status"], "--output must be one of table, json, csv, not 'xml'", nil),
        (["migrate", "status", "--database"], "--database needs a value (URL)", nil),
        (["--json=1", "migrate", "status"], "--json takes no value", nil),
        (["completion", "tcsh"], "SHELL must be one of bash, zsh, fish, not 'tcsh'", nil),
        (["migrate", "rollback", "--all", "--steps", "2"], "--steps and --all cannot be used together", nil),
        (["migrate", "rollback", "--steps", "many"], "--steps takes a whole number from 1 to 10000, not 'many'", nil),
        (["migrate", "rollback", "--steps=0"], "--steps takes a whole number from 1 to 10000, not '0'", nil),
        (["-q", "migrat"], "unknown command 'migrat'", "hint: did you mean 'migrate'?"),
    ] as [([String], String, String?)])
    func usageErrors(_ arguments: [String], message: String, hint: String?) throws {
        let result = try runApplication(arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("artisanctl: error: ") == true)
        #expect(lines.first?.contains(message) == true, "stderr: \(result.stderr)")
        if let hint { #expect(lines.dropFirst().first == hint, "stderr: \(result.stderr)") }
        #expect(result.stderr.hasSuffix("\n"))
    }

    /// The one line a `--json` run writes on stderr for an error, decoded.
    private func jsonError(_ result: RunResult) throws -> [String: String] {
        #expect(result.stderr.hasSuffix("\n"))
        let lines = result.stderr.split(separator: "\n")
        try #require(lines.count == 1, "expected one JSON line on stderr, got: \(result.stderr)")
        #expect(lines[0].hasPrefix("{\"error\":{"))
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8))
        let outer = try #require(object as? [String: Any])
        #expect(outer.count == 1)
        return try #require(outer["error"] as? [String: String])
    }

    @Test("with --json, a usage error is one JSON line on stderr", arguments: [
        ["--json", "migrat"],
        ["migrat", "--json"],
        ["migrate", "--json"],
        ["--json", "--output", "xml"],
    ])
    func jsonUsageError(_ arguments: [String]) throws {
        let result = try runApplication(arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        let error = try jsonError(result)
        #expect(error["code"] == "USAGE_ERROR")
        #expect(error["message"]?.isEmpty == false)
    }

    @Test func jsonUsageErrorCarriesMessageAndHint() throws {
        let result = try runApplication(["--json", "migrat"])
        let error = try jsonError(result)
        #expect(error == ["code": "USAGE_ERROR", "message": "unknown command 'migrat'", "hint": "did you mean 'migrate'?"])
    }

    @Test("a database command with no database and no embedded cluster exits 69", arguments: [
        ["migrate", "status"],
        ["migrate", "latest"],
        ["migrate", "rollback", "--yes"],
        ["-o", "json", "migrate", "status"],
    ])
    func noDatabase(_ arguments: [String]) throws {
        let result = try runApplication(arguments)
        #expect(result.status == 69)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("artisanctl: error: no database is configured"))
        #expect(result.stderr.contains("artisanctl db up"))
    }

    @Test func noDatabaseAsJSON() throws {
        let result = try runApplication(["migrate", "status", "--json"])
        #expect(result.status == 69)
        #expect(result.stdout.isEmpty)
        let error = try jsonError(result)
        #expect(error["code"] == "DATABASE_UNAVAILABLE")
        #expect(error["message"]?.contains("no database is configured") == true)
        #expect(error["hint"]?.contains("artisanctl db up") == true)
    }

    @Test func missingEnvFileIsAConfigurationError() throws {
        let result = try runApplication(["--env-file", "/nonexistent/artisanctl.env", "migrate", "status"])
        #expect(result.status == 78)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--env-file: /nonexistent/artisanctl.env does not exist"))
    }

    @Test func badClockOverrideIsAConfigurationError() throws {
        let result = try runApplication(["migrate", "status"], environment: ["ARTISANCTL_NOW": "yesterday"])
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("artisanctl: error: ARTISANCTL_NOW"))
    }

    @Test("completion scripts go to stdout", arguments: [
        ("bash", "# bash completion for artisanctl\n"),
        ("zsh", "#compdef artisanctl\n"),
        ("fish", "# fish completion for artisanctl\n"),
    ])
    func completion(_ shell: String, firstLine: String) throws {
        let result = try runApplication(["completion", shell])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix(firstLine))
        #expect(result.stdout.contains("migrate"))
    }

    @Test func manPage() throws {
        let result = try runApplication(["man"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix(".\\\" Generated by `artisanctl man`."))
        #expect(result.stdout.contains("\n.TH ARTISANCTL 1 "))
    }

    @Test func migrateMakeUsesTheClockAndTheDirFlag() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try runApplication(["migrate", "make", "add_time_off", "--dir", directory.path])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let stem = directory.path + "/20261124200000_add_time_off"
        #expect(result.stdout == "\(stem).up.sql\n\(stem).down.sql\n")
        #expect(FileManager.default.fileExists(atPath: stem + ".up.sql"))
        #expect(FileManager.default.fileExists(atPath: stem + ".down.sql"))
    }

    @Test func migrateMakeRefusesANameThatIsNotSnakeCase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try runApplication(["migrate", "make", "AddTimeOff", "--dir", directory.path])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("artisanctl: error: NAME: must be snake_case"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func migrateMakeWithoutAMigrationsDirectory() throws {
        let result = try runApplication(["migrate", "make", "add_time_off"])
        #expect(result.status == 66)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no migrations directory"))
    }
}
