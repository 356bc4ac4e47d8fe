import ArtisanCore
import Logging

/// One log record as one line. JSON: an object with `time` (ISO 8601, UTC), `level`, `message`,
/// then the fields in key order (numbers and booleans as such, a field named like one of the
/// first three gets a `_` in front). Text: `artisanctl: level: message key=value…`, a value
/// quoted when it has a space, a quote or an `=`. Either way, a line break or any other control
/// character in a message or a value is escaped, so a record never spans two lines.
enum LogLine {
    static func json(time: Timestamp, level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        var line = "{\"time\":\(JSONText.quoted(time.iso8601())),\"level\":\(JSONText.quoted(jsonName(level)))"
        line += ",\"message\":\(JSONText.quoted(message))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            let name = ["time", "level", "message"].contains(key) ? "_" + key : key
            line += ",\(JSONText.quoted(name)):\(json(value))"
        }
        return line + "}"
    }

    static func text(level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        var line = "artisanctl: \(level): \(escapingControls(message))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            line += " \(escapingControls(key))=\(textValue(value))"
        }
        return line
    }

    /// The spec's level names (section 4.4, as Winston spells them): `warn`, not `warning`.
    static func jsonName(_ level: Logger.Level) -> String {
        level == .warning ? "warn" : level.rawValue
    }

    static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text):
            return JSONText.quoted(text)
        case .stringConvertible(let convertible):
            return literal(convertible) ?? JSONText.quoted(convertible.description)
        case .array(let values):
            return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let entries):
            let members = entries.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\(json($0.value))" }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// A number or a boolean as a JSON literal; anything else (a non-finite double too) is nil.
    static func literal(_ value: any CustomStringConvertible & Sendable) -> String? {
        switch value {
        case let flag as Bool: flag ? "true" : "false"
        case let integer as any BinaryInteger: "\(integer)"
        case let number as Double where number.isFinite: "\(number)"
        default: nil
        }
    }

    private static func textValue(_ value: Logger.MetadataValue) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .stringConvertible(let convertible): text = convertible.description
        case .array, .dictionary: return json(value)
        }
        let plain = !text.isEmpty && !text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.unicodeScalars.contains(where: isControl) }
        return plain ? text : JSONText.quoted(text)
    }

    static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var line = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) { line += scalar.escaped(asASCII: false) } else { line.unicodeScalars.append(scalar) }
        }
        return line
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
