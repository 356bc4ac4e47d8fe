import Foundation
import Testing
import TestSupport
@testable import ArtisanCLI

/// The checked-in completion scripts, driven by the real shells.
@Suite("Completion scripts")
struct CompletionTests {
    static let bashScript = repositoryRoot.appendingPathComponent("completions/artisanctl.bash").path
    static let zshScript = repositoryRoot.appendingPathComponent("completions/_artisanctl").path
    static let fishScript = repositoryRoot.appendingPathComponent("completions/artisanctl.fish").path

    // MARK: - bash

    /// What `_artisanctl` puts in COMPREPLY for the words typed, the last being the one completed.
    /// (`=` is a word of its own, as bash splits `--flag=value` at COMP_WORDBREAKS.)
    private func bashComplete(_ words: [String], in directory: URL? = nil) throws -> [String] {
        let script = """
            source "$1" || exit 3
            shift
            COMP_WORDS=("$@")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _artisanctl
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try runProcess("/usr/bin/bash", ["--norc", "--noprofile", "-c", script, "bash", Self.bashScript] + words,
                                    workingDirectory: directory)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "bash: \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test("bash completes", arguments: [
        (["artisanctl", "mig"], ["migrate"]),
        (["artisanctl", "boo"], ["bookings"]),
        (["artisanctl", "bookings", "res"], ["reschedule"]),
        (["artisanctl", ""], ["artisan", "services", "hours", "breaks", "timeoff", "availability", "bookings", "customers", "catalog", "calendars", "sync", "payments", "webhooks", "serve", "openapi", "notify", "notifications", "data", "db", "migrate", "completion", "man", "help", "shell"]),
        (["artisanctl", "migrate", "ro"], ["rollback"]),
        (["artisanctl", "migrate", ""], ["latest", "rollback", "status", "make"]),
        (["artisanctl", "db", "s"], ["status"]),
        (["artisanctl", "migrate", "rollback", "--st"], ["--steps"]),
        (["artisanctl", "migrate", "rollback", "--a"], ["--all", "--artisan"]),
        (["artisanctl", "migrate", "status", "--st"], []),
        (["artisanctl", "--output", ""], ["table", "json", "csv"]),
        (["artisanctl", "-o", "j"], ["json"]),
        (["artisanctl", "--log-format", ""], ["text", "json"]),
        (["artisanctl", "--database", "x", "mi"], ["migrate"]),
        (["artisanctl", "-d", "migrate", "mi"], ["migrate"]),
        (["artisanctl", "--database", "x", "migrate", "--output", "json", "st"], ["status"]),
        (["artisanctl", "-qy", "migrate", "l"], ["latest"]),
        (["artisanctl", "--database", ""], []),
        (["artisanctl", "migrate", "rollback", "--steps", ""], []),
        (["artisanctl", "--output", "=", ""], ["table", "json", "csv"]),
        (["artisanctl", "--output", "=", "c"], ["csv"]),
        (["artisanctl", "--output", "=", "json", "mi"], ["migrate"]),
        (["artisanctl", "--database", "=", "migrate", "mi"], ["migrate"]),
        (["artisanctl", "--json", "=", ""], []),
        (["artisanctl", "completion", ""], ["bash", "zsh", "fish"]),
        (["artisanctl", "completion", "f"], ["fish"]),
        (["artisanctl", "completion", "bash", "--he"], ["--help"]),
        (["artisanctl", "--ver"], ["--verbose", "--version"]),
    ] as [([String], [String])])
    func bash(_ words: [String], expected: [String]) throws {
        #expect(try bashComplete(words) == expected)
    }

    @Test func bashCompletesFilesForFileFlags() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        FileManager.default.createFile(atPath: directory.url.appendingPathComponent("settings.env").path, contents: Data())
        #expect(try bashComplete(["artisanctl", "--env-file", "set"], in: directory.url) == ["settings.env"])
        #expect(try bashComplete(["artisanctl", "migrate", "make", "--dir", ""], in: directory.url) == ["settings.env"])
    }

    @Test func bashRegistersTheFunction() throws {
        let result = try runProcess("/usr/bin/bash", ["--norc", "--noprofile", "-c", "source \"$1\" && complete -p artisanctl", "bash", Self.bashScript])
        #expect(result.status == 0)
        #expect(result.stdout == "complete -F _artisanctl artisanctl\n")
    }

    // MARK: - fish

    /// The candidates fish offers for the command line, without their descriptions.
    private func fishComplete(_ line: String) throws -> [String] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try runProcess(
            "/usr/bin/fish", ["--no-config", "-c", "source $argv[1]; or exit 3; complete -C $argv[2]", Self.fishScript, line],
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path, "XDG_CONFIG_HOME": directory.path, "XDG_DATA_HOME": directory.path]
        )
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "fish: \(result.stderr)")
        return result.stdout.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }
    }

    @Test func fishCompletesTheNoun() throws {
        let candidates = try fishComplete("artisanctl mig")
        #expect(candidates.first == "migrate")
        #expect(candidates == ["migrate"])
    }

    @Test("fish completes", arguments: [
        ("artisanctl migrate ro", ["rollback"]),
        ("artisanctl migrate ", ["latest", "make", "rollback", "status"]),
        ("artisanctl db ", ["backup", "down", "env", "restore", "status", "up"]),
        ("artisanctl migrate rollback --st", ["--steps"]),
        ("artisanctl --output ", ["csv", "json", "table"]),
        ("artisanctl --output=", ["--output=csv", "--output=json", "--output=table"]),
        ("artisanctl --database x mi", ["migrate"]),
        ("artisanctl -o json migrate st", ["status"]),
        ("artisanctl completion ", ["bash", "fish", "zsh"]),
        ("artisanctl completion bash ", []),
    ] as [(String, [String])])
    func fish(_ line: String, expected: [String]) throws {
        #expect(try fishComplete(line).sorted() == expected)
    }

    @Test func fishOffersDescriptions() throws {
        let result = try runProcess("/usr/bin/fish", ["--no-config", "-c", "source $argv[1]; complete -C 'artisanctl mig'", Self.fishScript])
        #expect(result.stdout == "migrate\tApply, revert and inspect the schema migrations\n")
    }

    // MARK: - zsh

    @Test func zshScriptParses() throws {
        let result = try runProcess("/usr/bin/zsh", ["-n", Self.zshScript])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "zsh: \(result.stderr)")
    }

    /// Runs `_artisanctl` with `words` and `CURRENT` set as the completion system sets them, and
    /// the completion system's functions replaced by ones that print what they are given.
    private func zshComplete(_ words: [String]) throws -> [String] {
        let script = """
            _describe() { local name=${@[-1]} entry; for entry in ${(P)name}; do print -r -- "${entry%%:*}"; done; }
            compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }
            compset() { :; }
            _files() { print -r -- '<files>'; }
            _message() { print -r -- "<message: $1>"; }
            source "$1" >/dev/null || exit 3
            shift
            words=("$@")
            CURRENT=$#
            _artisanctl
            """
        let result = try runProcess("/usr/bin/zsh", ["-f", "-c", script, "zsh", Self.zshScript] + words)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "zsh: \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test("zsh offers", arguments: [
        (["artisanctl", "mig"], ["artisan", "services", "hours", "breaks", "timeoff", "availability", "bookings", "customers", "catalog", "calendars", "sync", "payments", "webhooks", "serve", "openapi", "notify", "notifications", "data", "db", "migrate", "completion", "man", "help", "shell"]),
        (["artisanctl", "migrate", "ro"], ["latest", "rollback", "status", "make"]),
        (["artisanctl", "--database", "x", "migrate", ""], ["latest", "rollback", "status", "make"]),
        (["artisanctl", "--output", ""], ["table", "json", "csv"]),
        (["artisanctl", "--output=j"], ["table", "json", "csv"]),
        (["artisanctl", "--env-file", ""], ["<files>"]),
        (["artisanctl", "--database", ""], ["<message: value>"]),
        (["artisanctl", "completion", ""], ["bash", "zsh", "fish"]),
    ] as [([String], [String])])
    func zsh(_ words: [String], expected: [String]) throws {
        // The candidates zsh itself narrows to the typed prefix.
        #expect(try zshComplete(words) == expected)
    }

    @Test func zshOffersTheCommandsFlags() throws {
        let offered = try zshComplete(["artisanctl", "-d", "x", "migrate", "rollback", "--st"])
        #expect(offered.prefix(3) == ["--steps", "-n", "--all"])
        #expect(offered.contains("--database"))
        #expect(!offered.contains("--dir"))
    }
}
