import ArtisanCore
import ArtisanStore
import Hummingbird
import NIOCore
import NIOHTTP1

/// An answer that is not a success, as the spec's section 4.3 shapes it:
/// `{"error":{"code","message"}}`, plus `fields` naming each bad field of a VALIDATION_ERROR.
struct APIError: Error, Sendable {
    struct Field: Encodable, Sendable, Equatable {
        let field: String
        let message: String
    }

    let status: HTTPResponse.Status
    let code: String
    let message: String
    var fields: [Field] = []
    var retryAfterSeconds: Int?
    /// What the log gets for a server error (never the client).
    var detail: String?

    static let internalMessage = "Une erreur est survenue."

    static func validation(_ fields: [Field]) -> APIError {
        APIError(status: .badRequest, code: "VALIDATION_ERROR", message: fields.map { "\($0.field): \($0.message)" }.joined(separator: "; "),
                 fields: fields)
    }

    static func unavailable(_ detail: String, retryAfter: Int = 2) -> APIError {
        APIError(status: .serviceUnavailable, code: "SERVICE_UNAVAILABLE", message: "Service momentanément indisponible, réessayez.",
                 retryAfterSeconds: retryAfter, detail: detail)
    }

    static func internalError(_ detail: String) -> APIError {
        APIError(status: .internalServerError, code: "INTERNAL_ERROR", message: internalMessage, detail: detail)
    }

    static let tooLarge = APIError(status: .contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "the body must be at most \(APIRoutes.bodyLimit) bytes")

    /// Any error as the answer it gets.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ArtisanError:
            return from(error)
        case is DatabasePool.Busy:
            return unavailable("no database connection freed up in time", retryAfter: 1)
        case is DatabasePool.Closed:
            return unavailable("the server is shutting down")
        case is CancellationError:
            return unavailable("the server is shutting down: the grace period ran out")
        case let error as DatabaseError:
            switch error.kind {
            case .connectionFailed, .serializationFailure, .deadlockDetected, .lockNotAvailable:
                return unavailable("database: \(error.description)")
            default:
                return internalError("database: \(error.description)")
            }
        case is HTTPParserError:
            return APIError(status: .badRequest, code: "BAD_REQUEST", message: "the request is not well-formed HTTP")
        case let error as any HTTPResponseError:
            // Hummingbird's HTTPError, and NIOTooManyBytesError from collecting a body over the limit.
            switch error.status {
            case .contentTooLarge:
                return tooLarge
            case .notFound:
                return APIError(status: .notFound, code: "NOT_FOUND", message: "no such resource")
            default:
                return error.status.code < 500
                    ? APIError(status: error.status, code: "BAD_REQUEST", message: error.status.reasonPhrase)
                    : internalError("\(error)")
            }
        default:
            return internalError(String(describing: error))
        }
    }

    private static func from(_ error: ArtisanError) -> APIError {
        switch error.kind {
        case .invalid where error.code == "VALIDATION_ERROR":
            // "days: must be…": named in `fields`, as every VALIDATION_ERROR's field is.
            guard let colon = error.message.range(of: ": ") else {
                return APIError(status: .badRequest, code: error.code, message: error.message)
            }
            let field = String(error.message[..<colon.lowerBound]), rule = String(error.message[colon.upperBound...])
            return validation([Field(field: field, message: rule)])
        case .invalid where error.code.hasSuffix("_INVALID"):
            return APIError(status: .badRequest, code: error.code, message: error.message)
        case .invalid where error.code == "SERVICE_ARCHIVED":
            // The public API offers active services only: an archived one is simply not there.
            return APIError(status: .notFound, code: "SERVICE_NOT_FOUND", message: "no such service")
        case .invalid:
            return APIError(status: .conflict, code: error.code, message: error.message)
        case .notFound where error.code == "BOOKING_NOT_FOUND":
            // One answer whichever of the code and the e-mail was wrong.
            return APIError(status: .notFound, code: error.code, message: "Réservation introuvable.")
        case .notFound:
            return APIError(status: .notFound, code: error.code, message: error.message)
        case .permission where error.code == "WEBHOOK_SIGNATURE_INVALID":
            return APIError(status: .badRequest, code: error.code, message: error.message)
        case .unavailable, .temporary:
            return unavailable("\(error.code): \(error.message)")
        case .permission, .usage, .configuration, .unexpected:
            return internalError("\(error.code): \(error.message)")
        }
    }

    /// The answer's body, as sent (and as kept for an Idempotency-Key's retry).
    var json: String {
        struct Body: Encodable {
            struct Content: Encodable {
                let code: String
                let message: String
                let fields: [Field]?
            }
            let error: Content
        }
        return JSONBody.encode(Body(error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields)))
    }

    var response: Response {
        var headers = HTTPFields()
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return JSONBody.response(json: json, status: status, headers: headers)
    }
}
