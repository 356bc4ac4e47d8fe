import ArtisanCore
import ArtisanStore
import HTTPTypes
import Hummingbird

/// `POST /bookings`, `GET /bookings/public`, `POST /bookings/{code}/cancel|reschedule`: the
/// booking use cases, as the command line runs them, with the customer's e-mail as the key.
struct BookingRoutes {
    let environment: ServerEnvironment

    func create(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let (body, bytes) = try await JSONBody.read(request, context: context)
        guard let key = try IdempotencyKeyHeader.read(request) else { return try await book(try BookingForms.create(body, idempotencyKey: nil)) }
        // Checked before the key is claimed, as Stripe does: an invalid request keeps no answer (which may echo what the
        // customer typed), and its corrected retry may use the same key.
        let booking = try BookingForms.create(body, idempotencyKey: key)
        let digest = HexDigest.sha256(bytes)
        switch try await environment.run({ services, _ in try IdempotentRequests(services).claim(key: key, requestDigest: digest) }) {
        case .run:
            do {
                return try await book(booking)
            } catch {
                let refusal = APIError.from(error)
                if refusal.status.code < 500 {
                    let body = refusal.json
                    _ = try? await environment.run { services, _ in
                        try IdempotentRequests(services).complete(key: key, statusCode: Int(refusal.status.code), body: body)
                    }
                } else {
                    _ = try? await environment.run { services, _ in try IdempotentRequests(services).release(key: key) }
                }
                throw refusal
            }
        case .booked(let code):
            let placed = try await environment.run { services, _ in
                var placed = try BookingService(services).find(code: code, email: nil)
                placed.clientSecret = try? PaymentService(services).clientSecret(code: code)
                return placed
            }
            return created(placed, replayed: true)
        case .answered(let status, let body):
            return JSONBody.response(json: body, status: .init(code: status), headers: [IdempotencyKeyHeader.replayed: "true"])
        case .reused:
            throw APIError(status: .unprocessableContent, code: "IDEMPOTENCY_KEY_REUSED",
                           message: "this Idempotency-Key was used with another request body")
        case .inProgress(let seconds):
            throw APIError(status: .conflict, code: "IDEMPOTENCY_KEY_IN_USE",
                           message: "a request with this Idempotency-Key is still being processed", retryAfterSeconds: seconds)
        }
    }

    private func book(_ booking: BookingService.Request) async throws -> Response {
        created(try await environment.run { services, _ in try BookingService(services).book(booking) }, replayed: false)
    }

    private func created(_ placed: BookingService.Placed, replayed: Bool) -> Response {
        var headers = HTTPFields()
        headers[.location] = "/api/v1/bookings/public?code=\(placed.booking.publicCode)"
        if replayed { headers[IdempotencyKeyHeader.replayed] = "true" }
        return JSONBody.response(BookingDTO(placed, clientSecret: placed.clientSecret), status: .created, headers: headers)
    }

    func find(_ request: Request) async throws -> Response {
        let (code, email) = try BookingForms.codeAndEmail(QueryParameters.object(request))
        let placed = try await environment.run { services, _ in try BookingService(services).find(code: code, email: email) }
        return JSONBody.response(BookingDTO(placed))
    }

    func cancel(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let (body, _) = try await JSONBody.read(request, context: context)
        let (email, reason) = try BookingForms.cancel(body)
        let code = try BookingForms.code(context.parameters.get("code") ?? "")
        let placed = try await environment.run { services, _ in
            try BookingService(services).cancel(code: code, email: email, reason: reason ?? "cancelled by the customer online", force: false)
        }
        return JSONBody.response(BookingDTO(placed))
    }

    func reschedule(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let (body, _) = try await JSONBody.read(request, context: context)
        let (email, date, time) = try BookingForms.reschedule(body)
        let code = try BookingForms.code(context.parameters.get("code") ?? "")
        let placed = try await environment.run { services, _ in
            try BookingService(services).reschedule(code: code, email: email, date: date, time: time, force: false)
        }
        return JSONBody.response(BookingDTO(placed))
    }
}

/// The `Idempotency-Key` request header: 1 to 255 visible ASCII characters.
enum IdempotencyKeyHeader {
    static let name = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    static func read(_ request: Request) throws -> String? {
        guard let key = request.headers[name] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.validation([.init(field: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters")])
        }
        return key
    }
}

/// A request's query string as a JSON object of strings (the last of repeated names wins), so
/// that query parameters are read by the same rules as bodies.
enum QueryParameters {
    static func object(_ request: Request) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (name, value) in request.uri.queryParameters { object[String(name)] = .string(String(value)) }
        return .object(object)
    }
}
