import ArtisanCore

/// Google's OAuth 2.0 token endpoint (`{oauthBase}/token`): the authorization-code exchange of the
/// connect flow and the refresh of an expired access token. Failures are `CalendarError`s whose
/// descriptions name Google's error code, never a token, a code or the client secret.
struct GoogleOAuthClient: TokenRefresher {
    let transport: any HTTPTransport
    let clientID: String
    let clientSecret: String
    let oauthBase: String
    let requestTimeout: Int

    /// A new access token for `refreshToken`. Google usually sends no new refresh token: the old one is kept.
    func refresh(_ refreshToken: String, now: Timestamp) throws -> CalendarCredentials {
        let answer = try post([("client_id", clientID), ("client_secret", clientSecret), ("refresh_token", refreshToken),
                               ("grant_type", "refresh_token")], what: "the token refresh")
        return CalendarCredentials(accessToken: answer.access_token, refreshToken: answer.refresh_token ?? refreshToken,
                                   expiresAt: answer.expires_in.map { now.adding(seconds: Int64($0)) })
    }

    /// The tokens for an authorization code (PKCE: the verifier of the challenge sent with the consent URL).
    func exchange(code: String, verifier: String, redirectURI: String, now: Timestamp) throws -> CalendarCredentials {
        let answer = try post([("code", code), ("client_id", clientID), ("client_secret", clientSecret), ("redirect_uri", redirectURI),
                               ("grant_type", "authorization_code"), ("code_verifier", verifier)], what: "the authorization code exchange")
        guard let refreshToken = answer.refresh_token, !refreshToken.isEmpty else {
            throw CalendarError(.revoked, "Google granted no refresh token (offline access was not given): connect again and accept the consent screen")
        }
        return CalendarCredentials(accessToken: answer.access_token, refreshToken: refreshToken,
                                   expiresAt: answer.expires_in.map { now.adding(seconds: Int64($0)) })
    }

    private func post(_ form: [(String, String)], what: String) throws -> GoogleWire.TokenResponse {
        let request = HTTPRequest(method: "POST", url: oauthBase + "/token",
                                  headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                  body: Array(URLEncoding.form(form).utf8), timeout: requestTimeout)
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch let error as HTTPError {
            throw CalendarError(.temporary, "Google sign-in: \(what) failed: \(error.description)")
        }
        switch response.status {
        case 200..<300:
            let answer = try GoogleWire.decode(GoogleWire.TokenResponse.self, response, what: what)
            guard !answer.access_token.isEmpty else {
                throw CalendarError(.temporary, "Google sign-in: \(what) gave an empty access token")
            }
            return answer
        default:
            // 400 invalid_grant (revoked or expired grant, used code), 401 invalid_client, …: only a
            // new connection (or a corrected client id/secret) helps; 429 and 5xx are temporary.
            throw ProviderAnswer.tokenFailure(response.status, service: Self.service, what: what,
                                              code: GoogleWire.ErrorBody.parse(response.body)?.oauthError)
        }
    }

    static let service = RemoteService(name: "Google sign-in", reconnect: "reconnect with `artisanctl calendars connect google`")
}
