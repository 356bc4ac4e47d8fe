import ArtisanCore
import ArtisanStore
import Logging

/// The one place where an error becomes a message on stderr and an exit status.
struct ErrorReporter {
    /// Turns any error into the user-facing form.
    static func describe(_ error: any Error) -> ArtisanError {
        switch error {
        case let error as ArtisanError:
            return error
        case let error as DatabaseError:
            return describe(error)
        case let error as ArtisanSystemError:
            return ArtisanError(.unexpected, code: "SYSTEM_ERROR", error.description)
        default:
            return ArtisanError(.unexpected, code: "INTERNAL_ERROR", "\(error)")
        }
    }

    private static func describe(_ error: DatabaseError) -> ArtisanError {
        switch error.kind {
        case .connectionFailed:
            return ArtisanError(.unavailable, code: "DATABASE_UNAVAILABLE", error.message,
                                hint: "check --database, DATABASE_URL or PG* variables, or start the embedded cluster with 'artisanctl db up'")
        case .uniqueViolation, .exclusionViolation, .checkViolation, .foreignKeyViolation, .notNullViolation:
            return ArtisanError(.invalid, code: "CONSTRAINT_VIOLATION", error.description)
        case .serializationFailure, .deadlockDetected, .lockNotAvailable:
            return ArtisanError(.temporary, code: "TEMPORARY_FAILURE", error.description, hint: "try again")
        case .undefinedTable:
            return ArtisanError(.configuration, code: "SCHEMA_MISSING", error.description,
                                hint: "apply the migrations with 'artisanctl migrate latest'")
        case .decoding, .other:
            return ArtisanError(.unexpected, code: "DATABASE_ERROR", error.description)
        }
    }

    /// `json` (`--json`) prints `{"error":{…}}`; otherwise `log`, when given (`--log-format json`),
    /// writes the error as a log record (message, code, hint, exit status), redacted like the rest.
    static func report(_ error: any Error, to sink: any TextSink, json: Bool, log: LogWriter? = nil) -> ExitStatus {
        // Whatever had to be said was said already: only the status is left to give.
        if let request = error as? ExitRequest { return request.status }
        let described = describe(error)
        let message = printable(described.message), hint = described.hint.map(printable)
        if !json, let log {
            var fields: Logger.Metadata = ["code": .string(described.code),
                                           "exitStatus": .stringConvertible(ExitStatus(described.kind).rawValue)]
            if let hint { fields["hint"] = .string(hint) }
            log.write(.error, message, fields: fields)
        } else if json {
            var fields = [("code", described.code), ("message", message)]
            if let hint { fields.append(("hint", hint)) }
            let body = fields.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",")
            sink.line("{\"error\":{\(body)}}")
        } else {
            sink.line("artisanctl: error: \(message)")
            if let hint { sink.line("hint: \(hint)") }
        }
        return ExitStatus(described.kind)
    }

    /// A message that quotes a value typed or read stays one inert line: control characters (a
    /// line break, a terminal escape) are shown escaped, and a message past 1,000 characters
    /// keeps its start and end around an ellipsis.
    static func printable(_ text: String) -> String {
        let line = LogLine.escapingControls(text)
        guard line.count > 1_000 else { return line }
        return line.prefix(800) + " … " + line.suffix(100)
    }
}

/// Ends a command with `status` and nothing printed: thrown by a command that has reported its
/// failures itself, such as `shell` fed from stdin, whose status is that of its last failing line.
public struct ExitRequest: Error, Equatable, Sendable {
    public let status: ExitStatus

    public init(status: ExitStatus) { self.status = status }
}
