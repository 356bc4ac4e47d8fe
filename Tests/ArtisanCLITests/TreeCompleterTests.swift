import Testing
@testable import ArtisanCLI

/// TAB completion in the shell, from the command tree.
@Suite("Tree completer")
struct TreeCompleterTests {
    let artisanctl = TreeCompleter(tree: Application.tree)
    let sample = TreeCompleter(tree: SampleTree.tree)

    @Test("artisanctl's nouns, verbs, flags and flag values", arguments: [
        ("mig", ["migrate"]),
        ("migrate ro", ["rollback"]),
        ("migrate ", ["latest", "rollback", "status", "make"]),
        ("migrate rollback --st", ["--steps"]),
        ("migrate rollback --al", ["--all"]),
        ("--output ", ["table", "json", "csv"]),
        ("--output j", ["json"]),
        ("-o ", ["table", "json", "csv"]),
        ("migrate status --output c", ["csv"]),
        ("migrate status -o", []),  // short flags are not offered: a dash alone shows the long ones
        ("--output=", ["--output=table", "--output=json", "--output=csv"]),
        ("--output=c", ["--output=csv"]),
        ("--log-format ", ["text", "json"]),
        ("completion ", ["bash", "zsh", "fish"]),
        ("completion z", ["zsh"]),
        ("completion zsh ", []),
        ("help mi", ["migrate"]),
        ("help migrate s", ["status"]),
        ("--json mig", ["migrate"]),
        ("-d postgres://x mig", ["migrate"]),
        ("--database=postgres://x mig", ["migrate"]),
        ("-qd postgres://x mig", ["migrate"]),
        ("--database ", []),
        ("--database mig", []),
        ("migrate \"ro", ["rollback"]),
        ("nosuch ", []),
        ("nosuch --out", []),
        ("migrate status # mig", []),
        ("migrate status extra --outp", ["--output"]),
    ])
    func completes(line: String, expected: [String]) {
        #expect(artisanctl.candidates(for: line) == expected)
    }

    @Test("an empty line offers every command, in the tree's order")
    func everything() {
        #expect(artisanctl.candidates(for: "") == Application.tree.root.subcommands.map(\.name))
        #expect(artisanctl.candidates(for: "   ") == Application.tree.root.subcommands.map(\.name))
    }

    @Test("a dash offers the command's flags, then the global ones")
    func flagsOfTheCommandFirst() {
        let candidates = artisanctl.candidates(for: "migrate rollback -")
        let global = Application.tree.globalFlags.map { "--\($0.long)" }
        #expect(candidates == ["--steps", "--all"] + global)
        #expect(artisanctl.candidates(for: "-") == global)
        #expect(artisanctl.candidates(for: "--ver") == ["--verbose", "--version"])
    }

    @Test("after --, words are arguments: no flags and no commands")
    func afterDoubleDash() {
        #expect(sample.candidates(for: "list -- ") == ["cats", "dogs"])
        #expect(sample.candidates(for: "list -- --") == [])
        #expect(sample.candidates(for: "-- gr") == [])
    }

    @Test("arguments with choices, value flags and groups of the sample tree", arguments: [
        ("gr", ["greet", "group"]),
        ("g", ["greet", "group"]),
        ("group ", ["leaf"]),
        ("group leaf ", []),
        ("greet --t", ["--times"]),
        ("greet -t ", []),
        ("greet -lt 3 --l", ["--loud"]),
        ("list ", ["cats", "dogs"]),
        ("list d", ["dogs"]),
        ("list cats ", []),
        ("copy a b ", []),
        ("-o json list c", ["cats"]),
        ("-ojson list c", ["cats"]),
    ])
    func sampleTree(line: String, expected: [String]) {
        #expect(sample.candidates(for: line) == expected)
    }

    @Test("a hidden command is not offered, but its help still is")
    func hidden() {
        let shown = TreeCompleter(tree: treeWithShell)
        let hiding = TreeCompleter(tree: treeWithShell, hiding: [["shell"]])
        #expect(shown.candidates(for: "sh") == ["shell"])
        #expect(hiding.candidates(for: "sh") == [])
        #expect(!hiding.candidates(for: "").contains("shell"))
        #expect(hiding.candidates(for: "help sh") == ["shell"])
        #expect(hiding.candidates(for: "mig") == ["migrate"])
    }
}
