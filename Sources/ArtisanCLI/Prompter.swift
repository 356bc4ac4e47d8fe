import ArtisanCore

/// Reads one line after a prompt; nil at the end of input. The terminal implementation is
/// `LineEditor` (libedit, with history and completion); tests give their own.
public protocol LineReading: AnyObject {
    func readLine(prompt: String) -> String?
}

/// A required value of a command: taken from its flag, or asked for on a terminal.
public struct PromptField: Sendable {
    public let flag: String
    public let label: String
    /// Throws the same error the command would give for a bad flag value; shown inline when prompting.
    public let validate: @Sendable (String) throws -> Void

    public init(flag: String, label: String, validate: @escaping @Sendable (String) throws -> Void = { _ in }) {
        self.flag = flag
        self.label = label
        self.validate = validate
    }
}

extension Context {
    /// True when a person is at the keyboard: stdin and stdout are both terminals.
    public var isInteractive: Bool { stdinIsTerminal && stdoutIsTerminal && lineReader != nil }

    /// The value of each required field: from its flag when given; otherwise, on a terminal, asked
    /// for with line editing and asked again (showing the error) until it is valid. Without a
    /// terminal nothing is asked: a usage error (64) names every missing flag at once.
    public func requiredValues(_ invocation: Invocation, _ fields: [PromptField]) throws -> [String: String] {
        var values: [String: String] = [:]
        for field in fields {
            if let value = invocation.value(field.flag) { values[field.flag] = value }
        }
        let missing = fields.filter { values[$0.flag] == nil }
        guard !missing.isEmpty else { return values }
        guard isInteractive, let lineReader else {
            throw ArtisanError.usage(
                "\(invocation.commandName) needs \(missing.map { "--\($0.flag)" }.joined(separator: ", "))",
                hint: "pass the missing flag\(missing.count == 1 ? "" : "s"), or run it in a terminal to be asked"
            )
        }
        for field in missing {
            while true {
                guard let answer = lineReader.readLine(prompt: "\(field.label): ") else {
                    throw ArtisanError(.usage, code: "CANCELLED", "cancelled: no \(field.label.lowercased()) given, nothing was changed")
                }
                let value = answer.trimmingSpaces
                do {
                    try field.validate(value)
                    values[field.flag] = value
                    break
                } catch {
                    stderr.line("  \(ErrorReporter.describe(error).message)")
                    stderr.flush()
                }
            }
        }
        return values
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }.reversed())
    }
}
