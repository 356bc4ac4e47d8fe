import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Swift value sent as a query parameter, in PostgreSQL's text format (nil is SQL NULL).
public protocol PostgresEncodable: Sendable {
    var postgresText: String? { get }
}

/// A Swift value read from a column in PostgreSQL's text format; nil when the text is not one.
public protocol PostgresDecodable {
    static func decode(postgresText: String) -> Self?
}

public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

extension String: PostgresCodable {
    public var postgresText: String? { self }
    public static func decode(postgresText: String) -> String? { postgresText }
}

extension Int: PostgresCodable {
    public var postgresText: String? { String(self) }
    public static func decode(postgresText: String) -> Int? { Int(postgresText) }
}

extension Int32: PostgresCodable {
    public var postgresText: String? { String(self) }
    public static func decode(postgresText: String) -> Int32? { Int32(postgresText) }
}

extension Int64: PostgresCodable {
    public var postgresText: String? { String(self) }
    public static func decode(postgresText: String) -> Int64? { Int64(postgresText) }
}

extension Bool: PostgresCodable {
    public var postgresText: String? { self ? "t" : "f" }
    public static func decode(postgresText: String) -> Bool? {
        switch postgresText {
        case "t": true
        case "f": false
        default: nil
        }
    }
}

extension UUID: PostgresCodable {
    public var postgresText: String? { lowercasedText }
    public static func decode(postgresText: String) -> UUID? { UUID(text: postgresText) }
}

/// PostgreSQL `date`.
extension LocalDate: PostgresCodable {
    public var postgresText: String? { description }
    public static func decode(postgresText: String) -> LocalDate? { LocalDate(postgresText) }
}

/// PostgreSQL `timestamptz`, exact to the microsecond.
extension Timestamp: PostgresCodable {
    public var postgresText: String? { iso8601() }
    public static func decode(postgresText: String) -> Timestamp? { Timestamp(iso8601: postgresText) }
}

/// PostgreSQL `numeric`, kept as its exact decimal text; no floating point on the way.
public struct PostgresNumeric: PostgresCodable, Hashable {
    public let text: String

    public init?(_ text: String) {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }) else { return nil }
        self.text = text
    }

    /// The value times 10^scale as an integer, when that is exact (`0.30` at scale 2 is 30).
    public func scaled(by scale: Int) -> Int? {
        let negative = text.hasPrefix("-")
        let parts = (negative ? text.dropFirst() : Substring(text)).split(separator: ".", omittingEmptySubsequences: false)
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        while fraction.count > scale, fraction.hasSuffix("0") { fraction.removeLast() }
        guard fraction.count <= scale, let whole = Int(parts[0]) else { return nil }
        let fractionValue = Int(fraction + String(repeating: "0", count: scale - fraction.count)) ?? 0
        var power = 1
        for _ in 0..<scale { power *= 10 }
        let magnitude = whole * power + fractionValue
        return negative ? -magnitude : magnitude
    }

    public var postgresText: String? { text }
    public static func decode(postgresText: String) -> PostgresNumeric? { PostgresNumeric(postgresText) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

/// A PostgreSQL array parameter in text form (`{"a","b",NULL}`), for bulk statements with `unnest`.
public struct PostgresArray: PostgresEncodable {
    public let elements: [String?]

    public init(_ elements: [String?]) { self.elements = elements }

    public init(_ values: [some PostgresEncodable]) { elements = values.map(\.postgresText) }

    public var postgresText: String? {
        "{" + elements.map { element in
            guard let element else { return "NULL" }
            return "\"" + element.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
