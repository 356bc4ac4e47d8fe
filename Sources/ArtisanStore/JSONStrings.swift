#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An object of strings as the text of a jsonb column (audit details, message variables): keys
/// sorted, so that equal objects are equal texts.
enum JSONStrings {
    static func text(_ object: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }

    /// Nil when the text is not a JSON object of strings.
    static func object(_ text: String) -> [String: String]? {
        try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }
}
