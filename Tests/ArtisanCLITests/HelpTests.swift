import Testing
@testable import ArtisanCLI

@Suite("Help")
struct HelpTests {
    let tree = Application.tree

    private func render(_ path: [String]) throws -> String {
        var command = tree.root
        for word in path { command = try #require(command.subcommand(named: word)) }
        return HelpRenderer(tree: tree).render(path: path, command)
    }

    /// The lines of one section, from its title to the next blank line.
    private func section(_ title: String, of text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: title) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }

    @Test func rootListsEveryCommandFlagAndExitStatus() throws {
        let text = try render([])
        let commands = section("Commands:", of: text)
        #expect(commands.count == tree.root.subcommands.count)
        for command in tree.root.subcommands {
            #expect(commands.contains { $0.hasPrefix("  \(command.name) ") && $0.hasSuffix(command.abstract) }, "\(command.name)")
        }
        let flags = section("Global flags:", of: text)
        #expect(flags.count == tree.globalFlags.count)
        for flag in tree.globalFlags {
            #expect(flags.contains { $0.hasPrefix("  \(flag.synopsis) ") && $0.hasSuffix(flag.help) }, "\(flag.long)")
        }
        let statuses = section("Exit status:", of: text)
        #expect(statuses.count == ExitStatus.allCases.count)
        for status in ExitStatus.allCases {
            #expect(statuses.contains { $0.hasPrefix("  \(status.rawValue) ") && $0.hasSuffix(status.meaning) })
        }
        #expect(text.hasSuffix("Run 'artisanctl help <command>' for more about a command.\n"))
    }

    @Test func rootShowsItsExamplesAsFullCommandLines() throws {
        #expect(section("Examples:", of: try render([])) == [
            "  artisanctl db up",
            "  artisanctl migrate latest",
            "  artisanctl artisan init --name 'Léa Martin' --email lea@example.com",
            "  artisanctl services create --name 'Coupe' --duration 60 --price 45 --deposit-rate 30%",
            "  artisanctl hours set mon-fri 09:00-18:00",
            "  artisanctl breaks add mon-fri 12:30-13:30",
            "  artisanctl migrate status --output json",
        ])
    }

    @Test func exampleThatAlreadyNamesTheProgramIsShownAsWritten() throws {
        let examples = section("Examples:", of: try render(["db", "env"]))
        #expect(examples == ["  eval \"$(artisanctl db env)\""])
        #expect(tree.commandLine(ofExample: "migrate latest") == "artisanctl migrate latest")
        #expect(tree.commandLine(ofExample: "--version") == "artisanctl --version")
        #expect(tree.commandLine(ofExample: "db up && eval \"$(artisanctl db env)\"") == "artisanctl db up && eval \"$(artisanctl db env)\"")
    }

    @Test func leafShowsItsFlagsButNoCommandsOrExitStatus() throws {
        let text = try render(["migrate", "rollback"])
        #expect(text.hasPrefix("Revert the last migration, the last N, or all of them\n\nReverting drops tables"))
        #expect(section("Usage:", of: text) == ["  artisanctl migrate rollback [flags]"])
        #expect(section("Flags:", of: text) == [
            "  -n, --steps N  Revert the last N migrations (default 1)",
            "  --all          Revert every applied migration, leaving no table of artisanctl's",
        ])
        #expect(section("Examples:", of: text) == [
            "  artisanctl migrate rollback --yes",
            "  artisanctl migrate rollback --all --yes",
        ])
        #expect(section("Global flags:", of: text).count == tree.globalFlags.count)
        #expect(!text.contains("Commands:"))
        #expect(!text.contains("Exit status:"))
        #expect(!text.contains("for more about a command"))
    }

    @Test func argumentsAreListed() throws {
        let text = try render(["migrate", "make"])
        #expect(section("Usage:", of: text) == ["  artisanctl migrate make NAME [flags]"])
        #expect(section("Arguments:", of: text) == ["  NAME  Snake-case description, e.g. add_time_off"])
        #expect(section("Flags:", of: text) == ["  --dir DIR  Migrations directory (default ./Sources/ArtisanStore/Migrations)"])
    }

    @Test func groupListsItsVerbsAndPointsAtHelp() throws {
        let text = try render(["db"])
        #expect(section("Usage:", of: text) == ["  artisanctl db <command> [flags]"])
        #expect(section("Commands:", of: text).map { String($0.dropFirst(2).prefix { $0 != " " }) } == ["up", "down", "status", "env", "backup", "restore"])
        #expect(text.hasSuffix("Run 'artisanctl help db <command>' for more about a command.\n"))
    }

    @Test func columnsAreAligned() throws {
        let flags = section("Global flags:", of: try render([]))
        let widest = tree.globalFlags.map(\.synopsis.count).max()!
        for (line, flag) in zip(flags, tree.globalFlags) {
            let helpColumn = try #require(line.range(of: flag.help)).lowerBound
            #expect(line.distance(from: line.startIndex, to: helpColumn) == 2 + widest + 2, "\(line)")
        }
    }

    @Test func aVeryLongFlagGetsItsOwnLine() {
        let long = Flag("a-very-long-flag-name-indeed", value: "SOMETHING", help: "Long one")
        let short = Flag("x", help: "Short one")
        let tree = CommandTree(root: Command("tool", abstract: "Tool", flags: [long, short], run: { _, _ in }), globalFlags: [], version: "1")
        let text = HelpRenderer(tree: tree).render(path: [], tree.root)
        let pad = String(repeating: " ", count: 2 + 28 + 2)
        #expect(text.contains("\n  --a-very-long-flag-name-indeed SOMETHING\n\(pad)Long one\n"))
        #expect(text.contains("\n  --x" + String(repeating: " ", count: 28 - 3) + "  Short one\n"))
    }

    @Test("usage lines", arguments: [
        ([], "artisanctl <command> [flags]"),
        (["migrate"], "artisanctl migrate <command> [flags]"),
        (["migrate", "make"], "artisanctl migrate make NAME [flags]"),
        (["completion"], "artisanctl completion SHELL [flags]"),
        (["help"], "artisanctl help [COMMAND...] [flags]"),
    ] as [([String], String)])
    func usage(_ path: [String], expected: String) throws {
        var command = tree.root
        for word in path { command = try #require(command.subcommand(named: word)) }
        #expect(tree.usage(of: path, command) == expected)
    }
}

