import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// SMS through Twilio's Messages API: `POST /2010-04-01/Accounts/{Sid}/Messages.json`, HTTP Basic
/// with the account SID and auth token, a form with `To`, `From` and `Body`. Failures are
/// `ArtisanError`s as `NotifyAnswer` maps them; Twilio's error code is named in refusals.
public struct TwilioClient: NotificationChannel {
    private let transport: any HTTPTransport
    private let accountSID: String
    private let authToken: String
    private let from: String
    private let apiBase: String
    private let requestTimeout: Int
    private let answer: NotifyAnswer

    /// - Parameters:
    ///   - from: the sending number (E.164) or messaging service's number.
    ///   - requestTimeout: seconds for each HTTP exchange.
    public init(transport: any HTTPTransport, accountSID: String, authToken: String, from: String, apiBase: String = "https://api.twilio.com",
                requestTimeout: Int) {
        self.transport = transport
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        var base = apiBase
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBase = base
        self.requestTimeout = requestTimeout
        answer = NotifyAnswer(service: "Twilio", credentialHint: "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN", secrets: [authToken])
    }

    /// The message's `sid` (`SM…`), nil when a 2xx answer does not carry one: the SMS is accepted
    /// then, and throwing would have the outbox send it twice.
    public func send(_ message: OutgoingMessage) throws -> String? {
        let what = "the SMS " + message.idempotencyKey
        let url = apiBase + "/2010-04-01/Accounts/" + URLEncoding.percentEncoded(accountSID) + "/Messages.json"
        let credentials = Data("\(accountSID):\(authToken)".utf8).base64EncodedString()
        let form = URLEncoding.form([("To", message.to), ("From", from), ("Body", message.text)])
        let request = HTTPRequest(method: "POST", url: url,
                                  headers: [("Authorization", "Basic " + credentials), ("Content-Type", "application/x-www-form-urlencoded"),
                                            ("Accept", "application/json")],
                                  body: Array(form.utf8), timeout: requestTimeout)
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch let error as HTTPError {
            throw answer.unreachable(error, what: what, timeout: requestTimeout)
        }
        let body = try? JSONDecoder().decode(TwilioAnswerBody.self, from: Data(response.body))
        if (200..<300).contains(response.status) {
            return body?.sid.flatMap { $0.isEmpty ? nil : $0 }
        }
        throw failure(response.status, body, what: what)
    }

    private func failure(_ status: Int, _ body: TwilioAnswerBody?, what: String) -> ArtisanError {
        let detail = "HTTP \(status)" + (body?.code.map { ", Twilio error \($0)" + (Self.meaning[$0].map { " (\($0))" } ?? "") } ?? "")
        switch status {
        case 401, 403: return answer.denied(what, detail: detail)
        case 429, 500...599: return answer.temporary(what, detail: detail)
        case 400...499: return answer.refused(what, detail: detail, reason: body?.message)
        default: return answer.temporary(what, detail: "unexpected " + detail)
        }
    }

    /// The refusals an artisan meets, in words, so the outbox's note says what to fix.
    static let meaning = [
        21211: "invalid To number",
        21610: "the recipient unsubscribed (replied STOP)",
        21614: "the To number is not a mobile number",
        21617: "the message is too long",
    ]
}

/// The fields of Twilio's answer this client reads: the message's `sid`, or an error's `code` and `message`.
struct TwilioAnswerBody: Decodable {
    let sid: String?
    let code: Int?
    let message: String?
}
