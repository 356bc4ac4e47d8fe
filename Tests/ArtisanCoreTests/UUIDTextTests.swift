import ArtisanCore
import Foundation
import Testing
import TestSupport

/// Our UUID text against Foundation's, the reader and writer we did not write.
@Suite("UUID text")
struct UUIDTextTests {
    @Test("random UUIDs print as Foundation's lowercased text and read back, in either case")
    func roundTrips() {
        forAll(2000, seed: 0x55_1D) { random in
            let id = UUID(uuid: (random.byte(), random.byte(), random.byte(), random.byte(), random.byte(), random.byte(), random.byte(),
                                 random.byte(), random.byte(), random.byte(), random.byte(), random.byte(), random.byte(), random.byte(),
                                 random.byte(), random.byte()))
            let text = id.lowercasedText
            guard text == id.uuidString.lowercased() else { return "\(text) is not Foundation's \(id.uuidString)" }
            guard UUID(text: text) == id, UUID(text: id.uuidString) == id else { return "\(text) does not read back" }
            return nil
        }
    }

    @Test("anything but 8-4-4-4-12 hexadecimal digits is refused; what we read, Foundation reads the same")
    func refuses() {
        let valid = "0b7e2d4c-95c3-4f0a-8a6e-2f1d3c4b5a69"
        forAll(3000, seed: 0x55_1E) { random in
            let text = random.hostile(near: valid)
            let ours = UUID(text: text)
            let foundations = UUID(uuidString: text)
            // Foundation's sscanf also lets blanks and signs into a field: on those alone may we differ, by refusing.
            let plain = text.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }
            guard ours == foundations || (!plain && ours == nil) else {
                return "\(text.debugDescription): ours \(String(describing: ours)), Foundation's \(String(describing: foundations))"
            }
            return nil
        }
        for text in ["", valid.uppercased() + "0", String(valid.dropLast()), valid.replacingOccurrences(of: "-", with: "_"),
                     "0b7e2d4c95c34f0a8a6e2f1d3c4b5a69", "{0b7e2d4c-95c3-4f0a-8a6e-2f1d3c4b5a69}", "0b7e2d4c-95c3-4f0a-8a6e-2f1d3c4b5a6g", "0b7e2d4c-95c3-4f0a-8a6e-2f1d34\nb5a69",
                     " b7e2d4c-95c3-4f0a-8a6e-2f1d3c4b5a69", "+b7e2d4c-95c3-4f0a-8a6e-2f1d3c4b5a69"] {
            #expect(UUID(text: text) == nil, "\(text)")
        }
    }

    @Test("random() draws distinct version 4 UUIDs of the RFC 4122 variant")
    func random() {
        let drawn = (0..<1000).map { _ in UUID.random() }
        #expect(Set(drawn).count == drawn.count)
        for id in drawn {
            let text = id.lowercasedText
            #expect(Array(text)[14] == "4", "\(text)")
            #expect("89ab".contains(Array(text)[19]), "\(text)")
        }
    }
}

private extension SeededGenerator {
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}
