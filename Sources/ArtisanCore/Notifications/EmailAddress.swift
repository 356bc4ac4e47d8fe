/// An e-mail address and an optional display name, as `EMAIL_FROM` spells them
/// (`Léa Martin <lea@example.com>`, `"Martin, Léa" <lea@example.com>` or a bare `lea@example.com`).
///
/// Deliberately narrower than RFC 5322: an ASCII dot-atom local part (no quoted local parts, no
/// comments, no SMTPUTF8) and a domain of letters, digits and hyphens, which is what every provider
/// accepts. The display name may be any text without control characters; it is encoded where it
/// is written (RFC 2047 for a MIME header, plain JSON for SendGrid).
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let address: String
    public let name: String?

    /// An address and a name given apart; `field` names the setting or value in the error.
    public init(address: String, name: String? = nil, field: String = "EMAIL_FROM") throws {
        guard Self.isValidAddress(address) else {
            throw ArtisanError.invalid(field: field, "\(Self.quoted(address)) is not an e-mail address such as lea@example.com")
        }
        if let name, name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ArtisanError.invalid(field: field, "the display name may not hold control characters (line breaks, tabs)")
        }
        self.address = address
        // A display name's runs of spaces mean one space to every reader (RFC 5322 phrases).
        let words = name.map { Validate.trimmed($0).split(separator: " ").joined(separator: " ") }
        self.name = words.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `Name <address>`, `"Name" <address>`, `<address>` or `address`.
    public init(parsing text: String, field: String = "EMAIL_FROM") throws {
        let whole = Substring(Validate.trimmed(text))
        guard whole.last == ">" else {
            try self.init(address: String(whole), field: field)
            return
        }
        guard let open = whole.lastIndex(of: "<") else {
            throw ArtisanError.invalid(field: field, "\(Self.quoted(text)) has a \">\" without its \"<\"; write Name <address> or a bare address")
        }
        let address = String(whole[whole.index(after: open)..<whole.index(before: whole.endIndex)])
        let rawName = Substring(Validate.trimmed(whole[..<open]))
        try self.init(address: address, name: try Self.displayName(rawName, field: field), field: field)
    }

    /// `Name <address>`: for messages and logs, not for a MIME header.
    public var description: String {
        guard let name else { return address }
        return "\(name) <\(address)>"
    }

    /// A name in double quotes loses them (and its `\` escapes); an unquoted one may not hold the
    /// characters that would make the header mean something else.
    private static func displayName(_ raw: Substring, field: String) throws -> String? {
        if raw.isEmpty { return nil }
        if raw.first == "\"" {
            guard raw.count >= 2, raw.last == "\"" else {
                throw ArtisanError.invalid(field: field, "the display name opens a quote it does not close")
            }
            var name = "", escaped = false
            for character in raw.dropFirst().dropLast() {
                if escaped { name.append(character); escaped = false; continue }
                if character == "\\" { escaped = true; continue }
                if character == "\"" { throw ArtisanError.invalid(field: field, "the display name has a quote inside; escape it as \\\"") }
                name.append(character)
            }
            guard !escaped else { throw ArtisanError.invalid(field: field, "the display name ends with a lone \\") }
            return name
        }
        if raw.contains(where: { "<>\"@,;:".contains($0) }) {
            throw ArtisanError.invalid(field: field, "the display name holds one of < > \" @ , ; : — put it in double quotes")
        }
        return String(raw)
    }

    /// local@domain: dot-atom local part (RFC 5322 atext), domain labels of letters, digits and
    /// inner hyphens with at least one dot, 254 octets in all (RFC 5321's path limit).
    static func isValidAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= 64 else { return false }
        let localAtoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard localAtoms.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isAtext) }) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
            return first != UInt8(ascii: "-") && last != UInt8(ascii: "-") && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// RFC 5322 atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    public static func isAtext(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
    }

    /// The offending value in a message: quoted, on one line, cut short.
    private static func quoted(_ text: String) -> String {
        let oneLine = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return "\"" + (oneLine.count > 80 ? String(oneLine.prefix(80)) + "…" : oneLine) + "\""
    }
}
