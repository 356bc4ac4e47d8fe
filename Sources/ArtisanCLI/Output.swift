import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One column of a listing: its camelCase key (CSV header, matching the JSON field) and table header.
public struct Column<Record>: Sendable {
    public let key: String
    public let header: String
    public let value: @Sendable (Record) -> String

    public init(_ key: String, _ header: String, _ value: @escaping @Sendable (Record) -> String) {
        self.key = key
        self.header = header
        self.value = value
    }
}

/// Renders records as a table (default), JSON (the records' `Encodable` form) or CSV (RFC 4180).
/// Every list and show command goes through here, so all share the same `--output` behaviour.
struct OutputWriter {
    let context: Context

    func list<Record: Encodable>(_ records: [Record], columns: [Column<Record>], empty: String? = nil) throws {
        switch context.options.output {
        case .json:
            try writeJSON(records)
        case .csv:
            context.stdout.line(columns.map { Self.csvField($0.key) }.joined(separator: ","))
            for record in records { context.stdout.line(csvLine(record, columns)) }
        case .table:
            if records.isEmpty, let empty {
                context.note(empty)
                return
            }
            let rows = records.map { record in columns.map { $0.value(record) } }
            writeTable(headers: columns.map(\.header), rows: rows)
        }
    }

    /// Records produced one at a time (`produce` calls its argument for each): CSV and JSON are
    /// written as they come, so memory stays flat for any number of rows; a table needs them all.
    func stream<Record: Encodable>(columns: [Column<Record>], empty: String? = nil,
                                   _ produce: ((Record) throws -> Void) throws -> Void) throws {
        // Nothing reaches stdout before the first record: a refusal before it leaves stdout empty.
        switch context.options.output {
        case .csv:
            var started = false
            let header = { if !started { context.stdout.line(columns.map { Self.csvField($0.key) }.joined(separator: ",")); started = true } }
            try produce { record in
                header()
                context.stdout.line(csvLine(record, columns))
            }
            header()
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var first = true
            try produce { record in
                let object = String(decoding: try encoder.encode(record), as: UTF8.self).replacing("\n", with: "\n  ")
                context.stdout.write((first ? "[\n  " : ",\n  ") + object)
                first = false
            }
            context.stdout.line(first ? "[]" : "\n]")
        case .table:
            var records: [Record] = []
            try produce { records.append($0) }
            try list(records, columns: columns, empty: empty)
        }
    }

    /// One record: a two-column FIELD/VALUE table, a JSON object, or a one-row CSV.
    func show<Record: Encodable>(_ record: Record, fields: [Column<Record>]) throws {
        switch context.options.output {
        case .json:
            try writeJSON(record)
        case .csv:
            try list([record], columns: fields)
        case .table:
            let width = fields.map { $0.header.count }.max() ?? 0
            for field in fields {
                let label = field.header.padding(to: width)
                context.stdout.line(context.usesColor ? "\u{1B}[1m\(label)\u{1B}[0m  \(field.value(record))" : "\(label)  \(field.value(record))")
            }
        }
    }

    func writeJSON<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        context.stdout.line(String(decoding: data, as: UTF8.self))
    }

    func writeTable(headers: [String], rows: [[String]]) {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func format(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                line += index == cells.count - 1 ? cell : cell.padding(to: widths[index]) + "  "
            }
            return line
        }
        let header = format(headers)
        context.stdout.line(context.usesColor ? "\u{1B}[1m\(header)\u{1B}[0m" : header)
        for row in rows { context.stdout.line(format(row)) }
    }

    /// A CSV row carries the raw values scripts want (`4550`, `0.30`, `60`), as in the JSON: a column
    /// whose key names one of the record's stored properties (the records' JSON field names, from
    /// synthesized Codable) takes that property's value; other columns take the table's text.
    /// Read by reflection, once per row, without serialising the record.
    func csvLine<Record: Encodable>(_ record: Record, _ columns: [Column<Record>]) -> String {
        var fields: [String: String] = [:]
        for child in Mirror(reflecting: record).children {
            if let label = child.label, let text = Self.scalarText(child.value) { fields[label] = text }
        }
        return columns.map { column in Self.csvField(fields[column.key] ?? column.value(record)) }.joined(separator: ",")
    }

    /// Numbers, strings and booleans as text, nil as empty; anything else (arrays) is not a scalar.
    static func scalarText(_ value: Any) -> String? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return "" }
            return scalarText(wrapped)
        }
        switch value {
        case let text as String: return text
        case let number as Int: return String(number)
        case let flag as Bool: return flag ? "true" : "false"
        default: return nil
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
