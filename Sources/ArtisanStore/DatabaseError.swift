/// A failure reported by libpq or PostgreSQL. The description carries the server's primary
/// message and SQLSTATE, never the query's parameters or the row's values, so it is safe to log.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case connectionFailed
        case uniqueViolation
        case exclusionViolation
        case checkViolation
        case foreignKeyViolation
        case notNullViolation
        case serializationFailure
        case deadlockDetected
        case lockNotAvailable
        case undefinedTable
        /// A column could not be decoded as the type asked for.
        case decoding
        case other
    }

    public let kind: Kind
    public let message: String
    public let sqlState: String?
    public let constraint: String?
    public let table: String?
    public let column: String?

    public init(kind: Kind, message: String, sqlState: String? = nil, constraint: String? = nil, table: String? = nil, column: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// Maps a SQLSTATE to a kind (PostgreSQL Appendix A).
    public static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": .uniqueViolation
        case "23P01": .exclusionViolation
        case "23514": .checkViolation
        case "23503": .foreignKeyViolation
        case "23502": .notNullViolation
        case "40001": .serializationFailure
        case "40P01": .deadlockDetected
        case "55P03": .lockNotAvailable
        case "42P01": .undefinedTable
        case _ where state.hasPrefix("08"), "57P01", "57P02", "57P03": .connectionFailed
        default: .other
        }
    }

    /// True when retrying the whole transaction may succeed.
    public var isTransient: Bool { kind == .serializationFailure || kind == .deadlockDetected }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState)" + (constraint.map { ", constraint \($0)" } ?? "") + ")" }
        return text
    }
}
