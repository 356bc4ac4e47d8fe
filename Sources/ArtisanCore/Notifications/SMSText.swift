/// SMS bodies stay within two segments: 304 GSM-7 septets (an extension character counts two), or
/// 132 UTF-16 units when any character needs UCS-2 — two less than two full segments, as a pair
/// that would straddle a segment's end moves whole to the next. Longer text is cut at a word with "..."
public enum SMSText {
    static let basic = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let extended = Set("^{}\\[~]|€\u{0C}")

    /// Septets in GSM-7, or nil when the text needs UCS-2.
    public static func septets(_ text: String) -> Int? {
        var count = 0
        for character in text {
            if basic.contains(character) { count += 1 } else if extended.contains(character) { count += 2 } else { return nil }
        }
        return count
    }

    public static func fits(_ text: String) -> Bool {
        if let septets = septets(text) { return septets <= 304 }
        return text.utf16.count <= 132
    }

    public static func fit(_ text: String) -> String {
        guard !fits(text) else { return text }
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        while !words.isEmpty {
            words.removeLast()
            let candidate = words.joined(separator: " ") + "..."
            if fits(candidate) { return candidate }
        }
        var characters = Array(text)
        while !characters.isEmpty, !fits(String(characters) + "...") { characters.removeLast() }
        return String(characters) + "..."
    }
}
