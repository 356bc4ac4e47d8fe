/// One result row in PostgreSQL's text format, decoded by column name into typed values.
/// Decoding errors name the column and the type, never the value.
public struct Row: Sendable {
    let index: ColumnIndex
    public let values: [String?]

    init(index: ColumnIndex, values: [String?]) {
        self.index = index
        self.values = values
    }

    public var columns: [String] { index.names }

    public subscript(column: String) -> String? {
        guard let position = index.position(of: column) else { return nil }
        return values[position]
    }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = try decode(column, as: T?.self) else {
            throw DatabaseError(kind: .decoding, message: "column \(column) is NULL where a \(T.self) was expected", column: column)
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T?.Type) throws -> T? {
        guard let position = index.position(of: column) else {
            throw DatabaseError(kind: .decoding, message: "no column \(column) in the result", column: column)
        }
        guard let text = values[position] else { return nil }
        guard let value = T.decode(postgresText: text) else {
            throw DatabaseError(kind: .decoding, message: "column \(column) does not hold a valid \(T.self)", column: column)
        }
        return value
    }
}

/// The column names of a result and their positions, built once and shared by all its rows.
/// A few names are searched in order: comparing short strings costs less than hashing one.
final class ColumnIndex: Sendable {
    static let searchedInOrder = 16

    let names: [String]
    /// For a wide result only.
    private let positions: [String: Int]?

    init(_ names: [String]) {
        self.names = names
        positions = names.count > Self.searchedInOrder
            ? Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }) : nil
    }

    /// The first column of that name.
    func position(of column: String) -> Int? {
        if let positions { return positions[column] }
        return names.firstIndex(of: column)
    }
}
