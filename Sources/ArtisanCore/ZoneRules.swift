/// The UTC offsets of one IANA time zone over time, read from a TZif file (RFC 8536): the
/// explicit transitions, then the footer's POSIX TZ rule for instants after the last one.
/// Pure: the caller reads the file. Answers wall-clock questions exactly, DST included.
public struct ZoneRules: Sendable {
    public let name: String
    /// Transition instants (seconds since the epoch) and the offset in force from each one on.
    let transitions: [Int64]
    let offsets: [Int]
    /// The offset before the first transition.
    let initialOffset: Int
    /// The rule after the last transition (the TZif footer), also what a VTIMEZONE describes.
    public let footer: PosixRule?

    public init(name: String, transitions: [Int64], offsets: [Int], initialOffset: Int, footer: PosixRule?) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.footer = footer
    }

    /// Seconds east of UTC in force at `instant`.
    public func offset(at instant: Timestamp) -> Int {
        let seconds = instant.secondsSinceEpoch
        if let last = transitions.last, seconds >= last, let footer { return footer.offset(at: seconds) }
        if transitions.isEmpty { return footer?.offset(at: seconds) ?? initialOffset }
        // The last transition at or before `seconds`.
        var low = 0, high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? initialOffset : offsets[low - 1]
    }

    /// The local calendar day at `instant`.
    public func localDate(at instant: Timestamp) -> LocalDate {
        let local = instant.secondsSinceEpoch + Int64(offset(at: instant))
        return LocalDate(daysSinceEpoch: Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400))
    }

    /// Minutes since local midnight at `instant`.
    public func localMinuteOfDay(at instant: Timestamp) -> Int {
        let local = instant.secondsSinceEpoch + Int64(offset(at: instant))
        let secondOfDay = ((local % 86_400) + 86_400) % 86_400
        return Int(secondOfDay / 60)
    }

    /// The instants at which the wall clock shows `minuteOfDay` on `date`, earliest first: none in a
    /// spring-forward gap, two in an autumn overlap, one otherwise. `minuteOfDay` may be 1440.
    public func instants(on date: LocalDate, minuteOfDay: Int) -> [Timestamp] {
        let wall = Int64(date.daysSinceEpoch) * 86_400 + Int64(minuteOfDay) * 60
        // The offsets in force a day either side cover every offset this wall time may have.
        var found: [Timestamp] = []
        for probe in stride(from: wall - 86_400, through: wall + 86_400, by: 86_400) {
            let candidate = Timestamp(secondsSinceEpoch: wall - Int64(offset(at: Timestamp(secondsSinceEpoch: probe))))
            if !found.contains(candidate), offset(at: candidate) == Int(wall - candidate.secondsSinceEpoch) { found.append(candidate) }
        }
        found.sort()
        return found
    }

    /// The first instant at which the wall clock shows `minuteOfDay` on `date`, or, in a gap, the
    /// instant the clock jumps over it (the next valid wall time): for day boundaries and closings.
    public func firstInstant(on date: LocalDate, minuteOfDay: Int) -> Timestamp {
        if let first = instants(on: date, minuteOfDay: minuteOfDay).first { return first }
        let wall = Int64(date.daysSinceEpoch) * 86_400 + Int64(minuteOfDay) * 60
        // In a gap the offset before it applies: that instant is already past the jump.
        return Timestamp(secondsSinceEpoch: wall - Int64(offset(at: Timestamp(secondsSinceEpoch: wall - 86_400))))
    }

    // MARK: - TZif

    public enum ParseError: Error, Equatable { case notTZif, truncated }

    /// UT offsets RFC 8536 allows: from −24:59:59 to +25:59:59.
    static let offsetRange = -89_999...93_599

    /// Parses TZif version 1 to 4 bytes; uses the 64-bit data block when there is one. Counts,
    /// offsets and transition order are checked against the RFC and the bytes actually there.
    public static func parse(name: String, bytes: [UInt8]) throws -> ZoneRules {
        var reader = ByteReader(bytes: bytes)
        var header = try reader.header(wide: false)
        if header.version >= 2 {
            reader.skip(header.dataLength)
            header = try reader.header(wide: true)
        }
        let wide = header.version >= 2
        var transitions: [Int64] = []
        for _ in 0..<header.transitionCount { transitions.append(wide ? try reader.int64() : Int64(try reader.int32())) }
        var indices: [Int] = []
        for _ in 0..<header.transitionCount { indices.append(Int(try reader.byte())) }
        var types: [Int] = []
        for _ in 0..<header.typeCount {
            types.append(Int(try reader.int32()))
            _ = try reader.byte()  // is DST
            _ = try reader.byte()  // abbreviation index
        }
        guard !types.isEmpty, types.allSatisfy(offsetRange.contains), indices.allSatisfy({ $0 < types.count }),
              zip(transitions, transitions.dropFirst()).allSatisfy({ $0 < $1 }) else { throw ParseError.notTZif }
        var footer: PosixRule?
        if wide {
            reader.skip(header.characterCount + header.leapCount * 12 + header.standardCount + header.utCount)
            if let text = reader.footer() { footer = PosixRule(text) }
        }
        return ZoneRules(name: name, transitions: transitions, offsets: indices.map { types[$0] }, initialOffset: types[0], footer: footer)
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    struct Header {
        let version: Int
        let wide: Bool
        let utCount, standardCount, leapCount, transitionCount, typeCount, characterCount: Int
        /// The bytes of the data block this header announces (32- or 64-bit times).
        var dataLength: Int {
            let time = wide ? 8 : 4
            return transitionCount * (time + 1) + typeCount * 6 + characterCount + leapCount * (time + 4) + standardCount + utCount
        }
    }

    /// A header whose counts are not negative and announce no more data than the bytes hold.
    mutating func header(wide: Bool) throws -> Header {
        guard position + 44 <= bytes.count, Array(bytes[position..<position + 4]) == Array("TZif".utf8) else { throw ZoneRules.ParseError.notTZif }
        let versionByte = bytes[position + 4]
        position += 20
        let counts = try (0..<6).map { _ in Int(try int32()) }
        guard counts.allSatisfy({ $0 >= 0 }) else { throw ZoneRules.ParseError.notTZif }
        let header = Header(version: versionByte == 0 ? 1 : Int(versionByte) - 48, wide: wide, utCount: counts[0], standardCount: counts[1],
                            leapCount: counts[2], transitionCount: counts[3], typeCount: counts[4], characterCount: counts[5])
        guard header.dataLength <= bytes.count - position else { throw ZoneRules.ParseError.truncated }
        return header
    }

    mutating func skip(_ count: Int) { position += count }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw ZoneRules.ParseError.truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func int32() throws -> Int32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(try byte()) }
        return Int32(bitPattern: value)
    }

    mutating func int64() throws -> Int64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(try byte()) }
        return Int64(bitPattern: value)
    }

    /// The newline-enclosed POSIX TZ string at the end of a v2+ file.
    mutating func footer() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\n") else { return nil }
        let rest = bytes[(position + 1)...]
        guard let end = rest.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let text = String(decoding: rest[..<end], as: UTF8.self)
        return text.isEmpty ? nil : text
    }
}
