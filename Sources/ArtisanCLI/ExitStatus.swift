import ArtisanCore

/// The exit statuses of artisanctl (sysexits), documented in `--help`, the man page and the README.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    case unexpected = 1
    case usage = 64
    case invalidData = 65
    case notFound = 66
    case unavailable = 69
    case temporary = 75
    case permission = 77
    case configuration = 78

    public var meaning: String {
        switch self {
        case .success: "Success."
        case .unexpected: "An unexpected error (a bug, or a failure with no better status)."
        case .usage: "The command line is wrong: unknown command or flag, missing argument, no confirmation."
        case .invalidData: "Invalid data or a business rule refused it (validation, slot unavailable, illegal status change)."
        case .notFound: "A referenced record does not exist."
        case .unavailable: "A service is unavailable: the database or a provider cannot be reached."
        case .temporary: "A temporary failure: a lock is held, or a provider is rate limiting; try again later."
        case .permission: "Permission denied: bad credentials or a missing encryption key."
        case .configuration: "The configuration is wrong or incomplete."
        }
    }

    public init(_ kind: ArtisanError.Kind) {
        switch kind {
        case .usage: self = .usage
        case .invalid: self = .invalidData
        case .notFound: self = .notFound
        case .unavailable: self = .unavailable
        case .temporary: self = .temporary
        case .permission: self = .permission
        case .configuration: self = .configuration
        case .unexpected: self = .unexpected
        }
    }
}
