/// Completion from the command tree, for the shell's TAB: given the line up to the cursor, the
/// words that can replace the word being typed. It walks the words already typed the way `Parser`
/// does (global flags anywhere, a value flag consumes the next word, `--` ends flags) and offers:
/// the subcommands of the command reached; its flags and the global flags when the word starts with
/// `-`; the choices of a value flag after it (`--output j`) or after `=` (`--output=j`); the
/// choices of the next argument; and command names after `help`.
public struct TreeCompleter: Sendable {
    let tree: CommandTree
    /// Commands not offered (as paths from the root), e.g. `shell` inside the shell.
    let hidden: [[String]]

    public init(tree: CommandTree, hiding hidden: [[String]] = []) {
        self.tree = tree
        self.hidden = hidden
    }

    /// The candidates for the word at the end of `line` (the text before the cursor), in the
    /// tree's order, without duplicates. Each is a whole word: it replaces what is typed of it.
    public func candidates(for line: String) -> [String] {
        guard let (words, current) = CommandLineSplitter.splitPrefix(line) else { return [] }
        var path: [String] = []
        var command = tree.root
        var positionals: [String] = []
        var pendingValue: Flag?
        var flagsEnded = false
        var lost = false  // an unknown command or flag: nothing sensible to offer after it

        func flags() -> [Flag] { command.flags + tree.globalFlags }

        for word in words {
            if pendingValue != nil {
                pendingValue = nil
            } else if flagsEnded || word == "-" || !word.hasPrefix("-") {
                if !flagsEnded, positionals.isEmpty, !command.subcommands.isEmpty {
                    guard let next = command.subcommand(named: word) else {
                        lost = true
                        break
                    }
                    command = next
                    path.append(word)
                } else {
                    positionals.append(word)
                }
            } else if word == "--" {
                flagsEnded = true
            } else if word.hasPrefix("--") {
                let name = String(word.dropFirst(2).prefix { $0 != "=" })
                if let flag = flags().first(where: { $0.long == name }), flag.takesValue, !word.contains("=") {
                    pendingValue = flag
                }
            } else {
                // A bundle of short flags: a value flag takes the rest of the word, or the next word.
                var letters = word.dropFirst()
                while let letter = letters.popFirst() {
                    guard let flag = flags().first(where: { $0.short == letter }) else { break }
                    if flag.takesValue {
                        if letters.isEmpty { pendingValue = flag }
                        break
                    }
                }
            }
        }
        if lost { return [] }

        var offered: [String]
        if let flag = pendingValue {
            offered = Self.values(of: flag)
        } else if !flagsEnded, current.hasPrefix("--"), let equals = current.firstIndex(of: "=") {
            let name = String(current[current.index(current.startIndex, offsetBy: 2)..<equals])
            let flag = flags().first { $0.long == name && $0.takesValue }
            offered = flag.map { flag in Self.values(of: flag).map { "--\(name)=\($0)" } } ?? []
        } else if !flagsEnded, current.hasPrefix("-") {
            offered = flags().map { "--\($0.long)" }
        } else if !flagsEnded, positionals.isEmpty, !command.subcommands.isEmpty {
            offered = visibleSubcommands(of: command, at: path).map(\.name)
        } else if path == ["help"] {
            offered = commandNames(after: positionals)
        } else {
            offered = argumentChoices(of: command, given: positionals.count)
        }

        var seen = Set<String>()
        return offered.filter { $0.hasPrefix(current) && seen.insert($0).inserted }
    }

    private static func values(of flag: Flag) -> [String] {
        if case .choices(let choices) = flag.completion { return choices }
        return flag.choices
    }

    private func visibleSubcommands(of command: Command, at path: [String]) -> [Command] {
        command.subcommands.filter { !hidden.contains(path + [$0.name]) }
    }

    /// `help migrate <TAB>`: the subcommands of the command named so far (hidden ones too: their
    /// help is still worth reading).
    private func commandNames(after words: [String]) -> [String] {
        var command = tree.root
        var path: [String] = []
        for word in words {
            guard let next = command.subcommand(named: word) else { return [] }
            command = next
            path.append(word)
        }
        return command.subcommands.map(\.name)
    }

    /// The choices of the argument the next positional word fills (a variadic one fills the rest).
    private func argumentChoices(of command: Command, given count: Int) -> [String] {
        guard let last = command.arguments.last else { return [] }
        let argument = count < command.arguments.count ? command.arguments[count] : (last.isVariadic ? last : nil)
        return argument?.choices ?? []
    }
}
