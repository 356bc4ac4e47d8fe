import ArtisanCore

/// Reads a JSON object against its fields' rules, the way Joi does with `abortEarly: false`:
/// every bad field is collected, unknown fields are refused, and the whole is thrown once as a
/// VALIDATION_ERROR naming each.
struct FormReader {
    private(set) var problems: [APIError.Field] = []
    private let object: [String: JSONValue]
    private let prefix: String
    /// False for an object that is itself missing or not an object: its fields are not reported one by one.
    private(set) var present = true

    init(_ value: JSONValue?, field: String = "", allowed: Set<String>, required: Bool = false, problems: [APIError.Field] = []) {
        self.prefix = field.isEmpty ? "" : field + "."
        self.problems = problems
        switch value {
        case .object(let object):
            self.object = object
            for key in object.keys.sorted() where !allowed.contains(key) {
                self.problems.append(.init(field: prefix + key, message: "is not allowed"))
            }
        case nil:
            self.object = [:]
            self.present = field.isEmpty
            if required { self.problems.append(.init(field: field, message: "is required")) }
        case .some(let other):
            self.object = [:]
            self.present = false
            self.problems.append(.init(field: field.isEmpty ? "body" : field, message: "must be an object, not \(other.typeName)"))
        }
    }

    func value(_ key: String) -> JSONValue? { object[key] }

    func path(_ key: String) -> String { prefix + key }

    /// A string field checked by `rule` (which throws ArtisanError naming the field); nil when
    /// absent and optional, or when it breaks its rule (recorded).
    mutating func string<T>(_ key: String, required: Bool = true, _ rule: (String, String) throws -> T) -> T? {
        switch object[key] {
        case nil, .null?:
            if required && present { problems.append(.init(field: path(key), message: "is required")) }
            return nil
        case .string(let text)?:
            do {
                return try rule(text, path(key))
            } catch let error as ArtisanError {
                problems.append(.init(field: path(key), message: Self.rule(of: error, field: path(key))))
                return nil
            } catch {
                problems.append(.init(field: path(key), message: "is invalid"))
                return nil
            }
        case .some(let other):
            problems.append(.init(field: path(key), message: "must be a string, not \(other.typeName)"))
            return nil
        }
    }

    mutating func bool(_ key: String, default fallback: Bool) -> Bool {
        switch object[key] {
        case nil: return fallback
        case .bool(let flag)?: return flag
        case .some(let other):
            problems.append(.init(field: path(key), message: "must be a boolean, not \(other.typeName)"))
            return fallback
        }
    }

    mutating func absorb(_ nested: FormReader) { problems = nested.problems }

    func finish() throws {
        if !problems.isEmpty { throw APIError.validation(problems) }
    }

    /// "customer.email: must be…" → "must be…".
    static func rule(of error: ArtisanError, field: String) -> String {
        error.message.hasPrefix(field + ": ") ? String(error.message.dropFirst(field.count + 2)) : error.message
    }
}
