import ArtisanCore
import CCurl

/// E-mail through an SMTP server with libcurl: STARTTLS whenever the server offers it (`smtp://`)
/// or TLS from the start (`smtps://`), AUTH with the URL's credentials, one `MAIL FROM`, one
/// `RCPT TO`, and the `MIMEMessage` as `DATA`. The id returned is the Message-ID we wrote.
///
/// | outcome | kind |
/// |---|---|
/// | credentials refused (libcurl's login denied, 530/534/535) | `.permission` |
/// | any other 5xx reply (550 unknown user, 553 bad address, 554…) | `.invalid`: never retried |
/// | a 4xx reply (451, 452, 421…) | `.temporary` |
/// | no connection, no reply in time, TLS failure | `.unavailable` |
public struct SMTPClient: NotificationChannel {
    private let server: SMTPServerURL
    private let from: EmailAddress
    private let requestTimeout: Int
    private let clock: Clock
    private let answer: NotifyAnswer

    /// - Parameters:
    ///   - url: `smtp://user:pass@host:port` or `smtps://…` (`SMTP_URL`); user and password percent-encoded.
    ///   - requestTimeout: seconds for the whole exchange.
    ///   - clock: gives the message's `Date`.
    public init(url: String, from: EmailAddress, requestTimeout: Int, clock: Clock) throws {
        server = try SMTPServerURL(url)
        self.from = from
        self.requestTimeout = requestTimeout
        self.clock = clock
        answer = NotifyAnswer(service: "the SMTP server \(server.host)", credentialHint: "the user and password of SMTP_URL",
                              secrets: [server.password ?? ""])
        _ = Self.globalInit
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public func send(_ message: OutgoingMessage) throws -> String? {
        let mime = try MIMEMessage(message, from: from, date: clock.now())
        let what = "the e-mail " + message.idempotencyKey
        guard let handle = curl_easy_init() else { throw answer.unreachable(what, reason: "libcurl could not start a session") }
        defer { curl_easy_cleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipients) }
        recipients = curl_slist_append(recipients, "<\(message.to)>")
        let reader = MessageReader(mime.bytes)
        let readerPointer = Unmanaged.passUnretained(reader).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorBytes in
            withExtendedLifetime(reader) {
                server.curlURL.withCString { url in
                    "<\(from.address)>".withCString { mailFrom in
                        (server.user ?? "").withCString { user in
                            (server.password ?? "").withCString { password in
                                artisan_curl_setopt_pointer(handle, CURLOPT_URL, url)
                                if server.user != nil {
                                    artisan_curl_setopt_pointer(handle, CURLOPT_USERNAME, user)
                                    artisan_curl_setopt_pointer(handle, CURLOPT_PASSWORD, password)
                                }
                                artisan_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(server.implicitTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
                                artisan_curl_setopt_pointer(handle, CURLOPT_MAIL_FROM, mailFrom)
                                artisan_curl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipients)
                                artisan_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                                artisan_curl_setopt_read_callback(handle, CURLOPT_READFUNCTION, MessageReader.callback)
                                artisan_curl_setopt_pointer(handle, CURLOPT_READDATA, readerPointer)
                                artisan_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, requestTimeout * 1000)
                                artisan_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(requestTimeout, 10) * 1000)
                                artisan_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                                artisan_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBytes.baseAddress)
                                return curl_easy_perform(handle)
                            }
                        }
                    }
                }
            }
        }
        guard code == CURLE_OK else {
            var reply = 0
            artisan_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw failure(code, reply: reply, detail: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail, what: what)
        }
        return mime.messageID
    }

    private func failure(_ code: CURLcode, reply: Int, detail: String, what: String) -> ArtisanError {
        let status = reply > 0 ? "reply \(reply)" : "no reply"
        if code == CURLE_LOGIN_DENIED || [530, 534, 535].contains(reply) {
            return answer.denied(what, detail: status)
        }
        switch reply {
        case 500...599: return answer.refused(what, detail: status, reason: detail)
        case 400...499: return answer.temporary(what, detail: "\(status): \(answer.redacted(detail))")
        default:
            let reason = code == CURLE_OPERATION_TIMEDOUT ? "no answer within \(requestTimeout) s" : detail
            return answer.unreachable(what, reason: reason)
        }
    }
}

/// Feeds the message to libcurl's read callback, as much as each call asks for.
final class MessageReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let callback: artisan_curl_read_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let reader = Unmanaged<MessageReader>.fromOpaque(userdata).takeUnretainedValue()
        let length = min(size * count, reader.bytes.count - reader.offset)
        guard length > 0 else { return 0 }
        reader.bytes.withUnsafeBufferPointer { source in
            guard let start = source.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: start + reader.offset, byteCount: length)
        }
        reader.offset += length
        return length
    }
}
