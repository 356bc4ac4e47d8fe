import ArtisanCore

/// Why a Graph or login exchange failed before any meaning could be read from it. Each caller maps
/// it to its own error (the provider to `CalendarError`, the device-code flow to `ArtisanError`).
/// Descriptions name the method and path only: never a query string, a body or a header.
struct GraphFailure: Error, Sendable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// No answer within the request's timeout.
        case timeout
        /// Nothing listening, or the name does not resolve.
        case unreachable
        /// 429 or 5xx, still so after the transport's retries.
        case overloaded
        /// An answer that is not the JSON it should be.
        case malformed
        /// Any other transport failure.
        case other
    }

    let kind: Kind
    let description: String
}

/// Sending with failures already classified.
struct GraphExchange: Sendable {
    let transport: any HTTPTransport
    let timeout: Int

    func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws(GraphFailure) -> HTTPResponse {
        let what = "\(method) \(GraphWire.redactedPath(url))"
        let response: HTTPResponse
        do {
            response = try transport.send(HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: timeout))
        } catch let error as HTTPError {
            switch error.kind {
            case .timeout: throw GraphFailure(kind: .timeout, description: "\(what): no answer within \(timeout) s")
            case .unreachable: throw GraphFailure(kind: .unreachable, description: "\(what): the server cannot be reached")
            // The transport's own description shows the path only (CurlTransport drops the query).
            case .other: throw GraphFailure(kind: .other, description: error.description)
            }
        } catch {
            throw GraphFailure(kind: .other, description: "\(what): the request failed")
        }
        if response.status == 429 || (500...599).contains(response.status) {
            let code = GraphErrorBody.code(of: response).map { " \($0)" } ?? ""
            let retry = response.headers["retry-after"].map { ", Retry-After \($0) s" } ?? ""
            throw GraphFailure(kind: .overloaded, description: "\(what): HTTP \(response.status)\(code)\(retry), still so after retries")
        }
        return response
    }

    func malformed(_ method: String, _ url: String, _ detail: String) -> GraphFailure {
        GraphFailure(kind: .malformed, description: "\(method) \(GraphWire.redactedPath(url)): \(detail)")
    }
}

/// The identity platform's token endpoint (`{loginBase}/common/oauth2/v2.0/token`), for public
/// clients: no secret.
struct GraphTokenEndpoint: Sendable {
    enum Outcome: Sendable {
        case granted(accessToken: String, refreshToken: String?, expiresIn: Int)
        /// An OAuth error code (`invalid_grant`, `authorization_pending`…): the body's `error`, and the status.
        case refused(String, status: Int)
    }

    let exchange: GraphExchange
    let loginBase: String

    var url: String { loginBase + GraphWire.loginPath + "/token" }

    /// The refresh-token grant: credentials with the rotated refresh token (else the one given),
    /// or the refusal.
    func refresh(_ refreshToken: String, clientID: String, scope: String, now: Timestamp) throws(GraphFailure) -> Refreshed {
        switch try request([("client_id", clientID), ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("scope", scope)]) {
        case .granted(let access, let rotated, let expiresIn):
            .granted(CalendarCredentials(accessToken: access, refreshToken: rotated ?? refreshToken, expiresAt: now.adding(seconds: Int64(expiresIn))))
        case .refused(let code, let status):
            .refused(code, status: status)
        }
    }

    enum Refreshed: Sendable {
        case granted(CalendarCredentials)
        case refused(String, status: Int)
    }

    func request(_ fields: [(String, String)]) throws(GraphFailure) -> Outcome {
        let response = try exchange.send("POST", url, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                         body: GraphWire.form(fields))
        guard let answer = GraphWire.decode(GraphTokenAnswer.self, from: response) else {
            // A refusal is a refusal, readable or not: the status says what the grant is worth.
            if (400...499).contains(response.status) && response.status != 429 { return .refused("http_\(response.status)", status: response.status) }
            throw exchange.malformed("POST", url, "HTTP \(response.status) without a readable token answer")
        }
        if (200...299).contains(response.status), let access = answer.accessToken, !access.isEmpty {
            return .granted(accessToken: access, refreshToken: answer.refreshToken, expiresIn: answer.expiresIn ?? 3600)
        }
        if let error = answer.error, !error.isEmpty { return .refused(error, status: response.status) }
        throw exchange.malformed("POST", url, "HTTP \(response.status) without tokens or an error code")
    }
}