/// The tree is the single source of parsing, help, man page and completions: it must be sound.
@Suite("Command tree")
struct CommandTreeTests {
    let tree = Application.tree

    @Test func everyCommandRunsOrHasVerbs() {
        for (path, command) in tree.allCommands {
            #expect((command.run == nil) == !command.subcommands.isEmpty, "\(path)")
            #expect(!command.abstract.isEmpty, "\(path)")
            #expect(command.subcommands.isEmpty || command.arguments.isEmpty, "\(path): a group cannot take arguments")
        }
    }

    @Test func allCommandsWalksDepthFirst() throws {
        let paths = tree.allCommands.map { $0.path.joined(separator: " ") }
        #expect(paths.first == "")
        // Each group is followed at once by its own commands, depth first.
        #expect(paths.filter { $0.hasPrefix("db") || $0.hasPrefix("migrate") } == [
            "db", "db up", "db down", "db status", "db env", "db backup", "db restore",
            "migrate", "migrate latest", "migrate rollback", "migrate status", "migrate make",
        ])
        let db = try #require(paths.firstIndex(of: "db"))
        #expect(Array(paths[db..<db + 7]) == ["db", "db up", "db down", "db status", "db env", "db backup", "db restore"])
        #expect(Array(paths.suffix(4)) == ["completion", "man", "help", "shell"])
    }

    @Test func siblingsHaveDistinctNames() {
        for (path, command) in tree.allCommands {
            let names = command.subcommands.map(\.name)
            #expect(Set(names).count == names.count, "\(path)")
            #expect(names.allSatisfy { !$0.hasPrefix("-") && !$0.contains(" ") }, "\(path)")
        }
    }

    @Test func flagsDoNotCollide() {
        for (path, command) in tree.allCommands {
            let flags = command.flags + tree.globalFlags
            let longs = flags.map(\.long)
            let shorts = flags.compactMap(\.short)
            #expect(Set(longs).count == longs.count, "\(path): \(longs)")
            #expect(Set(shorts).count == shorts.count, "\(path): \(shorts)")
        }
    }

    @Test func flagsAreWellFormed() {
        for flag in tree.allCommands.flatMap(\.command.flags) + tree.globalFlags {
            #expect(flag.choices.isEmpty || flag.takesValue, "--\(flag.long) has choices but takes no value")
            #expect(!flag.long.hasPrefix("-") && !flag.long.contains("=") && flag.long.count > 1, "--\(flag.long)")
            #expect(!flag.help.isEmpty, "--\(flag.long)")
            if flag.completion != .none { #expect(flag.takesValue, "--\(flag.long) completes a value it does not take") }
        }
    }

    @Test func argumentsAreOrdered() {
        for (path, command) in tree.allCommands {
            let arguments = command.arguments
            #expect(arguments.dropLast().allSatisfy { !$0.isVariadic }, "\(path): only the last argument may be variadic")
            if let firstOptional = arguments.firstIndex(where: \.isOptional) {
                #expect(arguments[firstOptional...].allSatisfy { $0.isOptional }, "\(path): a required argument after an optional one")
            }
        }
    }

    @Test func examplesNameRealCommands() throws {
        for (path, command) in tree.allCommands {
            for example in command.examples {
                let line = tree.commandLine(ofExample: example)
                // Either the example starts with a command that parses, or it is a shell line naming artisanctl.
                if line != example {
                    let words = example.split(separator: " ").prefix { !$0.hasPrefix("-") && $0 != "|" && $0 != ">" && $0 != "&&" }
                    var reached = tree.root
                    for word in words {
                        guard let next = reached.subcommand(named: String(word)) else { break }
                        reached = next
                    }
                    #expect(reached.run != nil, "\(path): example '\(example)' does not reach a command")
                } else {
                    #expect(example.contains("artisanctl "), "\(path): example '\(example)'")
                }
            }
        }
    }

    @Test func flagSynopsis() {
        #expect(Flag("output", short: "o", value: "FORMAT", help: "x").synopsis == "-o, --output FORMAT")
        #expect(Flag("json", help: "x").synopsis == "--json")
        #expect(Flag("json", help: "x").completion == .none)
        #expect(Flag("o", value: "F", choices: ["a"], help: "x").completion == .choices(["a"]))
    }

    @Test func argumentSynopsis() {
        #expect(Argument("name", help: "x").synopsis == "NAME")
        #expect(Argument("name", help: "x", optional: true).synopsis == "[NAME]")
        #expect(Argument("files", help: "x", variadic: true).synopsis == "FILES...")
        #expect(Argument("files", help: "x", optional: true, variadic: true).synopsis == "[FILES...]")
    }
}
