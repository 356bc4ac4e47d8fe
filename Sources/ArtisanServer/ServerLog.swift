import ArtisanCore
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
        var line = "{\"time\":\(JSONText.quoted(now())),\"level\":\(JSONText.quoted(level)),\"message\":\(JSONText.quoted(message))"
        for (name, value) in fields {
            switch value {
            case .string(let text): line += ",\(JSONText.quoted(name)):\(JSONText.quoted(text))"
            case .int(let number): line += ",\(JSONText.quoted(name)):\(number)"
            }
        }
        line += "}\n"
        lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}
