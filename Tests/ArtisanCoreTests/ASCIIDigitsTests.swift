import ArtisanCore
import Testing
import TestSupport

@Suite("ASCIIDigits")
struct ASCIIDigitsTests {
    @Test("append writes the decimal digits Swift's String(_:) writes, zero-padded to the width, after what is there")
    func appendMatchesStringDescription() {
        let edges = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 123_456, Int.max, Int.max - 1, 1_000_000_000_000_000_000]
        forAll(3000, seed: 0xD161) { random in
            let value = random.chance(20) ? random.pick(edges) : random.chance(50) ? random.int(0...9999) : random.int(0...Int.max)
            let width = random.int(0...21)
            var bytes = Array("x:".utf8)
            ASCIIDigits.append(value, width: width, to: &bytes)
            let digits = String(value)
            let expected = "x:" + String(repeating: "0", count: max(0, width - digits.count)) + digits
            let written = String(decoding: bytes, as: UTF8.self)
            return written == expected ? nil : "\(value) width \(width): \(written), not \(expected)"
        }
    }

    @Test("every two-digit field, and the first three-digit one, as String(_:) pads them")
    func twoDigitFields() {
        for value in 0...100 {
            var bytes = Array("T".utf8)
            ASCIIDigits.append(value, width: 2, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "T" + (value < 10 ? "0" : "") + String(value))
        }
    }
}
