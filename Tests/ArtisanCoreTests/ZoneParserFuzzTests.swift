import ArtisanCore
import Foundation
import Testing
import TestSupport

/// Every TZif file of the system's tz database, by name, in a fixed order.
let systemZoneFiles: [(name: String, bytes: [UInt8])] = {
    let root = "/usr/share/zoneinfo/"
    let names = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
    return names.compactMap { name in
        guard let data = FileManager.default.contents(atPath: root + name), data.starts(with: Array("TZif".utf8)) else { return nil }
        return (name, [UInt8](data))
    }
}()

/// The POSIX TZ string at the end of a TZif v2+ file, as written there.
func footerText(_ bytes: [UInt8]) -> String? {
    guard bytes.last == UInt8(ascii: "\n"), let start = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n")) else { return nil }
    let text = String(decoding: bytes[(start + 1)..<(bytes.count - 1)], as: UTF8.self)
    return text.isEmpty ? nil : text
}

/// Offsets a zone may have: RFC 8536's ±25:59:59, which also bounds a POSIX rule's 24 h plus an hour of daylight time.
let plausibleOffsets = -93_599...93_599

/// The TZ parsers (POSIX rules, TZif files) against real files, generated rules and seeded mutations.
@Suite("Zone parsers, fuzzed")
struct ZoneParserFuzzTests {
    @Test("every TZif file of the system parses, and so does its footer")
    func everySystemFile() throws {
        #expect(systemZoneFiles.count > 300, "tzdata is needed by this test")
        for (name, bytes) in systemZoneFiles {
            let rules = try ZoneRules.parse(name: name, bytes: bytes)
            if bytes[4] >= UInt8(ascii: "2"), let footer = footerText(bytes) {
                #expect(rules.footer != nil, "\(name): footer '\(footer)' refused")
            }
        }
    }

    @Test("generated POSIX TZ strings parse to the offsets they spell")
    func generatedRules() {
        forAll(seed: 0x5EED_0101) { random in
            let hours = random.int(0...24), minutes = random.pick([0, 30, 45, random.int(0...59)])
            let sign = random.pick(["", "+", "-"])
            let standard = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
            let name = random.pick(["CET", "EST", "<+0330>", "<-03>", "ABCDEF"])
            var text = "\(name)\(sign)\(hours)" + (minutes == 0 ? "" : ":\(minutes < 10 ? "0" : "")\(minutes)")
            let withDaylight = random.chance(50)
            if withDaylight {
                let month = random.int(1...12), week = random.int(1...5), weekday = random.int(0...6), time = random.int(-167...167)
                text += random.pick(["CEST", "<+04>"]) + ",M\(month).\(week).\(weekday)/\(time)," + random.pick(["J\(random.int(1...365))", "\(random.int(0...365))"])
            }
            guard let rule = PosixRule(text) else { return "'\(text)' refused" }
            guard rule.standardOffset == -standard, (rule.daylight != nil) == withDaylight else { return "'\(text)' read as \(rule)" }
            return rule.daylight.map { $0.offset == -standard + 3600 } ?? true ? nil : "'\(text)': daylight offset \(rule.daylight!.offset)"
        }
    }

    @Test("mutated and random POSIX TZ strings: refused, or offsets within ±26 h at any instant")
    func hostileRules() {
        let footers = systemZoneFiles.compactMap { footerText($0.bytes) }
        forAll(seed: 0x5EED_0102) { random in
            let text = random.hostile(near: random.pick(footers))
            guard let rule = PosixRule(text) else { return nil }
            let times = [rule.daylight?.start.time, rule.daylight?.end.time].compactMap { $0 }
            guard plausibleOffsets.contains(rule.standardOffset), plausibleOffsets.contains(rule.daylight?.offset ?? 0),
                  times.allSatisfy({ abs($0) < 168 * 3600 }) else { return "'\(text)' read as \(rule)" }
            let instant = Int64.random(in: .min ... .max, using: &random)
            return [rule.standardOffset, rule.daylight?.offset].contains(rule.offset(at: instant)) ? nil : "'\(text)' at \(instant)"
        }
    }

    @Test("mutated TZif files: refused, or rules whose offsets stay within ±26 h")
    func hostileFiles() {
        forAll(seed: 0x5EED_0103) { random in
            let (name, original) = random.pick(systemZoneFiles)
            var bytes = original
            for _ in 0..<random.int(1...4) {
                let index = random.int(0...bytes.count - 1)
                switch random.int(0...4) {
                case 0: bytes[index] = UInt8.random(in: 0 ... .max, using: &random)
                case 1: bytes = Array(bytes.prefix(index))
                case 2:
                    // A count of the first or second header replaced by a hostile 32-bit number.
                    let second = (1..<max(1, bytes.count - 3)).first { bytes[$0..<$0 + 4].elementsEqual("TZif".utf8) } ?? 0
                    let field = random.pick([0, second]) + random.pick([20, 24, 28, 32, 36, 40])
                    let value = random.pick([-1, Int32.min, Int32.max, Int32.random(in: .min ... .max, using: &random), Int32(random.int(0...300))])
                    if field + 4 <= bytes.count { bytes.replaceSubrange(field..<field + 4, with: withUnsafeBytes(of: value.bigEndian) { Array($0) }) }
                case 3: bytes.insert(contentsOf: random.garbage().utf8, at: index)
                default: bytes.removeSubrange(index..<min(bytes.count, index + random.int(1...64)))
                }
                if bytes.isEmpty { break }
            }
            guard let rules = try? ZoneRules.parse(name: name, bytes: bytes) else { return nil }
            let instant = Timestamp(microsecondsSinceEpoch: Int64.random(in: .min ... .max, using: &random))
            let offset = rules.offset(at: instant)
            guard plausibleOffsets.contains(offset) else { return "\(name) mutated: offset \(offset) at \(instant)" }
            _ = rules.localDate(at: instant)
            _ = rules.instants(on: rules.localDate(at: instant), minuteOfDay: random.int(0...1440))
            return nil
        }
    }
}
