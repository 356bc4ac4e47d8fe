/// How one customer is recognised in stored text: the e-mail they booked with, and the names and
/// phones their bookings hold (a customer may have typed their name differently from one booking
/// to the next). Matching ignores case and stops at word edges, so `marie@example.com` is not
/// found inside `annemarie@example.com`, nor the name `Al` inside `Alain`.
public struct CustomerIdentity: Sendable, Equatable {
    public let email: String
    /// Longest first, so that `Marie Curie` is replaced whole before a shorter name could be.
    public let names: [String]
    /// As stored on the bookings and as SMS recipients are written (E.164).
    public let phones: [String]

    public init(email: String, customers: [Customer]) {
        self.email = email.lowercased()
        let names = customers.map(\.name).filter { $0.count >= 2 && $0 != Customer.anonymisedName }
        self.names = Array(Set(names)).sorted { ($0.count, $0) > ($1.count, $1) }
        let phones = customers.compactMap(\.phone).flatMap { [$0] + (NotificationPlanner.e164($0).map { [$0] } ?? []) }
        self.phones = Array(Set(phones.filter { !$0.isEmpty })).sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// What a store looks for, case-insensitively, in rows that are not linked to the customer's
    /// bookings; `mentions(in:)` decides. A single-word name identifies no one there (the
    /// artisan's own calendar may say "Léa" of someone else), so only full names are searched.
    public var searchTerms: [String] { [email] + phones + names.filter(\.isFullName) }

    /// Whether text not linked to the customer's bookings names them (e-mail, phone or full name).
    public func mentions(in text: String) -> Bool {
        let characters = Array(text)
        return TermMatcher(term: email, kind: .email).firstMatch(in: characters, from: 0) != nil
            || phones.contains { TermMatcher(term: $0, kind: .phone).firstMatch(in: characters, from: 0) != nil }
            || names.filter(\.isFullName).contains { TermMatcher(term: $0, kind: .name).firstMatch(in: characters, from: 0) != nil }
    }

    /// The text with the e-mail and phones removed and every name replaced by `Anonymisé`.
    public func scrub(_ text: String) -> String {
        var characters = Array(text)
        for (term, kind) in [(email, TermMatcher.Kind.email)] + phones.map { ($0, .phone) } + names.map { ($0, .name) } {
            let replacement = kind == .name ? Array(Customer.anonymisedName) : []
            characters = TermMatcher(term: term, kind: kind).replacing(in: characters, with: replacement)
        }
        return String(characters)
    }

    /// Whether the text names the customer in any way `scrub` would change.
    public func isNamed(in text: String) -> Bool { scrub(text) != text }
}

extension String {
    /// At least two words: a first and a last name.
    fileprivate var isFullName: Bool { split(whereSeparator: { $0 == " " }).count >= 2 }
}

/// Finds one term in text, ignoring case, where it stands on its own: no letter or digit (nor, for
/// an e-mail, another character of an address) right before or after it.
public struct TermMatcher: Sendable {
    public enum Kind: Sendable { case email, phone, name }

    let term: [Character]
    let kind: Kind

    public init(term: String, kind: Kind) {
        self.term = Array(term)
        self.kind = kind
    }

    public func firstMatch(in text: [Character], from start: Int) -> Int? {
        guard !term.isEmpty, text.count >= term.count else { return nil }
        var index = start
        while index + term.count <= text.count {
            if matches(text, at: index), !continues(text, before: index), !continues(text, after: index + term.count) { return index }
            index += 1
        }
        return nil
    }

    public func replacing(in text: [Character], with replacement: [Character]) -> [Character] {
        var result: [Character] = []
        var position = 0
        while let found = firstMatch(in: text, from: position) {
            result += text[position..<found] + replacement
            position = found + term.count
        }
        return result + text[position...]
    }

    private func matches(_ text: [Character], at index: Int) -> Bool {
        for offset in term.indices where text[index + offset].lowercased() != term[offset].lowercased() { return false }
        return true
    }

    private static let addressCharacters = Set("._%+-!#$&'*/=?^`{|}~")

    /// Whether the character before `index` would make the match part of a longer word.
    private func continues(_ text: [Character], before index: Int) -> Bool {
        guard index > 0 else { return false }
        let previous = text[index - 1]
        return previous.isLetter || previous.isNumber || (kind == .email && Self.addressCharacters.contains(previous))
            || (kind == .phone && previous == "+")
    }

    /// Whether the character at `index` continues the match into a longer word (a longer domain,
    /// a longer number, a longer name).
    private func continues(_ text: [Character], after index: Int) -> Bool {
        guard index < text.count else { return false }
        let next = text[index]
        if next.isLetter || next.isNumber { return true }
        if kind == .email, next == "-" || next == "." {
            return index + 1 < text.count && (text[index + 1].isLetter || text[index + 1].isNumber)
        }
        return false
    }
}
