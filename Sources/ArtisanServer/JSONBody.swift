import Foundation
import Hummingbird
import NIOCore

/// JSON in and out: answers encoded with sorted keys, and request bodies read as `JSONValue`
/// so that every bad field can be named, not only the first a decoder trips on.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        response(json: encode(value), status: status, headers: headers)
    }

    static func response(json: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Our own DTOs always encode; an empty object keeps the answer JSON if one ever did not.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The request's body, which must be JSON (415 otherwise) and parse (400 INVALID_JSON).
    static func read(_ request: Request, context: ServerRequestContext) async throws -> (value: JSONValue, bytes: [UInt8]) {
        let bytes = try await rawBody(request, context: context)
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw APIError(status: .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", message: "the body must be application/json")
        }
        do {
            return (try JSONDecoder().decode(JSONValue.self, from: Data(bytes)), bytes)
        } catch {
            throw APIError(status: .badRequest, code: "INVALID_JSON", message: "the body is not valid JSON")
        }
    }

    static func rawBody(_ request: Request, context: ServerRequestContext) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }
}

/// A JSON document as parsed, before any rule is applied to it.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
