import ArtisanCore

/// Turns arguments into an `Invocation` by walking the command tree: GNU-style flags
/// (`--flag value`, `--flag=value`, `-x`, bundled `-abc`, `-ovalue`), `--` ending flags, global
/// flags before or after the command, and "did you mean" for what it does not know.
public struct Parser {
    let tree: CommandTree

    public init(tree: CommandTree) { self.tree = tree }

    public enum Outcome: Sendable {
        case run(Invocation)
        /// `-h/--help` was given: show help for the command reached.
        case help(path: [String], Command)
        case version
    }

    public func parse(_ arguments: [String]) throws -> Outcome {
        var path: [String] = []
        var command = tree.root
        var flagValues: [String: [String]] = [:]
        var positionals: [String] = []
        var flagsEnded = false
        var index = 0

        func flags() -> [Flag] { command.flags + tree.globalFlags }

        func record(_ flag: Flag, _ value: String?) throws {
            if let value, !flag.choices.isEmpty, !flag.choices.contains(value) {
                throw ArtisanError.usage("--\(flag.long) must be one of \(flag.choices.joined(separator: ", ")), not '\(value)'",
                                         hint: Suggestion.closest(to: value, among: flag.choices).map { "did you mean '\($0)'?" })
            }
            flagValues[flag.long, default: []].append(value ?? "true")
        }

        func nextValue(for flag: Flag) throws -> String {
            index += 1
            guard index < arguments.count else {
                throw ArtisanError.usage("--\(flag.long) needs a value (\(flag.valueName ?? "VALUE"))")
            }
            return arguments[index]
        }

        while index < arguments.count {
            let argument = arguments[index]
            if flagsEnded || argument == "-" || !argument.hasPrefix("-") {
                if !flagsEnded, positionals.isEmpty, !command.subcommands.isEmpty {
                    guard let next = command.subcommand(named: argument) else {
                        throw unknownCommand(argument, path: path, command: command)
                    }
                    command = next
                    path.append(argument)
                } else {
                    positionals.append(argument)
                }
            } else if argument == "--" {
                flagsEnded = true
            } else if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
                guard let flag = flags().first(where: { $0.long == name }) else {
                    throw unknownFlag("--\(name)", candidates: flags().map { "--\($0.long)" }, path: path)
                }
                if flag.takesValue {
                    try record(flag, try inline ?? nextValue(for: flag))
                } else if inline != nil {
                    throw ArtisanError.usage("--\(name) takes no value")
                } else {
                    try record(flag, nil)
                }
            } else {
                var letters = Substring(argument.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    guard let flag = flags().first(where: { $0.short == letter }) else {
                        throw unknownShortFlag(letter, in: argument, candidates: flags(), path: path)
                    }
                    if flag.takesValue {
                        try record(flag, letters.isEmpty ? try nextValue(for: flag) : String(letters))
                        break
                    }
                    try record(flag, nil)
                }
            }
            index += 1
        }

        if flagValues["help"] != nil { return .help(path: path, command) }
        // "Print the version and exit", wherever it is given: never run a command instead.
        if flagValues["version"] != nil { return .version }
        guard command.run != nil else {
            if path.isEmpty {
                // Only words after `--` get here: a command name cannot follow it.
                if let word = positionals.first {
                    throw ArtisanError.usage("unexpected argument '\(word)': a command is needed before '--'",
                                             hint: "run '\(tree.root.name) help' for the commands")
                }
                return .help(path: path, command)
            }
            throw ArtisanError.usage(
                "\(path.joined(separator: " ")) needs a command: \(command.subcommands.map(\.name).joined(separator: ", "))",
                hint: "run '\(tree.root.name) help \(path.joined(separator: " "))' for more"
            )
        }
        let argumentValues = try bind(positionals, to: command, path: path)
        return .run(Invocation(path: path, command: command, flagValues: flagValues, argumentValues: argumentValues))
    }

    private func bind(_ positionals: [String], to command: Command, path: [String]) throws -> [String: [String]] {
        var values: [String: [String]] = [:]
        var remaining = positionals[...]
        for argument in command.arguments {
            if argument.isVariadic {
                values[argument.name] = Array(remaining)
                remaining = []
            } else if let value = remaining.popFirst() {
                values[argument.name] = [value]
            }
            if values[argument.name, default: []].isEmpty, !argument.isOptional {
                throw ArtisanError.usage(
                    "\(path.joined(separator: " ")) needs the argument \(argument.name.uppercased()) (\(argument.help.lowercasedFirst))",
                    hint: "usage: \(tree.usage(of: path, command))"
                )
            }
            if let value = values[argument.name]?.first(where: { !argument.choices.isEmpty && !argument.choices.contains($0) }) {
                throw ArtisanError.usage(
                    "\(argument.name.uppercased()) must be one of \(argument.choices.joined(separator: ", ")), not '\(value)'")
            }
        }
        if let extra = remaining.first {
            throw ArtisanError.usage("unexpected argument '\(extra)' for \(([tree.root.name] + path).joined(separator: " "))",
                                     hint: "usage: \(tree.usage(of: path, command))")
        }
        return values
    }

    private func unknownCommand(_ word: String, path: [String], command: Command) -> ArtisanError {
        let names = command.subcommands.map(\.name)
        let where_ = path.isEmpty ? "" : " for \(path.joined(separator: " "))"
        if let guess = Suggestion.closest(to: word, among: names) {
            return ArtisanError.usage("unknown command '\(word)'\(where_)", hint: "did you mean '\(guess)'?")
        }
        return ArtisanError.usage("unknown command '\(word)'\(where_)", hint: "commands: \(names.joined(separator: ", "))")
    }

    /// `-z`, or a letter of a bundle such as `-qz`. A single-dash long name (`-verbose`) is read as
    /// a bundle, so the hint points at the long flag it resembles.
    private func unknownShortFlag(_ letter: Character, in argument: String, candidates: [Flag], path: [String]) -> ArtisanError {
        let where_ = path.isEmpty ? "" : " for \(path.joined(separator: " "))"
        let hint: String
        if argument.count > 2, let guess = Suggestion.closest(to: "-" + argument, among: candidates.map { "--\($0.long)" }) {
            hint = "did you mean '\(guess)'?"
        } else {
            hint = "run '\(([tree.root.name, "help"] + path).joined(separator: " "))' for the flags"
        }
        let bundle = argument.count > 2 ? " in '\(argument)'" : ""
        return ArtisanError.usage("unknown flag '-\(letter)'\(bundle)\(where_)", hint: hint)
    }

    private func unknownFlag(_ flag: String, candidates: [String], path: [String]) -> ArtisanError {
        let where_ = path.isEmpty ? "" : " for \(path.joined(separator: " "))"
        let hint = Suggestion.closest(to: flag, among: candidates).map { "did you mean '\($0)'?" }
            ?? "run '\(([tree.root.name, "help"] + path).joined(separator: " "))' for the flags"
        return ArtisanError.usage("unknown flag '\(flag)'\(where_)", hint: hint)
    }
}

extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
