import Foundation
import Synchronization

/// The server's log: one JSON object per line on stderr (time, level, message, then fields),
/// written whole under a lock so that lines of concurrent requests never interleave. Callers
/// pass no personal data: routes, statuses and ids, never bodies or query strings.
public final class ServerLog: Sendable {
    public enum Field: Sendable {
        case string(String)
        case int(Int)
    }

    private let lock = Mutex(())
    private let now: @Sendable () -> String

    public init(now: @escaping @Sendable () -> String) { self.now = now }

    public func write(_ level: String, _ message: String, _ fields: [(String, Field)] = []) {
        var line = "{\"time\":\(Self.quoted(now())),\"level\":\(Self.quoted(level)),\"message\":\(Self.quoted(message))"
        for (name, value) in fields {
            switch value {
            case .string(let text): line += ",\(Self.quoted(name)):\(Self.quoted(text))"
            case .int(let number): line += ",\(Self.quoted(name)):\(number)"
            }
        }
        line += "}\n"
        lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
