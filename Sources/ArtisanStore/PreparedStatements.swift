/// Which statements a connection has prepared. A statement's second run prepares it, so that the
/// server parses and plans it once: a pooled server connection runs the same few dozen statements
/// thousands of times, while a command-line run, which mostly runs each once, pays nothing.
struct PreparedStatements {
    enum Plan: Equatable {
        case unnamed
        case prepare(String)
        case prepared(String)
    }

    static let limit = 256

    private var seen: Set<String> = []
    private var names: [String: String] = [:]
    private var counter = 0

    mutating func plan(for sql: String) -> Plan {
        if let name = names[sql] { return .prepared(name) }
        guard names.count < Self.limit else { return .unnamed }
        guard seen.remove(sql) != nil else {
            if seen.count < Self.limit * 4 { seen.insert(sql) }
            return .unnamed
        }
        counter += 1
        return .prepare("artisanctl_\(counter)")
    }

    mutating func prepared(_ sql: String, as name: String) { names[sql] = name }

    /// The errors after which the server's statement is gone or outdated: "cached plan must not
    /// change result type" (a migration changed a table) and "prepared statement does not exist".
    static let outdating: Set<String> = ["0A000", "26000"]

    /// After one of those errors, the next run prepares the statement again under a new name.
    mutating func forget(_ sql: String) { names[sql] = nil }
}
