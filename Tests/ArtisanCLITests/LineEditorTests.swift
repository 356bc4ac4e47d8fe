import Foundation
import Testing
import TestSupport
@testable import ArtisanCLI

/// libedit through `LineEditor`: what the completion hook hands libedit, and, on a real pseudo-
/// terminal through the shell, TAB completion, the history file and non-ASCII input.
@Suite("Line editor")
struct LineEditorTests {
    // MARK: - The completion hook's answer

    @Test("one candidate is the replacement; several are their common prefix, then the list")
    func matches() {
        #expect(LineEditor.completionMatches(candidates: ["migrate"], line: "mig", word: "mig") == ["migrate"])
        #expect(LineEditor.completionMatches(candidates: ["rollback"], line: "migrate ro", word: "ro") == ["rollback"])
        #expect(LineEditor.completionMatches(candidates: ["--verbose", "--version"], line: "--ver", word: "--ver")
            == ["--ver", "--verbose", "--version"])
        #expect(LineEditor.completionMatches(candidates: ["latest", "rollback"], line: "migrate ", word: "")
            == ["", "latest", "rollback"])
        #expect(LineEditor.completionMatches(candidates: ["Léa", "Léon"], line: "L", word: "L") == ["Lé", "Léa", "Léon"])
        #expect(LineEditor.completionMatches(candidates: [], line: "nosuch ", word: "") == nil)
    }

    @Test("when libedit's word is shorter than the line's last word, the difference is cut off")
    func shorterWord() {
        #expect(LineEditor.completionMatches(candidates: ["--output=json"], line: "--output=j", word: "j") == ["json"])
        #expect(LineEditor.completionMatches(candidates: ["--output=csv", "--output=json"], line: "status --output=", word: "")
            == ["", "csv", "json"])
        // A candidate that does not continue what is typed cannot be offered for libedit's word.
        #expect(LineEditor.completionMatches(candidates: ["--log-format=json"], line: "--output=j", word: "j") == nil)
    }

    @Test("the history file's directories are made as needed, private to the user")
    func parentDirectories() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/state/artisanctl/history"
        #expect(LineEditor.createParentDirectories(of: file))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.path + "/state/artisanctl", isDirectory: &isDirectory) && isDirectory.boolValue)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/state")
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(LineEditor.createParentDirectories(of: file), "already there is fine")

        #expect(FileManager.default.createFile(atPath: directory.path + "/plain", contents: Data()))
        #expect(!LineEditor.createParentDirectories(of: directory.path + "/plain/artisanctl/history"))
    }

    @Test("creating a LineEditor touches nothing: no file is read or made before a line is read")
    func lazy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let editor = LineEditor(historyFile: directory.path + "/state/history") { _ in ["never"] }
        #expect(editor.historyFile == directory.path + "/state/history")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/state"))
    }

    // MARK: - On a pseudo-terminal, through the shell

    private func environment(_ directory: TemporaryDirectory) -> [String: String] {
        Binary.isolatedEnvironment([
            "XDG_DATA_HOME": directory.path + "/data", "XDG_STATE_HOME": directory.path + "/state", "HOME": directory.path,
            "TERM": "xterm",
        ])
    }

    @Test("TAB completes a command, then a flag, and the completed line runs")
    func tabCompletion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TerminalSession.run([Binary.path, "shell"], environment: environment(directory), steps: [
            .expect("artisanctl> "), .send("mig\t"),
            .screen("artisanctl> migrate"), .send("--he\t"),
            .screen("artisanctl> migrate --help"), .send("\r"),
            .expect("Usage:"), .expect("artisanctl migrate <command> [flags]"), .expect("artisanctl> "),
            .send("exit\r"),
        ])
        #expect(session.error == nil, "\(session.shown)")
        #expect(session.status == 0, "\(session.shown)")
        let history = try String(contentsOfFile: directory.path + "/state/artisanctl/history", encoding: .utf8)
        #expect(history.contains("migrate\\040--help"), "\(history)")
    }

    @Test("TAB twice lists the candidates; a flag's choices complete after it")
    func listing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TerminalSession.run([Binary.path, "shell"], environment: environment(directory), steps: [
            .expect("artisanctl> "), .send("migrate \t\t"),
            .screen("latest"), .screen("rollback"), .send("sta\t"),
            .screen("artisanctl> migrate status"), .send("--output j\t"),
            .screen("artisanctl> migrate status --output json"), .send("\u{15}"),  // ^U: the line is dropped
            .send("exit\r"),
        ])
        #expect(session.error == nil, "\(session.shown)")
        #expect(session.status == 0, "\(session.shown)")
        #expect(session.screen.contains { $0.contains("latest") && $0.contains("make") && $0.contains("rollback") && $0.contains("status") },
                "\(session.shown)")
    }

    @Test("the history is read back: the up arrow brings the last session's command")
    func historyIsReadBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try TerminalSession.run([Binary.path, "shell"], environment: environment(directory), steps: [
            .expect("artisanctl> "), .send("--version\r"), .expect("artisanctl> "), .send("\u{04}"),
        ])
        #expect(first.error == nil, "\(first.shown)")
        let second = try TerminalSession.run([Binary.path, "shell"], environment: environment(directory), steps: [
            .expect("artisanctl> "), .send("\u{1B}[A"),
            .screen("artisanctl> --version"), .send("\r"),
            .expect("artisanctl 0.1.0"), .expect("artisanctl> "), .send("exit\r"),
        ])
        #expect(second.error == nil, "\(second.shown)")
        #expect(second.status == 0, "\(second.shown)")
    }

    @Test("non-ASCII input arrives whole, whatever the locale")
    func unicode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for language in ["C.UTF-8", "C"] {
            var environment = environment(directory)
            environment["LANG"] = language
            let session = try TerminalSession.run([Binary.path, "shell"], environment: environment, steps: [
                .expect("artisanctl> "), .send("help \"Léa ü 名前\"\r"),
                .expect("no help for unknown command 'Léa ü 名前'"), .expect("artisanctl> "), .send("exit\r"),
            ])
            #expect(session.error == nil, "LANG=\(language): \(session.shown)")
            #expect(session.status == 0, "LANG=\(language): \(session.shown)")
        }
    }
}
