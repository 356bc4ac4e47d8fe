import Testing
import TestSupport

/// Draws for the parsers' property tests.
extension SeededGenerator {
    /// Pieces hostile input is made of: digits and separators of every format we read, signs,
    /// numbers no integer holds, NaN and infinities, blanks and controls, look-alike digits.
    static let atoms = [
        "0", "1", "2", "3", "5", "6", "9", "00", "24", "59", "60", "99", "2026", "13", "31", "-", "+", ":", ".", ",", "%", "/", " ",
        "\t", "\n", "\u{0}", "\u{1b}[31m", "a", "e", "E", "M", "J", "T", "Z", "<", ">", "é", "e\u{301}", "٣", "９", "nan", "inf",
        "1e999", "99999999999999999999", "-99999999999999999999", "9223372036854775807", "9223372036854775808",
        "mon", "fri", "sun", "lun", "ven", "CET", "CEST",
    ]

    /// A string of up to `atoms` random pieces.
    mutating func garbage(atoms count: Int = 10) -> String { garbage(Self.atoms, count: count) }

    mutating func mutate(_ text: String) -> String { mutate(text, atoms: Self.atoms) }

    /// Half the time garbage, half the time a valid sample mutated.
    mutating func hostile(near valid: String) -> String { chance(50) ? garbage() : mutate(valid) }
}

/// Checks a property on `cases` cases, case `k` drawn from `SeededGenerator(seed: seed + k)`. The
/// property returns nil when it holds, else what went wrong; the first failure is recorded
/// with its seed, and the run stops there.
func forAll(_ cases: Int = 3000, seed: UInt64, _ property: (inout SeededGenerator) throws -> String?,
            sourceLocation: SourceLocation = #_sourceLocation) rethrows {
    for index in 0..<UInt64(cases) {
        var random = SeededGenerator(seed: seed &+ index)
        if let failure = try property(&random) {
            Issue.record("seed \(seed &+ index) (SeededGenerator): \(failure)", sourceLocation: sourceLocation)
            return
        }
    }
}
