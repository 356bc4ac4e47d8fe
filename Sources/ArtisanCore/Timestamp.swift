/// An instant as whole microseconds since 1970-01-01T00:00:00Z: PostgreSQL's own resolution,
/// exact to compare and to round-trip, with no floating point. Instants run from
/// 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z, as dates do; building or moving one past
/// either end stops there, so an absurd amount from outside (a provider's `expires_in`) never traps.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let microseconds: Int64

    /// The microseconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.
    public static let range: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999

    public init(microsecondsSinceEpoch: Int64) { microseconds = min(max(microsecondsSinceEpoch, Self.range.lowerBound), Self.range.upperBound) }
    public init(secondsSinceEpoch: Int64) { self.init(microsecondsSinceEpoch: secondsSinceEpoch.clampedMultiplied(by: 1_000_000)) }

    public init(date: LocalDate, minuteOfDay: Int = 0, offsetSeconds: Int = 0) {
        self = Timestamp(secondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400).adding(minutes: minuteOfDay)
            .adding(seconds: Int64(offsetSeconds).clampedMultiplied(by: -1))
    }

    public var secondsSinceEpoch: Int64 { microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000 }

    public func adding(minutes: Int) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microseconds.clampedAdding(Int64(minutes).clampedMultiplied(by: 60_000_000)))
    }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microseconds.clampedAdding(seconds.clampedMultiplied(by: 1_000_000)))
    }

    /// ISO 8601 with the given offset, e.g. `2026-11-24T09:30:00+01:00` (UTC prints `Z`).
    public func iso8601(offsetSeconds: Int = 0) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        appendISO8601(offsetSeconds: offsetSeconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same text, appended.
    public func appendISO8601(offsetSeconds: Int = 0, to bytes: inout [UInt8]) {
        let local = secondsSinceEpoch + Int64(offsetSeconds)
        let days = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        let secondOfDay = Int(local - Int64(days) * 86_400)
        let fraction = Int(microseconds - secondsSinceEpoch * 1_000_000)
        LocalDate(daysSinceEpoch: days).append(to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        ASCIIDigits.append(secondOfDay / 3600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        ASCIIDigits.append(secondOfDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        ASCIIDigits.append(secondOfDay % 60, width: 2, to: &bytes)
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            ASCIIDigits.append(fraction, width: 6, to: &bytes)
        }
        if offsetSeconds == 0 {
            bytes.append(UInt8(ascii: "Z"))
        } else {
            let magnitude = abs(offsetSeconds)
            bytes.append(UInt8(ascii: offsetSeconds < 0 ? "-" : "+"))
            ASCIIDigits.append(magnitude / 3600, width: 2, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            ASCIIDigits.append(magnitude / 60 % 60, width: 2, to: &bytes)
        }
    }

    public var description: String { iso8601() }

    /// Parses ISO 8601 / PostgreSQL output: `2026-11-24T20:08:46Z`, `2026-11-24 20:08:46.5+01`,
    /// `…+05:30`, `…-03:30:15`. An offset is required: an instant without one is ambiguous. Nil
    /// outside 0001-01-01T00:00:00Z…9999-12-31T23:59:59.999999Z.
    public init?(iso8601 text: some StringProtocol) {
        self.init(iso8601Bytes: Array(text.utf8))
    }

    /// The same for a String, the form rows arrive in: its bytes copied at once, not walked
    /// through the generic view (a 30-day availability reads hundreds of instants).
    public init?(iso8601 text: String) {
        self.init(iso8601Bytes: Array(text.utf8))
    }

    private init?(iso8601Bytes bytes: [UInt8]) {
        guard bytes.count >= 20, let date = LocalDate(utf8: bytes[0..<10]),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let hour = ASCIIDigits.value(bytes[11..<13]), hour < 24,
              let minute = ASCIIDigits.value(bytes[14..<16]), minute < 60,
              let second = ASCIIDigits.value(bytes[17..<19]), second < 60 else { return nil }
        var index = 19
        var fraction = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, let digit = ASCIIDigits.value(bytes[index..<index + 1]) {
                if digits < 6 { fraction = fraction * 10 + digit; digits += 1 }
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<6 { fraction *= 10 }
        }
        guard index < bytes.count, let offset = Timestamp.offsetSeconds(bytes[index...]) else { return nil }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        let microseconds = seconds * 1_000_000 + Int64(fraction)
        guard Self.range.contains(microseconds) else { return nil }
        self.microseconds = microseconds
    }

    /// `Z`, or a sign and `HH`, `HHMM`, `HH:MM` or `HH:MM:SS`, hours at most 15.
    private static func offsetSeconds(_ bytes: ArraySlice<UInt8>) -> Int? {
        if bytes.count == 1, bytes.first == UInt8(ascii: "Z") || bytes.first == UInt8(ascii: "z") { return 0 }
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let start = bytes.startIndex + 1
        func field(_ offset: Int) -> Int? { ASCIIDigits.value(bytes[start + offset..<start + offset + 2]) }
        func colon(_ offset: Int) -> Bool { bytes[start + offset] == UInt8(ascii: ":") }
        let fields: (hours: Int?, minutes: Int?, seconds: Int?)
        switch bytes.count - 1 {
        case 2: fields = (field(0), 0, 0)
        case 4: fields = (field(0), field(2), 0)
        case 5 where colon(2): fields = (field(0), field(3), 0)
        case 8 where colon(2) && colon(5): fields = (field(0), field(3), field(6))
        default: return nil
        }
        guard let hours = fields.hours, let minutes = fields.minutes, let seconds = fields.seconds,
              hours <= 15, minutes < 60, seconds < 60 else { return nil }
        let total = hours * 3600 + minutes * 60 + seconds
        return sign == UInt8(ascii: "-") ? -total : total
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }
}
