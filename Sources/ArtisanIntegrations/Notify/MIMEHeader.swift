import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One header field of RFC 5322, folded to lines of at most 78 characters where it can be
/// (a single address longer than that gets a line of its own, still far below 998 octets).
/// Non-ASCII text goes into RFC 2047 encoded-words (`=?UTF-8?B?…?=`), each at most 75 characters
/// and holding whole characters.
struct MIMEHeader {
    let name: String
    /// The value as pieces that may not be split; folding puts a line break before any of them.
    let tokens: [String]

    /// `Subject: …`: plain words when the text is ASCII that reads back exactly, else encoded-words.
    /// Control characters (line breaks, tabs) become spaces: a subject is one line.
    static func unstructured(_ name: String, _ text: String) -> MIMEHeader {
        let oneLine = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        if oneLine.isEmpty { return MIMEHeader(name: name, tokens: []) }
        return MIMEHeader(name: name, tokens: plainWords(oneLine) ?? encodedWords(oneLine))
    }

    /// `From: Name <address>`, the name as atoms when it is plain ASCII words, else encoded-words.
    static func mailbox(_ name: String, _ mailbox: EmailAddress) -> MIMEHeader {
        let address = "<\(mailbox.address)>"
        guard let display = mailbox.name else { return MIMEHeader(name: name, tokens: [mailbox.address]) }
        let words = plainWords(display).flatMap { words in words.allSatisfy { $0.utf8.allSatisfy(EmailAddress.isAtext) } ? words : nil }
        return MIMEHeader(name: name, tokens: (words ?? encodedWords(display)) + [address])
    }

    static func field(_ name: String, _ value: String) -> MIMEHeader {
        MIMEHeader(name: name, tokens: [value])
    }

    /// `Name: token token…` with CRLF SP between lines, no line over 78 characters unless one token is.
    var lines: [String] {
        var lines: [String] = []
        var current = name + ":"
        for token in tokens {
            if current.utf8.count + 1 + token.utf8.count > 78 && current != name + ":" {
                lines.append(current)
                current = ""
            }
            current += " " + token
        }
        lines.append(current)
        return lines
    }

    /// The words of `text` when writing them separated by single spaces gives `text` back to a
    /// reader: printable ASCII, single spaces, no leading or trailing one, nothing a reader would
    /// take for an encoded-word, no word too long for a line.
    private static func plainWords(_ text: String) -> [String]? {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let plain = text.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !text.contains("=?")
        guard plain, words.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 60 }) else { return nil }
        return words
    }

    /// Encoded-words of at most 42 octets of UTF-8 each (56 base64 characters, 68 in all: one fits
    /// after `Subject: ` within 78), cut
    /// between Unicode scalars so each decodes alone, after a space where there is one: readers
    /// that wrongly keep the blank between encoded-words (Python's address parser) then show one
    /// space more, not a space inside a word.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [Unicode.Scalar] = []
        func octets(_ scalars: some Sequence<Unicode.Scalar>) -> [UInt8] { scalars.flatMap { Array(String($0).utf8) } }
        for scalar in text.unicodeScalars {
            if octets(chunk).count + String(scalar).utf8.count > 42 {
                let cut = chunk.lastIndex(of: " ").map { $0 + 1 } ?? chunk.count
                words.append(encodedWord(octets(chunk[..<cut])))
                chunk.removeFirst(cut)
            }
            chunk.append(scalar)
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(octets(chunk))) }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// RFC 5322 §3.3 in UTC: `Tue, 10 Mar 2026 08:00:00 +0000`.
    static func date(_ instant: Timestamp) -> String {
        let seconds = instant.secondsSinceEpoch
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let day = LocalDate(daysSinceEpoch: days)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { ASCIIDigits.padded(value, width: 2) }
        return "\(weekdays[day.dayOfWeek]), \(two(day.day)) \(months[day.month - 1]) \(ASCIIDigits.padded(day.year, width: 4)) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }
}
