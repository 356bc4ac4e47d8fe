/// A SQL statement whose interpolated values become `$n` bind parameters:
/// `"SELECT * FROM services WHERE id = \(id)"` sends `$1` and the id apart, so a value can
/// never change the statement. Raw SQL must be asked for by name: `\(unsafeSQL: "…")`.
public struct SQLQuery: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var parameters: [String?]

    public init(stringLiteral value: String) {
        sql = value
        parameters = []
    }

    public init(stringInterpolation: Interpolation) {
        sql = stringInterpolation.sql
        parameters = stringInterpolation.parameters
    }

    /// Statement text only: parameters never reach logs.
    public var description: String { sql }

    public struct Interpolation: StringInterpolationProtocol {
        var sql = ""
        var parameters: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parameters.append(value.postgresText)
            sql += "$\(parameters.count)"
        }

        /// An optional value: NULL when nil.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parameters.append(value?.postgresText ?? nil)
            sql += "$\(parameters.count)"
        }

        /// Trusted SQL text, such as an identifier from the code itself. Never user input.
        public mutating func appendInterpolation(unsafeSQL text: String) { sql += text }

        /// A filter on an optional value: trusted SQL `condition` with each `{}` standing for the
        /// value (so it may hold no other `{}`), or `TRUE` when the value is nil or NULL. Each case is
        /// a statement of its own: `$1 IS NULL OR column >= $1` keeps a generic plan from the index.
        public mutating func appendInterpolation<Value: PostgresEncodable>(when value: Value?, _ condition: String) {
            guard let text = value?.postgresText else { return sql += "TRUE" }
            parameters.append(text)
            sql += condition.replacing("{}", with: "$\(parameters.count)")
        }
    }
}
