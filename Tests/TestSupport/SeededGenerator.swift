/// Deterministic randomness for reproducible property and fuzz tests: SplitMix64 (Steele, Lea,
/// Flood), so that a failing case is named by its seed and replayed exactly with `SeededGenerator(seed:)`.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// An index below `bound` (at least 1).
    public mutating func below(_ bound: Int) -> Int { int(0...max(bound, 1) - 1) }

    public mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    public mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    /// Up to `count` random pieces of `atoms`, joined.
    public mutating func garbage(_ atoms: [String], count: Int) -> String {
        (0..<int(0...count)).map { _ in pick(atoms) }.joined()
    }

    /// `text` with one to three random edits: a piece of `atoms` inserted, a character dropped or
    /// replaced, the text cut short or doubled.
    public mutating func mutate(_ text: String, atoms: [String]) -> String {
        var characters = Array(text)
        for _ in 0..<int(1...3) {
            let index = int(0...characters.count)
            switch int(0...4) {
            case 0: characters.insert(contentsOf: pick(atoms), at: index)
            case 1 where index < characters.count: characters.remove(at: index)
            case 2 where index < characters.count: characters.replaceSubrange(index...index, with: pick(atoms))
            case 3: characters = Array(characters.prefix(index))
            default: characters += characters
            }
        }
        return String(characters)
    }
}
