import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport
@testable import ArtisanCLI

/// `artisanctl shell`: lines run in process, the binary fed from stdin, and a person at a terminal.
@Suite("Shell")
struct ShellTests {
    // MARK: - One line, in process

    /// A shell's context with memory streams, no terminal and no database.
    private func shellContext() throws -> (context: Context, stdout: MemorySink, stderr: MemorySink, directory: TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let stdout = MemorySink(), stderr = MemorySink()
        let context = Context(
            stdout: stdout, stderr: stderr, stdinIsTerminal: false, stdoutIsTerminal: false,
            environment: ["XDG_DATA_HOME": directory.path], workingDirectory: directory.path, tree: treeWithShell,
            clock: .fixed(fixedInstant))
        return (context, stdout, stderr, directory)
    }

    @Test("a line runs as artisanctl's arguments and gives the command's status")
    func runsALine() throws {
        let (context, stdout, stderr, directory) = try shellContext()
        defer { directory.remove() }
        #expect(ShellCommand.execute("--version", inheriting: [], context: context, reader: nil) == .ran(.success))
        #expect(ShellCommand.execute("help 'migrate'  rollback", inheriting: [], context: context, reader: nil) == .ran(.success))
        #expect(stdout.text.hasPrefix("artisanctl 0.1.0\n"))
        #expect(stdout.text.contains("artisanctl migrate rollback [flags]"))
        #expect(stderr.text.isEmpty)
    }

    @Test("a failing line prints its error and gives its status")
    func failingLine() throws {
        let (context, stdout, stderr, directory) = try shellContext()
        defer { directory.remove() }
        #expect(ShellCommand.execute("migrat status", inheriting: [], context: context, reader: nil) == .ran(.usage))
        #expect(stderr.text == "artisanctl: error: unknown command 'migrat'\nhint: did you mean 'migrate'?\n")
        #expect(stdout.text.isEmpty)
    }

    @Test("blank and comment lines are skipped; exit and quit leave", arguments: [
        ("", ShellCommand.Outcome.skipped), ("   \t", .skipped), ("# a comment", .skipped), ("  # indented", .skipped),
        ("exit", .leave), ("quit", .leave), ("  exit  ", .leave), ("exit # bye", .leave),
    ])
    func skipsAndLeaves(line: String, outcome: ShellCommand.Outcome) throws {
        let (context, stdout, stderr, directory) = try shellContext()
        defer { directory.remove() }
        #expect(ShellCommand.execute(line, inheriting: [], context: context, reader: nil) == outcome)
        #expect(stdout.text.isEmpty)
        #expect(stderr.text.isEmpty)
    }

    @Test("an unterminated quote is a usage error of that line", arguments: ["services show 'Coupe", "help \"migrate"])
    func unterminatedQuote(line: String) throws {
        let (context, stdout, stderr, directory) = try shellContext()
        defer { directory.remove() }
        #expect(ShellCommand.execute(line, inheriting: [], context: context, reader: nil) == .ran(.usage))
        #expect(stderr.text.hasPrefix("artisanctl: error: unterminated "))
        #expect(stdout.text.isEmpty)
    }

    @Test("the shell refuses to run inside itself, however it is named", arguments: ["shell", "--json shell", "shell --yes", "-q shell"])
    func noShellInShell(line: String) throws {
        let (context, stdout, stderr, directory) = try shellContext()
        defer { directory.remove() }
        #expect(ShellCommand.execute(line, inheriting: [], context: context, reader: nil) == .ran(.usage))
        #expect(stderr.text.contains("the shell is already running"))
        #expect(stdout.text.isEmpty)
        // Its help is fine.
        #expect(ShellCommand.execute("help shell", inheriting: [], context: context, reader: nil) == .ran(.success))
        #expect(ShellCommand.execute("shell --help", inheriting: [], context: context, reader: nil) == .ran(.success))
        #expect(stdout.text.contains("Run artisanctl commands at a prompt"))
    }

    @Test("the shell's own global flags come before every line, so the line's own win")
    func inheritedFlags() throws {
        func parse(_ arguments: [String]) throws -> Invocation {
            try #require(try Parser(tree: treeWithShell).parse(arguments).invocation)
        }
        let invocation = try parse(["--json", "shell", "-d", "postgres://db/x", "-y", "--env-file=x.env"])
        let inherited = ShellCommand.inheritedArguments(invocation, tree: treeWithShell)
        #expect(inherited == ["--database", "postgres://db/x", "--json", "--env-file", "x.env", "--yes"])
        #expect(ShellCommand.inheritedArguments(try parse(["shell"]), tree: treeWithShell) == [])

        let (context, _, stderr, directory) = try shellContext()
        defer { directory.remove() }
        #expect(ShellCommand.execute("nosuch", inheriting: ["--json"], context: context, reader: nil) == .ran(.usage))
        #expect(stderr.text.hasPrefix("{\"error\":{\"code\":\"USAGE_ERROR\""))
        // A later --output wins over an inherited one.
        let later = try parse(["--output", "csv", "migrate", "status", "--output", "json"])
        #expect(later.value("output") == "json")
    }

