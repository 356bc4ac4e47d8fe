import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport
@testable import ArtisanCLI

/// The repository root, found from this file: Tests/ArtisanCLITests/Support.swift.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

/// A fixed instant for every in-process run: 2026-11-24T20:00:00Z.
let fixedInstant = Timestamp(secondsSinceEpoch: 1_795_550_400)


/// One in-process run of `Application.run` with memory streams and no terminal.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `artisanctl arguments…` in process. The environment holds only `XDG_DATA_HOME`, pointing at
/// an empty directory, plus `environment`: no database is configured and no embedded cluster runs.
func runApplication(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let data = directory.url.appendingPathComponent("data")
    let work = directory.url.appendingPathComponent("work")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let stdout = MemorySink(), stderr = MemorySink()
    let context = Context(
        stdout: stdout, stderr: stderr, stdinIsTerminal: false, stdoutIsTerminal: false,
        environment: ["XDG_DATA_HOME": data.path].merging(environment) { _, given in given },
        workingDirectory: work.path, tree: Application.tree, clock: .fixed(fixedInstant)
    )
    let status = Application.run(arguments, context: context)
    return RunResult(status: status, stdout: stdout.text, stderr: stderr.text)
}

/// One run of an external program, with stdout and stderr kept apart.
struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `executable arguments…` to completion. Output goes through files, so a large output can
/// never block the child. `environment` nil inherits this process's environment.
func runProcess(
    _ executable: String, _ arguments: [String], stdin: String? = nil, workingDirectory: URL? = nil,
    environment: [String: String]? = nil
) throws -> ProcessResult {
    #expect(FileManager.default.isExecutableFile(atPath: executable), "\(executable) is needed by this test and is not installed")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let outURL = directory.url.appendingPathComponent("stdout")
    let errURL = directory.url.appendingPathComponent("stderr")
    let inURL = directory.url.appendingPathComponent("stdin")
    for url in [outURL, errURL] { FileManager.default.createFile(atPath: url.path, contents: nil) }
    FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    let input = try FileHandle(forReadingFrom: inURL)
    defer {
        try? out.close()
        try? err.close()
        try? input.close()
    }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    if let environment { process.environment = environment }
    try process.run()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus,
        stdout: try String(contentsOf: outURL, encoding: .utf8),
        stderr: try String(contentsOf: errURL, encoding: .utf8)
    )
}

/// A small tree of its own, so that parser tests do not depend on artisanctl's real commands.
enum SampleTree {
    static let noop: Command.Run = { _, _ in }

    static let tree = CommandTree(
        root: Command(
            "tool", abstract: "A sample tool",
            subcommands: [
                Command(
                    "greet", abstract: "Greet someone",
                    arguments: [Argument("name", help: "Who to greet")],
                    flags: [
                        Flag("loud", short: "l", help: "Shout"),
                        Flag("times", short: "t", value: "N", help: "How many times"),
                    ],
                    run: noop
                ),
                Command(
                    "copy", abstract: "Copy files",
                    arguments: [Argument("files", help: "Files to copy", variadic: true)],
                    run: noop
                ),
                Command(
                    "list", abstract: "List things",
                    arguments: [Argument("kind", help: "Which kind", optional: true, choices: ["cats", "dogs"])],
                    run: noop
                ),
                Command(
                    "group", abstract: "A group of commands",
                    subcommands: [Command("leaf", abstract: "A leaf", run: noop)]
                ),
            ]
        ),
        globalFlags: [
            Flag("database", short: "d", value: "URL", help: "Where"),
            Flag("output", short: "o", value: "FORMAT", choices: ["table", "json", "csv"], help: "Format"),
            Flag("json", help: "JSON"),
            Flag("quiet", short: "q", help: "Quiet"),
            Flag("yes", short: "y", help: "Yes"),
            Flag("verbose", short: "v", help: "Verbose"),
            Flag("help", short: "h", help: "Help"),
            Flag("version", help: "Version"),
        ],
        version: "9.9.9"
    )
}

