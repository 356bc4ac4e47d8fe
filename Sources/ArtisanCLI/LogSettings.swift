import ArtisanCore
import Logging

/// The log's format and level, by precedence: the flags (`--log-format`; `--verbose` is debug,
/// `--quiet` errors only), then `LOG_FORMAT` and `LOG_LEVEL` (environment or `.env`), then the
/// defaults: text and warnings for a command, JSON and info for `serve` (one line per request).
struct LogSettings: Equatable, Sendable {
    enum Defaults: Sendable {
        case command, server
    }

    var format: GlobalOptions.LogFormat
    var level: Logger.Level

    static let levelNames: [(name: String, level: Logger.Level)] = [
        ("trace", .trace), ("debug", .debug), ("info", .info), ("notice", .notice), ("warn", .warning), ("warning", .warning),
        ("error", .error), ("critical", .critical),
    ]

    static func resolve(_ options: GlobalOptions, environment: [String: String], defaults: Defaults) throws -> LogSettings {
        LogSettings(format: try format(options, environment: environment, defaults: defaults),
                    level: try level(options, environment: environment, defaults: defaults))
    }

    static func format(_ options: GlobalOptions, environment: [String: String], defaults: Defaults) throws -> GlobalOptions.LogFormat {
        if let format = options.logFormat { return format }
        if let text = environment.setting("LOG_FORMAT") {
            let names = GlobalOptions.LogFormat.allCases.map(\.rawValue)
            guard let format = GlobalOptions.LogFormat(rawValue: text.lowercased()) else { throw refusal("LOG_FORMAT", text, names) }
            return format
        }
        return defaults == .server ? .json : .text
    }

    static func level(_ options: GlobalOptions, environment: [String: String], defaults: Defaults) throws -> Logger.Level {
        if options.verbose { return .debug }
        if options.quiet { return .error }
        if let text = environment.setting("LOG_LEVEL") {
            guard let level = levelNames.first(where: { $0.name == text.lowercased() })?.level else {
                throw refusal("LOG_LEVEL", text, levelNames.map(\.name))
            }
            return level
        }
        return defaults == .server ? .info : .warning
    }

    /// The format of an error met before the flags were read (a malformed command line), from
    /// the words as they are: `--log-format`, else LOG_FORMAT, else JSON for `serve` only.
    static func requestedFormat(_ arguments: [String], environment: [String: String]) -> GlobalOptions.LogFormat {
        let flags = arguments.prefix { $0 != "--" }
        for (index, argument) in flags.enumerated().reversed() {
            if argument.hasPrefix("--log-format=") { return argument.dropFirst("--log-format=".count) == "json" ? .json : .text }
            if argument == "--log-format" { return index + 1 < flags.count && flags[index + 1] == "json" ? .json : .text }
        }
        if let text = environment.setting("LOG_FORMAT") { return text.lowercased() == "json" ? .json : .text }
        return commandWord(arguments) == "serve" ? .json : .text
    }

    /// The first word that is not a global flag or its value: the command's name, if any.
    static func commandWord(_ arguments: [String]) -> String? {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { return index + 1 < arguments.count ? arguments[index + 1] : nil }
            if !argument.hasPrefix("-") || argument == "-" { return argument }
            let takesValue = GlobalOptions.flags.contains { flag in
                flag.takesValue && (argument == "--" + flag.long || flag.short.map { argument == "-" + String($0) } == true)
            }
            index += takesValue ? 2 : 1
        }
        return nil
    }

    private static func refusal(_ name: String, _ value: String, _ names: [String]) -> ArtisanError {
        ArtisanError.configuration("\(name): must be one of \(names.joined(separator: ", ")) (got '\(value)')",
                                   hint: Suggestion.closest(to: value.lowercased(), among: names).map { "did you mean '\($0)'?" })
    }
}