    @Test("the history file: XDG_STATE_HOME, else ~/.local/state, else none")
    func historyFile() {
        #expect(ShellCommand.historyFile(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/artisanctl/history")
        #expect(ShellCommand.historyFile(environment: ["HOME": "/home/lea"]) == "/home/lea/.local/state/artisanctl/history")
        #expect(ShellCommand.historyFile(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/artisanctl/history")
        #expect(ShellCommand.historyFile(environment: ["XDG_STATE_HOME": "", "HOME": "/h"]) == "/h/.local/state/artisanctl/history")
        #expect(ShellCommand.historyFile(environment: [:]) == nil)
    }

    @Test("an ExitRequest gives its status and prints nothing, even as JSON")
    func exitRequest() {
        let sink = MemorySink()
        #expect(ErrorReporter.report(ExitRequest(status: .notFound), to: sink, json: false) == .notFound)
        #expect(ErrorReporter.report(ExitRequest(status: .usage), to: sink, json: true) == .usage)
        #expect(sink.text.isEmpty)
    }

    // MARK: - The binary, fed from stdin

    private func environment(_ directory: TemporaryDirectory) -> [String: String] {
        Binary.isolatedEnvironment([
            "XDG_DATA_HOME": directory.path + "/data", "XDG_STATE_HOME": directory.path + "/state", "HOME": directory.path,
        ])
    }

