import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// E-mail through SendGrid's v3 Mail Send API: one JSON `POST /v3/mail/send` per message, our
/// idempotency key in `custom_args.notification_key` so a message whose answer was lost can be
/// found in SendGrid's activity. Failures are `ArtisanError`s as `NotifyAnswer` maps them.
public struct SendGridClient: NotificationChannel {
    private let transport: any HTTPTransport
    private let apiKey: String
    private let from: EmailAddress
    private let apiBase: String
    private let requestTimeout: Int
    private let answer: NotifyAnswer

    /// - Parameter requestTimeout: seconds for each HTTP exchange.
    public init(transport: any HTTPTransport, apiKey: String, from: EmailAddress, apiBase: String = "https://api.sendgrid.com", requestTimeout: Int) {
        self.transport = transport
        self.apiKey = apiKey
        self.from = from
        var base = apiBase
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBase = base
        self.requestTimeout = requestTimeout
        answer = NotifyAnswer(service: "SendGrid", credentialHint: "SENDGRID_API_KEY", secrets: [apiKey], secretMarkers: ["SG."])
    }

    /// SendGrid's `X-Message-Id`, nil when a 2xx answer does not carry one.
    public func send(_ message: OutgoingMessage) throws -> String? {
        let what = "the e-mail " + message.idempotencyKey
        let body: [UInt8]
        do {
            body = try SendGridMail(message, from: from).json()
        } catch {
            throw ArtisanError(.invalid, code: NotifyAnswer.refusedCode, "SendGrid: \(what) could not be written as JSON")
        }
        let request = HTTPRequest(method: "POST", url: apiBase + "/v3/mail/send",
                                  headers: [("Authorization", "Bearer " + apiKey), ("Content-Type", "application/json"), ("Accept", "application/json")],
                                  body: body, timeout: requestTimeout)
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch let error as HTTPError {
            throw answer.unreachable(error, what: what, timeout: requestTimeout)
        }
        if (200..<300).contains(response.status) {
            return response.headers["x-message-id"].flatMap { $0.isEmpty ? nil : $0 }
        }
        throw failure(response, what: what)
    }

    private func failure(_ response: HTTPResponse, what: String) -> ArtisanError {
        let detail = "HTTP \(response.status)"
        switch response.status {
        case 401, 403: return answer.denied(what, detail: detail)
        case 429, 500...599: return answer.temporary(what, detail: detail)
        case 400...499: return answer.refused(what, detail: detail, reason: SendGridMail.firstError(response.body))
        default: return answer.temporary(what, detail: "unexpected " + detail)
        }
    }
}
