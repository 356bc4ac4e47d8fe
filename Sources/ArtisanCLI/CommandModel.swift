/// The declarative command tree: the single source of the parser, `--help`, the man page and the
/// completion scripts. A command is data; its behaviour is the `run` closure.
public struct Command: Sendable {
    public typealias Run = @Sendable (Invocation, Context) throws -> Void

    public let name: String
    /// One line, shown in lists of commands.
    public let abstract: String
    /// Paragraphs shown by `--help` and the man page.
    public let discussion: String
    public let arguments: [Argument]
    public let flags: [Flag]
    public let subcommands: [Command]
    /// Command lines shown under "Examples", without the leading `artisanctl`.
    public let examples: [String]
    public let run: Run?

    public init(
        _ name: String, abstract: String, discussion: String = "", arguments: [Argument] = [], flags: [Flag] = [],
        subcommands: [Command] = [], examples: [String] = [], run: Run? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.flags = flags
        self.subcommands = subcommands
        self.examples = examples
        self.run = run
    }

    public func subcommand(named name: String) -> Command? { subcommands.first { $0.name == name } }
}

public struct Flag: Sendable, Equatable {
    public enum Completion: Sendable, Equatable {
        case none
        case file
        case choices([String])
    }

    /// Without the dashes: `database` for `--database`.
    public let long: String
    public let short: Character?
    /// Nil for a switch; else the value's placeholder in help (`URL`, `N`).
    public let valueName: String?
    public let help: String
    /// The values accepted, when they are a fixed set.
    public let choices: [String]
    public let completion: Completion

    public init(_ long: String, short: Character? = nil, value valueName: String? = nil, choices: [String] = [], help: String, completion: Completion? = nil) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.help = help
        self.choices = choices
        self.completion = completion ?? (choices.isEmpty ? .none : .choices(choices))
    }

    public var takesValue: Bool { valueName != nil }

    /// `-o, --output FORMAT` as shown in help.
    public var synopsis: String {
        (short.map { "-\($0), " } ?? "") + "--\(long)" + (valueName.map { " \($0)" } ?? "")
    }
}

public struct Argument: Sendable, Equatable {
    public let name: String
    public let help: String
    public let isOptional: Bool
    public let isVariadic: Bool
    public let choices: [String]

    public init(_ name: String, help: String, optional: Bool = false, variadic: Bool = false, choices: [String] = []) {
        self.name = name
        self.help = help
        self.isOptional = optional
        self.isVariadic = variadic
        self.choices = choices
    }

    /// `NAME`, `[NAME]`, `NAME...` as shown in usage lines.
    public var synopsis: String {
        let base = name.uppercased() + (isVariadic ? "..." : "")
        return isOptional ? "[\(base)]" : base
    }
}

/// The whole tree: the root command and the flags every command accepts, before or after its name.
public struct CommandTree: Sendable {
    public let root: Command
    public let globalFlags: [Flag]
    public let version: String

    /// Every command with its path from the root (`["migrate", "status"]`), depth first.
    public var allCommands: [(path: [String], command: Command)] {
        func walk(_ command: Command, _ path: [String]) -> [(path: [String], command: Command)] {
            [(path, command)] + command.subcommands.flatMap { walk($0, path + [$0.name]) }
        }
        return walk(root, [])
    }

    /// An example as the full shell line shown in help and the man page: `migrate latest` becomes
    /// `artisanctl migrate latest`; a line that starts with neither a command nor a flag, such as
    /// `eval "$(artisanctl db env)"`, already names the program and is shown as written.
    public func commandLine(ofExample example: String) -> String {
        let first = String(example.prefix { $0 != " " })
        guard first.hasPrefix("-") || root.subcommand(named: first) != nil else { return example }
        return "\(root.name) \(example)"
    }

    public func usage(of path: [String], _ command: Command) -> String {
        var parts = [root.name] + path
        if !command.subcommands.isEmpty { parts.append("<command>") }
        parts += command.arguments.map(\.synopsis)
        parts.append("[flags]")
        return parts.joined(separator: " ")
    }
}
