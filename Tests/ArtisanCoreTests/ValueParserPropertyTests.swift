import ArtisanCore
import Testing
import TestSupport

/// The value parsers against a seeded generator: valid values always parse to themselves,
/// whatever parses prints back to text that parses to the same value, and random or mutated
/// text never traps nor yields a value out of range.
@Suite("Value parsers, property-tested")
struct ValueParserPropertyTests {
    @Test("money: every amount round-trips, garbage never exceeds 9,999,999.99 €")
    func money() {
        forAll(seed: 0x5EED_0001) { random in
            let cents = random.pick([random.int(0...999_999_999), random.int(0...99_999), 999_999_999, 0])
            let whole = String(cents / 100), fraction = cents % 100
            let written = random.pick([
                "\(whole).\(fraction < 10 ? "0" : "")\(fraction)", "\(whole),\(fraction < 10 ? "0" : "")\(fraction)",
                fraction == 0 ? whole : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)",
                fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole),\(fraction < 10 ? "0" : "")\(fraction)",
            ])
            guard Money(euros: written)?.cents == cents else { return "'\(written)' should be \(cents) cents" }
            let text = random.hostile(near: written)
            guard let parsed = Money(euros: text) else { return nil }
            guard (0...999_999_999).contains(parsed.cents) else { return "'\(text)' gave \(parsed.cents) cents" }
            return Money(euros: parsed.description) == parsed ? nil : "'\(text)' → \(parsed) does not parse back"
        }
    }

    @Test("deposit rates: every hundredth round-trips both ways, garbage stays within 0…1")
    func depositRates() {
        forAll(seed: 0x5EED_0002) { random in
            let hundredths = random.int(0...100)
            let rate = DepositRate(hundredths: hundredths)!
            let written = random.pick([rate.description, rate.percent, rate.description.replacing(".", with: ",")])
            guard DepositRate(written)?.hundredths == hundredths else { return "'\(written)' should be \(hundredths)/100" }
            let text = random.hostile(near: written)
            guard let parsed = DepositRate(text) else { return nil }
            guard (0...100).contains(parsed.hundredths) else { return "'\(text)' gave \(parsed.hundredths)/100" }
            return DepositRate(parsed.description) == parsed && DepositRate(parsed.percent) == parsed ? nil : "'\(text)' → \(parsed) does not parse back"
        }
    }

    @Test("dates: every day of 0001…9999 round-trips, garbage yields only real days")
    func dates() {
        forAll(seed: 0x5EED_0003) { random in
            let date = LocalDate(daysSinceEpoch: random.int(LocalDate.dayRange))
            guard LocalDate(date.description) == date else { return "\(date) does not parse back" }
            let text = random.hostile(near: date.description)
            guard let parsed = LocalDate(text) else { return nil }
            guard LocalDate(year: parsed.year, month: parsed.month, day: parsed.day) == parsed, LocalDate.dayRange.contains(parsed.daysSinceEpoch) else {
                return "'\(text)' gave the impossible \(parsed.year)-\(parsed.month)-\(parsed.day)"
            }
            return parsed.description == text ? nil : "'\(text)' → \(parsed), written differently"
        }
    }

    @Test("times: every minute of 00:00…24:00 round-trips, garbage stays within the day")
    func times() {
        forAll(seed: 0x5EED_0004) { random in
            let time = TimeOfDay(minutes: random.int(0...1440))!
            guard TimeOfDay(time.description) == time else { return "\(time) does not parse back" }
            let text = random.hostile(near: time.description)
            guard let parsed = TimeOfDay(text) else { return nil }
            guard (0...1440).contains(parsed.minutes) else { return "'\(text)' gave minute \(parsed.minutes)" }
            return parsed.description == text ? nil : "'\(text)' → \(parsed), written differently"
        }
    }

    @Test("time ranges: every start before its end round-trips, garbage never ends before it starts")
    func timeRanges() {
        forAll(seed: 0x5EED_0005) { random in
            let start = random.int(0...1439), end = random.int(start + 1...1440)
            let written = "\(TimeOfDay(minutes: start)!)-\(TimeOfDay(minutes: end)!)"
            guard (try? Validate.timeRange(written))?.description == written else { return "'\(written)' does not parse back" }
            let text = random.hostile(near: written)
            guard let parsed = try? Validate.timeRange(text) else { return nil }
            guard parsed.start < parsed.end, parsed.start.minutes < 1440, parsed.end.minutes <= 1440 else { return "'\(text)' gave \(parsed)" }
            return (try? Validate.timeRange(parsed.description)) == parsed ? nil : "'\(text)' → \(parsed) does not parse back"
        }
    }

    @Test("day ranges: every set of days round-trips, garbage yields only days 0…6, once each, Monday first")
    func dayRanges() {
        let names = Weekday.mondayFirst.map(\.description)
        forAll(seed: 0x5EED_0006) { random in
            let first = random.int(0...6), last = random.int(0...6)
            let written = random.pick(["\(names[first])-\(names[last])", "\(names[first]),\(names[last])", "\(Weekday.mondayFirst[first].number)"])
            guard let days = Weekday.parseSet(written), days.contains(Weekday.mondayFirst[first]) else { return "'\(written)' lost \(names[first])" }
            let text = random.hostile(near: written)
            guard let parsed = Weekday.parseSet(text) else { return nil }
            guard !parsed.isEmpty, parsed == parsed.sorted(), Set(parsed).count == parsed.count, parsed.allSatisfy({ (0...6).contains($0.number) }) else {
                return "'\(text)' gave \(parsed)"
            }
            let printed = parsed.map(\.description).joined(separator: ",")
            return Weekday.parseSet(printed) == parsed ? nil : "'\(text)' → '\(printed)' does not parse back"
        }
    }

    @Test("durations and counts: whole numbers within the rule, whatever the text")
    func durations() {
        forAll(seed: 0x5EED_0007) { random in
            let granularity = random.pick(SchedulingSettings.granularities)
            let minutes = granularity * random.int(1...1440 / granularity)
            guard (try? Validate.duration(String(minutes), granularity: granularity)) == minutes else { return "\(minutes) min refused" }
            let text = random.hostile(near: String(minutes))
            if let parsed = try? Validate.duration(text, granularity: granularity) {
                guard (1...1440).contains(parsed), parsed % granularity == 0 else { return "'\(text)' gave \(parsed) min" }
                guard (try? Validate.duration(String(parsed), granularity: granularity)) == parsed else { return "'\(text)' → \(parsed) does not parse back" }
            }
            if let days = try? Validate.integer(text, field: "--days", in: 1...366, unit: "days"), !(1...366).contains(days) {
                return "'\(text)' gave \(days) days"
            }
            if let buffer = try? Validate.buffer(text, field: "--buffer-after"), !(0...480).contains(buffer) {
                return "'\(text)' gave a buffer of \(buffer) min"
            }
            return nil
        }
    }

    @Test("instants: every one round-trips through any offset, garbage stays within 0001…9999")
    func instants() {
        // A day inside each end, so that the local date of any offset is still a four-digit year.
        let inner = (Timestamp.range.lowerBound + 86_400_000_000)...(Timestamp.range.upperBound - 86_400_000_000)
        forAll(seed: 0x5EED_0008) { random in
            let instant = Timestamp(microsecondsSinceEpoch: Int64.random(in: inner, using: &random))
            let offset = 60 * random.int(-15 * 60...15 * 60)
            let written = instant.iso8601(offsetSeconds: offset)
            guard Timestamp(iso8601: written) == instant else { return "'\(written)' does not parse back to \(instant.microseconds) µs" }
            let text = random.hostile(near: written)
            guard let parsed = Timestamp(iso8601: text) else { return nil }
            guard Timestamp.range.contains(parsed.microseconds) else { return "'\(text)' gave \(parsed.microseconds) µs" }
            return Timestamp(iso8601: parsed.iso8601()) == parsed ? nil : "'\(text)' → \(parsed) does not parse back"
        }
    }

    @Test("instants moved by any amount stay within 0001…9999")
    func instantArithmetic() {
        forAll(seed: 0x5EED_0009) { random in
            let instant = Timestamp(microsecondsSinceEpoch: Int64.random(in: Timestamp.range, using: &random))
            let seconds = random.pick([Int64.random(in: .min ... .max, using: &random), .max, .min, Int64(random.int(-1_000_000...1_000_000))])
            let minutes = random.pick([Int.random(in: .min ... .max, using: &random), .max, .min, random.int(-100_000...100_000)])
            let days = random.pick([Int.random(in: .min ... .max, using: &random), .max, .min, random.int(-1000...1000)])
            let moved = [instant.adding(seconds: seconds), instant.adding(minutes: minutes)]
            guard moved.allSatisfy({ Timestamp.range.contains($0.microseconds) }) else { return "\(instant) moved out of range" }
            let date = LocalDate(daysSinceEpoch: random.int(LocalDate.dayRange)).adding(days: days)
            return LocalDate.dayRange.contains(date.daysSinceEpoch) ? nil : "a date moved by \(days) days left 0001…9999"
        }
    }
}
