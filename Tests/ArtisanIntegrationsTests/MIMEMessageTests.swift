import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing
import TestSupport

/// The MIME builder, read back by Tests/Fixtures/mail_oracle.py (Python's `email`): random texts
/// round-trip exactly, every line ends with CRLF and stays within 998 octets, headers cannot be
/// smuggled in, the date is the clock's.
@Suite("MIME message")
struct MIMEMessageTests {
    typealias T = NotifyTestData

    /// Pieces that trouble encoders: dot lines, "From " lines, boundaries, `=`, trailing blanks,
    /// every line-break spelling, a word far beyond 998 octets, non-ASCII of 2, 3 and 4 octets.
    static let pieces = [
        ".", "..", "\n.\n", "\r\n.\r\n", "From ", "\nFrom me\n", "--=_artisanctl_alternative", "--=_artisanctl_mixed--", "=", "=0A", "=?UTF-8?B?QQ==?=",
        " ", "\t", "  \n", " \r\n", "\r", "\n", "\r\n", "\n\r", "é", "Réservation confirmée — Léa", "日本語", "🧱🔨", "\u{0}", "\u{7F}", "\u{85}",
        "\u{2028}", "Bonjour", "word", String(repeating: "x", count: 1200), String(repeating: "é", count: 700), String(repeating: "=", count: 90),
        String(repeating: " ", count: 100),
    ]

    static func text(_ random: inout SeededGenerator) -> String {
        (0..<random.below(30)).map { _ in random.pick(pieces) }.joined()
    }

    /// A one-line value (subject, display name): no control characters.
    static func line(_ random: inout SeededGenerator) -> String {
        let words = ["Réservation", "confirmée", "—", "Léa", "Martin", "O'Brien", "\"quoted\"", "a,b", "x<y>", "=?", "?=", "🧱", "日本",
                     String(repeating: "long", count: 40), "  ", " ", "AC-7K2Q", "\\"]
        return (0..<random.below(12)).map { _ in random.pick(words) }.joined(separator: random.pick([" ", "", "  "]))
    }

    /// CRLF everywhere, 7-bit, no line over 998 octets, none over 78 here (short addresses and keys).
    static func checkLines(_ bytes: [UInt8]) {
        #expect(bytes.count >= 2 && bytes.suffix(2) == [13, 10])
        var length = 0, previous: UInt8 = 0
        for byte in bytes {
            if byte == 10 {
                #expect(previous == 13, "a line feed without its carriage return")
                #expect(length - 1 <= 78, "a line of \(length - 1) octets")
                length = 0
            } else {
                if previous == 13 { Issue.record("a carriage return without its line feed") }
                length += 1
            }
            #expect(byte < 128, "MIME output is 7-bit")
            previous = byte
        }
    }

    @Test("random texts, HTML, subjects and names round-trip exactly through Python's email; lines end CRLF within 998 octets")
    func roundTrip() throws {
        var random = SeededGenerator(seed: 20_261_126)
        for index in 0..<40 {
            let text = Self.text(&random)
            let html = random.below(4) == 0 ? nil : Self.text(&random)
            let subject = Self.line(&random)
            let name = Self.line(&random)
            let calendar = random.below(2) == 0 ? CalendarAttachment(method: "REQUEST", content: T.invitation) : nil
            let to = try EmailAddress(address: "client\(index)@example.com", name: name, field: "to")
            let message = try MIMEMessage(from: T.sender, to: to, subject: subject, text: text, html: html, calendar: calendar,
                                          idempotencyKey: "notif-\(index)", date: T.now)
            Self.checkLines(message.bytes)
            let mail = try MailOracle.read(bytes: message.bytes)
            #expect(mail["text"] as? String == text, "case \(index): text \(text.debugDescription)")
            #expect(mail["html"] as? String == html, "case \(index): html")
            let headers = try #require(mail["headers"] as? [String: Any])
            #expect(headers["Subject"] as? String == subject, "case \(index): subject \(subject.debugDescription)")
            let addresses = try #require(mail["addresses"] as? [String: [[String: String]]])
            // A name of more than one encoded-word: Python's address parser keeps the blank between
            // them (RFC 2047 says to drop it), so its reading has a space more where they join.
            let read = addresses["To"]?.first?["name"]
            let expected = to.name ?? ""
            if expected.utf8.count <= 42 {
                #expect(read == expected, "case \(index): name \(name.debugDescription)")
            } else {
                #expect(read?.filter { $0 != " " } == expected.filter { $0 != " " }, "case \(index): name \(name.debugDescription)")
            }
            #expect(addresses["To"]?.first?["address"] == to.address)
            #expect((mail["defects"] as? [Any])?.isEmpty == true, "case \(index): \(mail["defects"] ?? "")")
            #expect((mail["calendars"] as? [Any])?.count == (calendar == nil ? 0 : 2))
        }
    }

