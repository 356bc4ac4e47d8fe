/// "Did you mean" candidates: the one a prefix names, or the closest by edit distance when it is
/// close enough to be a typo. Leading dashes are not part of the name: `-z` is one letter, and
/// suggests nothing (`-d` is not a typo of it).
enum Suggestion {
    static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = name(word)
        if typed.count >= 2, let prefixed = candidates.first(where: { name($0).hasPrefix(typed) && $0.hasPrefix(word) }) {
            return prefixed
        }
        // One edit per three letters, and none for a name of one or two letters: anything
        // looser turns every short word into a suggestion (`xy` → `db`).
        let limit = typed.count < 3 ? 0 : max(1, typed.count / 3)
        return candidates
            .map { ($0, distance(typed, name($0))) }
            .filter { $0.1 <= limit && $0.1 < typed.count }
            .min { $0.1 < $1.1 }?.0
    }

    private static func name(_ word: String) -> String { String(word.drop { $0 == "-" }) }

    /// Edit distance counting an insertion, deletion, substitution or swap of two neighbours as
    /// one edit (optimal string alignment), so `mirgate` is one edit from `migrate`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