extension Parser.Outcome {
    var invocation: Invocation? {
        if case .run(let invocation) = self { return invocation }
        return nil
    }

    var helpPath: [String]? {
        if case .help(let path, _) = self { return path }
        return nil
    }

    var helpCommand: Command? {
        if case .help(_, let command) = self { return command }
        return nil
    }

    var isVersion: Bool {
        if case .version = self { return true }
        return false
    }
}

/// Parses with the given tree (the sample one by default) and requires a command to run.
func invocation(_ arguments: [String], tree: CommandTree = SampleTree.tree) throws -> Invocation {
    try #require(try Parser(tree: tree).parse(arguments).invocation, "expected \(arguments) to name a command to run")
}

/// Parses with the given tree and requires a usage error.
func usageError(_ arguments: [String], tree: CommandTree = SampleTree.tree) throws -> ArtisanError {
    let error = try #require(throws: ArtisanError.self, "expected \(arguments) to be refused") {
        try Parser(tree: tree).parse(arguments)
    }
    #expect(error.kind == .usage)
    #expect(error.code == "USAGE_ERROR")
    return error
}

/// artisanctl's command tree with `shell` in it, whether or not `Application.tree` lists it yet.
let treeWithShell: CommandTree = {
    let tree = Application.tree
    guard tree.root.subcommand(named: "shell") == nil else { return tree }
    let root = tree.root
    return CommandTree(
        root: Command(root.name, abstract: root.abstract, discussion: root.discussion, arguments: root.arguments,
                      flags: root.flags, subcommands: root.subcommands + [ShellCommand.command], examples: root.examples,
                      run: root.run),
        globalFlags: tree.globalFlags, version: tree.version)
}()

/// A program run on a pseudo-terminal by Fixtures/pty_drive.py, as a person would: wait for some
/// text, type, wait again. `transcript` is the output without escape sequences; `screen` the
/// terminal's last lines as they would be seen.
struct TerminalSession: Decodable {
    enum Step {
        /// Wait for the text in the output, after what the previous `expect` matched.
        case expect(String)
        /// Wait for the text on one line of the screen (for words redrawn in place).
        case screen(String)
        /// Type the text: "\r" is Enter, "\t" TAB, "\u{04}" ^D, "\u{1B}[A" the up arrow.
        case send(String)

        var json: [String] {
            switch self {
            case .expect(let text): ["expect", text]
            case .screen(let text): ["screen", text]
            case .send(let text): ["send", text]
            }
        }
    }

    /// Nil when the program had to be killed.
    let status: Int32?
    /// Nil, or the step that failed (a text that never came) or the program not exiting.
    let error: String?
    let transcript: String
    let screen: [String]

    static let driver = repositoryRoot.appendingPathComponent("Tests/ArtisanCLITests/Fixtures/pty_drive.py").path
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// Runs `arguments` (the program first) on an 80x24 terminal with exactly `environment`
    /// (TERM=xterm added when missing), doing `steps` in order; each wait gives up after `timeout` seconds.
    static func run(_ arguments: [String], environment: [String: String], steps: [Step], timeout: Double = 30) throws -> TerminalSession {
        let spec: [String: Any] = ["argv": arguments, "steps": steps.map(\.json), "timeout": timeout, "rows": 24, "cols": 80]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        var environment = environment
        if environment["TERM"] == nil { environment["TERM"] = "xterm" }
        let outcome = try Subprocess.run([python, driver, json], environment: environment)
        guard outcome.status == 0, let session = try? JSONDecoder().decode(TerminalSession.self, from: Data(outcome.stdout.utf8)) else {
            throw DriverFailure(description: "pty_drive.py failed (\(outcome.status)): \(outcome.output)")
        }
        return session
    }

    struct DriverFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// For failure messages: what the terminal showed.
    var shown: String { "error: \(error ?? "none"), status: \(status.map(String.init) ?? "none")\n" + screen.joined(separator: "\n") }
}
