import Testing

/// Deterministic randomness for reproducible property tests: SplitMix64 (Steele, Lea, Flood), so
/// that a failing case is named by its seed and replayed exactly with `SeededGenerator(seed:)`.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Draws for the parsers' property tests.
extension SeededGenerator {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...choices.count - 1)] }

    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    /// Pieces hostile input is made of: digits and separators of every format we read, signs,
    /// numbers no integer holds, NaN and infinities, blanks and controls, look-alike digits.
    static let atoms = [
        "0", "1", "2", "3", "5", "6", "9", "00", "24", "59", "60", "99", "2026", "13", "31", "-", "+", ":", ".", ",", "%", "/", " ",
        "\t", "\n", "\u{0}", "\u{1b}[31m", "a", "e", "E", "M", "J", "T", "Z", "<", ">", "é", "e\u{301}", "٣", "９", "nan", "inf",
        "1e999", "99999999999999999999", "-99999999999999999999", "9223372036854775807", "9223372036854775808",
        "mon", "fri", "sun", "lun", "ven", "CET", "CEST",
    ]

    /// A string of up to `atoms` random pieces.
    mutating func garbage(atoms count: Int = 10) -> String {
        (0..<int(0...count)).map { _ in pick(Self.atoms) }.joined()
    }

    /// `text` with one to three random edits: a piece inserted, a character dropped or replaced,
    /// the text cut short or doubled.
    mutating func mutate(_ text: String) -> String {
        var characters = Array(text)
        for _ in 0..<int(1...3) {
            let index = int(0...characters.count)
            switch int(0...4) {
            case 0: characters.insert(contentsOf: pick(Self.atoms), at: index)
            case 1 where index < characters.count: characters.remove(at: index)
            case 2 where index < characters.count: characters.replaceSubrange(index...index, with: pick(Self.atoms))
            case 3: characters = Array(characters.prefix(index))
            default: characters += characters
            }
        }
        return String(characters)
    }

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
