import ArtisanCore

/// An e-mail as RFC 5322 and MIME (RFC 2045–2047) want it on the wire, CRLF line ends throughout:
///
/// ```
/// multipart/mixed                       (only with a calendar; else the alternative alone)
/// ├─ multipart/alternative
/// │  ├─ text/plain; charset=UTF-8       quoted-printable
/// │  ├─ text/html; charset=UTF-8        quoted-printable (when there is HTML)
/// │  └─ text/calendar; method=…         base64, inline: Outlook shows its invitation from this one
/// └─ text/calendar; method=…; name=invite.ics   base64, attachment
/// ```
///
/// Bodies are quoted-printable or base64, whose lines never hold `=_`: boundaries starting `=_`
/// cannot collide with any content. No line exceeds 998 octets (body lines are at most 76).
/// The date comes from the caller's clock; the Message-ID from the notification's idempotency key.
public struct MIMEMessage: Sendable {
    /// The whole message, ready for SMTP `DATA`.
    public let bytes: [UInt8]
    /// `<key@artisanctl>`, as the header holds it.
    public let messageID: String

    static let mixedBoundary = "=_artisanctl_mixed"
    static let alternativeBoundary = "=_artisanctl_alternative"

    public init(_ message: OutgoingMessage, from: EmailAddress, date: Timestamp) throws {
        let toName = message.toName.map { name in
            String(String.UnicodeScalarView(name.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        }
        let to = try EmailAddress(address: message.to, name: toName, field: "to")
        try self.init(from: from, to: to, subject: message.subject ?? "", text: message.text, html: message.html, calendar: message.calendar,
                      idempotencyKey: message.idempotencyKey, date: date)
    }

    public init(from: EmailAddress, to: EmailAddress, subject: String, text: String, html: String?, calendar: CalendarAttachment?,
                idempotencyKey: String, date: Timestamp) throws {
        messageID = try Self.messageID(idempotencyKey)
        var headers = [
            MIMEHeader.mailbox("From", from), MIMEHeader.mailbox("To", to), MIMEHeader.unstructured("Subject", subject),
            MIMEHeader.field("Date", MIMEHeader.date(date)), MIMEHeader.field("Message-ID", messageID), MIMEHeader.field("MIME-Version", "1.0"),
        ]
        var alternatives = [Part.text("plain", text)] + (html.map { [Part.text("html", $0)] } ?? [])
        // Even a text alone goes in multipart/alternative: the CRLF before a boundary is not
        // content, whereas a single part's last CRLF would read as a line break the text lacks.
        let body: Part
        if let calendar {
            let method = try Self.method(calendar.method)
            alternatives.append(Part.calendar(calendar.content, method: method, attachment: false))
            let alternative = Part.multipart("alternative", boundary: Self.alternativeBoundary, alternatives)
            body = Part.multipart("mixed", boundary: Self.mixedBoundary, [alternative, Part.calendar(calendar.content, method: method, attachment: true)])
        } else {
            body = Part.multipart("alternative", boundary: Self.alternativeBoundary, alternatives)
        }
        headers += body.headers
        let lines = headers.flatMap(\.lines) + [""] + body.lines
        bytes = Array(lines.joined(separator: "\r\n").utf8) + [13, 10]
    }

    /// A MIME entity: its headers and its body lines.
    struct Part {
        let headers: [MIMEHeader]
        let lines: [String]

        static func text(_ subtype: String, _ text: String) -> Part {
            Part(headers: [.field("Content-Type", "text/\(subtype); charset=UTF-8"), .field("Content-Transfer-Encoding", "quoted-printable")],
                 lines: MIMEEncoding.quotedPrintable(text))
        }

        static func calendar(_ content: String, method: String, attachment: Bool) -> Part {
            let type = ["text/calendar;", "method=\(method);"] + (attachment ? ["charset=UTF-8;", "name=\"invite.ics\""] : ["charset=UTF-8"])
            let disposition: [MIMEHeader] = attachment ? [.field("Content-Disposition", "attachment; filename=\"invite.ics\"")] : []
            return Part(headers: [MIMEHeader(name: "Content-Type", tokens: type)] + disposition + [.field("Content-Transfer-Encoding", "base64")],
                        lines: MIMEEncoding.base64(Array(content.utf8)))
        }

        static func multipart(_ subtype: String, boundary: String, _ parts: [Part]) -> Part {
            var lines: [String] = []
            for part in parts {
                lines.append("--" + boundary)
                lines += part.headers.flatMap(\.lines) + [""] + part.lines
            }
            lines.append("--" + boundary + "--")
            return Part(headers: [MIMEHeader(name: "Content-Type", tokens: ["multipart/\(subtype);", "boundary=\"\(boundary)\""])], lines: lines)
        }
    }

    /// `<key@artisanctl>`. The key becomes a dot-atom: every octet that is not RFC 5322 atext (a dot
    /// included, so none can lead, trail or double) is written `%XX`, as is `%` itself.
    static func messageID(_ key: String) throws -> String {
        guard !key.isEmpty, key.utf8.count <= 200 else {
            throw ArtisanError.invalid(field: "idempotencyKey", "must be 1 to 200 octets to make a Message-ID")
        }
        let hex = Array("0123456789ABCDEF".utf8)
        var local: [UInt8] = []
        for byte in key.utf8 {
            if EmailAddress.isAtext(byte) && byte != UInt8(ascii: "%") { local.append(byte) } else { local += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]] }
        }
        return "<" + String(decoding: local, as: UTF8.self) + "@artisanctl>"
    }

    /// An iCalendar METHOD is a token (RFC 5545: REQUEST, CANCEL, an x-name): anything else could
    /// break the Content-Type it is written into.
    static func method(_ method: String) throws -> String {
        let valid = !method.isEmpty && method.utf8.count <= 40
            && method.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
        guard valid else { throw ArtisanError.invalid(field: "calendar.method", "must be an iCalendar method such as REQUEST or CANCEL") }
        return method.uppercased()
    }
}
