/// One result row in PostgreSQL's text format, decoded by column name into typed values.
/// Decoding errors name the column and the type, never the value.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [String?]

    init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    public subscript(column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return values[index]
    }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = try decode(column, as: T?.self) else {
            throw DatabaseError(kind: .decoding, message: "column \(column) is NULL where a \(T.self) was expected", column: column)
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T?.Type) throws -> T? {
        guard let index = columns.firstIndex(of: column) else {
            throw DatabaseError(kind: .decoding, message: "no column \(column) in the result", column: column)
        }
        guard let text = values[index] else { return nil }
        guard let value = T.decode(postgresText: text) else {
            throw DatabaseError(kind: .decoding, message: "column \(column) does not hold a valid \(T.self)", column: column)
        }
        return value
    }
}
