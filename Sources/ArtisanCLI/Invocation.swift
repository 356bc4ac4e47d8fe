import ArtisanCore

/// A parsed command line: the command it names and the values given to its flags and arguments.
public struct Invocation: Sendable {
    public let path: [String]
    public let command: Command
    let flagValues: [String: [String]]
    let argumentValues: [String: [String]]

    /// True when the switch was given.
    public func isSet(_ long: String) -> Bool { flagValues[long] != nil }

    /// The flag's value (the last one when given several times).
    public func value(_ long: String) -> String? { flagValues[long]?.last }

    public func values(_ long: String) -> [String] { flagValues[long] ?? [] }

    /// An integer flag, refused with a usage error when it is not a whole number in `range`.
    public func integer(_ long: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(long) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ArtisanError.usage("--\(long) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }

    public func argument(_ name: String) -> String? { argumentValues[name]?.first }

    public func arguments(_ name: String) -> [String] { argumentValues[name] ?? [] }

    /// The personal data typed on the command line (names, e-mails, phones, a customer searched
    /// for, a calendar account): the redactor masks them in every log line of the run.
    var personalValues: [String] {
        ["name", "email", "phone", "customer", "username"].flatMap(values) + arguments("email")
    }

    /// The full command name, e.g. `migrate status`.
    public var commandName: String { path.joined(separator: " ") }
}