    @Test("fed from stdin: every line runs; the status is the last failing one's")
    func fromStdin() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try Binary.run(["shell"], environment: environment(directory), stdin: "help\n--version\nmigrat status\nhelp migrate\n")
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stdout.hasPrefix("Run an ArtisanConnect booking backend from the command line\n"))
        #expect(result.stdout.contains("\nartisanctl 0.1.0\n"))
        #expect(result.stdout.contains("Apply, revert and inspect the schema migrations"))
        #expect(result.stderr == "artisanctl: error: unknown command 'migrat'\nhint: did you mean 'migrate'?\n")
        // No prompt, no banner.
        #expect(!result.output.contains("artisanctl> "))
        #expect(!result.output.contains("Type 'help'"))
    }

    @Test("fed from stdin: the last failing status, not the first, and not the last line's")
    func lastFailingStatus() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // No database is configured: migrate status is 69 (unavailable), after a 64.
        let result = try Binary.run(["shell"], environment: environment(directory), stdin: "nosuch\nmigrate status\nhelp\n")
        #expect(result.status == 69, "\(result.output)")
        #expect(result.stderr.contains("unknown command 'nosuch'"))
        #expect(result.stderr.contains("no database is configured"))
    }

    @Test("fed from stdin: all good is 0; comments, blank lines and a last line without newline are fine")
    func successAndComments() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let help = try Binary.run(["shell"], environment: environment(directory), stdin: "help\n")
        #expect(help.status == 0, "\(help.output)")
        #expect(help.stdout.contains("Usage:"))
        #expect(help.stderr.isEmpty)

        let script = "# set-up script\n\n   \n\t# indented comment\n--version # trailing comment\n'--version'"
        let commented = try Binary.run(["shell"], environment: environment(directory), stdin: script)
        #expect(commented.status == 0, "\(commented.output)")
        #expect(commented.stdout == "artisanctl 0.1.0\nartisanctl 0.1.0\n")
        #expect(commented.stderr.isEmpty)

        let empty = try Binary.run(["shell"], environment: environment(directory), stdin: "")
        #expect(empty.status == 0)
        #expect(empty.output.isEmpty)
    }

    @Test("fed from stdin: exit stops reading; shell inside the shell and bad quotes are refused")
    func exitAndRefusals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let exited = try Binary.run(["shell"], environment: environment(directory), stdin: "--version\nexit\nnosuch\n")
        #expect(exited.status == 0, "\(exited.output)")
        #expect(exited.stdout == "artisanctl 0.1.0\n")
        #expect(exited.stderr.isEmpty)

        let refused = try Binary.run(["shell"], environment: environment(directory), stdin: "shell\nhelp 'migrate\n--version\n")
        #expect(refused.status == 64, "\(refused.output)")
        #expect(refused.stderr.contains("the shell is already running"))
        #expect(refused.stderr.contains("unterminated single quote"))
        #expect(refused.stdout == "artisanctl 0.1.0\n")
    }

    @Test("fed from stdin: global flags given to shell apply to every line")
    func globalFlagsOfTheShell() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try Binary.run(["--json", "shell"], environment: environment(directory), stdin: "nosuch\n")
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("{\"error\":{\"code\":\"USAGE_ERROR\",\"message\":\"unknown command 'nosuch'\""), "\(result.stderr)")
    }

    // MARK: - On a terminal

    @Test("on a terminal: a prompt, a command, exit; the history file keeps the command")
    func onATerminal() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TerminalSession.run([Binary.path, "shell"], environment: environment(directory), steps: [
            .expect("artisanctl> "), .send("--version\r"),
            .expect("artisanctl 0.1.0"), .expect("artisanctl> "), .send("exit\r"),
        ])
        #expect(session.error == nil, "\(session.shown)")
        #expect(session.status == 0, "\(session.shown)")
        #expect(session.screen.contains("artisanctl> --version"), "\(session.shown)")
        #expect(session.screen.contains("artisanctl 0.1.0"), "\(session.shown)")

        let historyPath = directory.path + "/state/artisanctl/history"
        let history = try String(contentsOfFile: historyPath, encoding: .utf8)
        #expect(history.split(separator: "\n").contains("--version"), "\(history)")
        let attributes = try FileManager.default.attributesOfItem(atPath: historyPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("on a terminal: a failing line prints its error and the shell goes on; ^D leaves with 0")
    func errorsDoNotStopIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TerminalSession.run([Binary.path, "shell"], environment: environment(directory), steps: [
            .expect("artisanctl> "), .send("migrat\r"),
            .expect("did you mean 'migrate'?"), .expect("artisanctl> "), .send("shell\r"),
            .expect("the shell is already running"), .expect("artisanctl> "), .send("--version\r"),
            .expect("artisanctl 0.1.0"), .expect("artisanctl> "), .send("\u{04}"),
        ])
        #expect(session.error == nil, "\(session.shown)")
        #expect(session.status == 0, "\(session.shown)")
    }

    @Test("on a terminal: a command asks for its missing values and re-asks until they are valid")
    func promptsOfACommand() throws {
        let database = try TestDatabase.migrated()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = database.environment.merging([
            "HOME": directory.path, "XDG_STATE_HOME": directory.path + "/state", "TERM": "xterm",
        ]) { _, new in new }

        let session = try TerminalSession.run([Binary.path, "artisan", "init"], environment: environment, steps: [
            .expect("Name: "), .send("Léa Martin\r"),
            .expect("E-mail: "), .send("not-an-email\r"),
            .expect("not-an-email"), .expect("E-mail: "), .send("lea@example.com\r"),
        ])
        #expect(session.error == nil, "\(session.shown)")
        #expect(session.status == 0, "\(session.shown)")
        // The error is shown between the refused answer and the question asked again.
        let afterRefusal = try #require(session.transcript.range(of: "not-an-email\r\n"), "\(session.shown)")
        let error = session.transcript[afterRefusal.upperBound...].prefix { !$0.isNewline }.lowercased()
        #expect(error.contains("e-mail") || error.contains("email"), "\(session.shown)")
        #expect(session.transcript.components(separatedBy: "E-mail: ").count == 3, "asked twice: \(session.shown)")

        let shown = try Binary.run(["artisan", "show", "--output", "json"], environment: database.environment)
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.stdout.contains("lea@example.com"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Léa Martin"), "\(shown.stdout)")
    }

    @Test("on a terminal: inside the shell, a command asks on the shell's prompt; answers stay out of the history")
    func promptsInsideTheShell() throws {
        let database = try TestDatabase.migrated()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = database.environment.merging([
            "HOME": directory.path, "XDG_STATE_HOME": directory.path + "/state", "TERM": "xterm",
        ]) { _, new in new }

        let session = try TerminalSession.run([Binary.path, "shell"], environment: environment, steps: [
            .expect("artisanctl> "), .send("artisan init --timezone Europe/Paris\r"),
            .expect("Name: "), .send("Bob Artisan\r"),
            .expect("E-mail: "), .send("bob-at-example\r"),
            .expect("bob-at-example"), .expect("E-mail: "), .send("bob@example.com\r"),
            .expect("bob@example.com"), .expect("artisanctl> "), .send("artisan show\r"),
            .expect("Bob Artisan"), .expect("artisanctl> "), .send("exit\r"),
        ])
        #expect(session.error == nil, "\(session.shown)")
        #expect(session.status == 0, "\(session.shown)")

        let history = try String(contentsOfFile: directory.path + "/state/artisanctl/history", encoding: .utf8)
        #expect(history.contains("artisan\\040init\\040--timezone\\040Europe/Paris"), "\(history)")
        #expect(history.contains("artisan\\040show"), "\(history)")
        #expect(!history.contains("Bob"), "\(history)")
        #expect(!history.contains("example"), "\(history)")
    }
}
