/// A failure the user can act on: a stable code (the spec's section 4.3 style), a one-line message
/// naming what was wrong, an optional hint, and the kind of failure, which decides the exit status.
public struct ArtisanError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The command line itself is wrong (unknown flag, missing argument).
        case usage
        /// The data is invalid or a business rule refuses it.
        case invalid
        /// A referenced thing does not exist.
        case notFound
        /// A service (database, provider) cannot be reached.
        case unavailable
        /// Try again later (lock held, rate limited).
        case temporary
        /// Bad credentials, missing key.
        case permission
        /// The set-up is wrong (missing setting, bad configuration file).
        case configuration
        /// A bug or an unforeseen state.
        case unexpected
    }

    public let kind: Kind
    public let code: String
    public let message: String
    public let hint: String?

    public init(_ kind: Kind, code: String, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { message }

    public static func usage(_ message: String, hint: String? = nil) -> ArtisanError {
        ArtisanError(.usage, code: "USAGE_ERROR", message, hint: hint)
    }

    /// A value that breaks a rule: the message names the field and the rule.
    public static func invalid(field: String, _ rule: String, hint: String? = nil) -> ArtisanError {
        ArtisanError(.invalid, code: "VALIDATION_ERROR", "\(field): \(rule)", hint: hint)
    }

    public static func notFound(code: String = "NOT_FOUND", _ message: String, hint: String? = nil) -> ArtisanError {
        ArtisanError(.notFound, code: code, message, hint: hint)
    }

    /// Any error as a one-line message for a report or a note.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ArtisanError: error.message
        case let error as any CustomStringConvertible: error.description
        default: "an unexpected error"
        }
    }

    public static func configuration(_ message: String, hint: String? = nil) -> ArtisanError {
        ArtisanError(.configuration, code: "CONFIGURATION_ERROR", message, hint: hint)
    }
}