    @Test("without a calendar the message is multipart/alternative, even with text alone")
    func shapes() throws {
        let to = try EmailAddress(address: "lea@example.com")
        let both = try MIMEMessage(from: T.sender, to: to, subject: "Hi", text: "t", html: "<p>h</p>", calendar: nil, idempotencyKey: "k", date: T.now)
        let alternative = try #require(try MailOracle.read(bytes: both.bytes)["structure"] as? [String: Any])
        #expect(alternative["contentType"] as? String == "multipart/alternative")
        #expect((alternative["parts"] as? [[String: Any]])?.map { $0["contentType"] as? String } == ["text/plain", "text/html"])

        let plain = try MIMEMessage(from: T.sender, to: to, subject: "Hi", text: "t", html: nil, calendar: nil, idempotencyKey: "k", date: T.now)
        let single = try #require(try MailOracle.read(bytes: plain.bytes)["structure"] as? [String: Any])
        #expect(single["contentType"] as? String == "multipart/alternative")
        let part = try #require((single["parts"] as? [[String: Any]])?.first)
        #expect(part["contentType"] as? String == "text/plain")
        #expect(part["transferEncoding"] as? String == "quoted-printable")
    }

    @Test("a subject with line breaks stays one header: nothing is smuggled in")
    func headerInjection() throws {
        let to = try EmailAddress(address: "lea@example.com")
        let message = try MIMEMessage(from: T.sender, to: to, subject: "Hello\r\nBcc: evil@example.com\nX-Evil: 1", text: "t", html: nil,
                                      calendar: nil, idempotencyKey: "k", date: T.now)
        let mail = try MailOracle.read(bytes: message.bytes)
        let headers = try #require(mail["headers"] as? [String: Any])
        #expect(headers["Subject"] as? String == "Hello  Bcc: evil@example.com X-Evil: 1")
        let text = String(decoding: message.bytes, as: UTF8.self)
        #expect(!text.contains("\r\nBcc:") && !text.contains("\r\nX-Evil:"))
    }

    @Test("the Date is the given instant in RFC 5322 form, the Message-ID a valid one whatever the key")
    func dateAndMessageID() throws {
        let to = try EmailAddress(address: "lea@example.com")
        for (instant, expected) in [("2026-03-10T08:00:00Z", "Tue, 10 Mar 2026 08:00:00 +0000"), ("2026-10-25T01:59:59Z", "Sun, 25 Oct 2026 01:59:59 +0000"),
                                    ("1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 +0000"), ("2028-02-29T12:00:00Z", "Tue, 29 Feb 2028 12:00:00 +0000")] {
            let date = try #require(Timestamp(iso8601: instant))
            let message = try MIMEMessage(from: T.sender, to: to, subject: "s", text: "t", html: nil, calendar: nil, idempotencyKey: "k", date: date)
            let raw = try #require(try MailOracle.read(bytes: message.bytes)["rawHeaders"] as? [String: Any])
            #expect(raw["Date"] as? String == expected)
        }
        let hostile = try MIMEMessage(from: T.sender, to: to, subject: "s", text: "t", html: nil, calendar: nil, idempotencyKey: "a b<c>..d@e\r\n%é",
                                      date: T.now)
        #expect(hostile.messageID == "<a%20b%3Cc%3E%2E%2Ed%40e%0D%0A%25%C3%A9@artisanctl>")
        let headers = try #require(try MailOracle.read(bytes: hostile.bytes)["headers"] as? [String: Any])
        #expect(headers["Message-ID"] as? String == hostile.messageID)
        #expect(throws: ArtisanError.self) {
            try MIMEMessage(from: T.sender, to: to, subject: "s", text: "t", html: nil, calendar: nil, idempotencyKey: "", date: T.now)
        }
    }

    @Test("a calendar method that is not a token is refused as .invalid")
    func calendarMethod() throws {
        let to = try EmailAddress(address: "lea@example.com")
        let error = #expect(throws: ArtisanError.self) {
            try MIMEMessage(from: T.sender, to: to, subject: "s", text: "t", html: nil, calendar: CalendarAttachment(method: "REQUEST\r\nX: 1", content: "x"),
                            idempotencyKey: "k", date: T.now)
        }
        #expect(error?.kind == .invalid)
    }
}
