/// Just enough RFC 5545 to read busy time from CalDAV and to write bookings as events: content
/// lines (unfolding, folding, parameters, text escaping) and DATE, DATE-TIME and UTC-OFFSET values.
/// The reader is in ICalendarReader.swift, the writer in ICalendarWriter.swift.
public enum ICalendar {
    /// `NAME;PARAM=value;PARAM="quoted":VALUE`
    struct Property {
        let name: String
        let parameters: [String: String]
        let value: String
    }

    // MARK: - Lines

    static func unfolded(_ text: String) -> [String] {
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += raw.dropFirst()
            } else {
                lines.append(String(raw))
            }
        }
        return lines
    }

    static func parse(_ line: String) -> Property? {
        var inQuotes = false
        var colon: String.Index?
        for index in line.indices {
            if line[index] == "\"" { inQuotes.toggle() }
            if line[index] == ":", !inQuotes { colon = index; break }
        }
        guard let colon else { return nil }
        let head = line[..<colon].split(separator: ";")
        guard let name = head.first else { return nil }
        var parameters: [String: String] = [:]
        for parameter in head.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parameters[pair[0].uppercased()] = String(pair[1]).replacing("\"", with: "") }
        }
        return Property(name: name.uppercased(), parameters: parameters, value: String(line[line.index(after: colon)...]))
    }

    public static func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing(";", with: "\\;").replacing(",", with: "\\,").replacing("\n", with: "\\n")
    }

    static func unescape(_ text: String) -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                result.append(character == "n" || character == "N" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Folds a content line at 75 octets, never inside a UTF-8 sequence, with CRLF endings.
    public static func folded(_ line: String) -> String {
        var output = ""
        var current = ""
        var length = 0
        for character in line {
            let size = character.utf8.count
            if length + size > (output.isEmpty ? 75 : 74) {
                output += current + "\r\n "
                current = ""
                length = 0
            }
            current.append(character)
            length += size
        }
        return output + current + "\r\n"
    }

    // MARK: - Values

    /// `20261124T090000`: a wall clock reading given as seconds since 1970-01-01T00:00 on that clock.
    static func dateTime(wallSeconds: Int64) -> String {
        let days = Int(wallSeconds >= 0 ? wallSeconds / 86_400 : (wallSeconds - 86_399) / 86_400)
        let second = Int(wallSeconds - Int64(days) * 86_400)
        return compact(LocalDate(daysSinceEpoch: days)) + "T" + ASCIIDigits.padded(second / 3600, width: 2)
            + ASCIIDigits.padded(second / 60 % 60, width: 2) + ASCIIDigits.padded(second % 60, width: 2)
    }

    /// `20261124T090000Z`
    public static func utcDateTime(_ instant: Timestamp) -> String { dateTime(wallSeconds: instant.secondsSinceEpoch) + "Z" }

    static func compact(_ date: LocalDate) -> String { date.description.filter { $0 != "-" } }

    /// `+0100`, `-0330`, `+053028` (seconds only when there are some).
    static func utcOffset(_ seconds: Int) -> String {
        let magnitude = abs(seconds)
        let text = (seconds < 0 ? "-" : "+") + ASCIIDigits.padded(magnitude / 3600, width: 2) + ASCIIDigits.padded(magnitude / 60 % 60, width: 2)
        return magnitude % 60 == 0 ? text : text + ASCIIDigits.padded(magnitude % 60, width: 2)
    }

    /// The reverse of `utcOffset`: `±HHMM[SS]`, hours below 24.
    static func utcOffset(parsing text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5 || bytes.count == 7, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
              let hours = ASCIIDigits.value(bytes[1..<3]), hours < 24, let minutes = ASCIIDigits.value(bytes[3..<5]), minutes < 60 else { return nil }
        var seconds = hours * 3600 + minutes * 60
        if bytes.count == 7 {
            guard let extra = ASCIIDigits.value(bytes[5..<7]), extra < 60 else { return nil }
            seconds += extra
        }
        return bytes[0] == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// A DATE-TIME value: its day, the second of that day, and whether it ends in `Z` (UTC).
    struct WallTime: Comparable {
        let date: LocalDate
        let second: Int
        let isUTC: Bool

        /// `20261124T090000` or `20261124T090000Z`; nothing else.
        init?(_ text: String) {
            let bytes = Array(text.utf8)
            guard bytes.count == 15 || (bytes.count == 16 && bytes[15] == UInt8(ascii: "Z")), bytes[8] == UInt8(ascii: "T"),
                  let date = LocalDate(dateValue: String(decoding: bytes[0..<8], as: UTF8.self)),
                  let hour = ASCIIDigits.value(bytes[9..<11]), hour < 24, let minute = ASCIIDigits.value(bytes[11..<13]), minute < 60,
                  let second = ASCIIDigits.value(bytes[13..<15]), second <= 60 else { return nil }
            self.date = date
            self.second = hour * 3600 + minute * 60 + second
            isUTC = bytes.count == 16
        }

        init(date: LocalDate, second: Int) {
            self.date = date
            self.second = second
            isUTC = false
        }

        /// Seconds since 1970-01-01T00:00 on this clock.
        var wallSeconds: Int64 { Int64(date.daysSinceEpoch) * 86_400 + Int64(second) }

        /// The instant this wall time names in `zone`: the first when it is shown twice, the
        /// offset before the change when it is skipped (RFC 5545 §3.3.5).
        func instant(in zone: ZoneRules) -> Timestamp {
            zone.firstInstant(on: date, minuteOfDay: second / 60).adding(seconds: Int64(second % 60))
        }

        static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.wallSeconds < rhs.wallSeconds }
    }
}

extension LocalDate {
    /// `20261124`, in years 2 to 9998: zone rules look a day to either side of any date they are
    /// asked about, and they cover years 1 to 9999.
    init?(dateValue text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, let year = ASCIIDigits.value(bytes[0..<4]), (2...9998).contains(year),
              let month = ASCIIDigits.value(bytes[4..<6]), let day = ASCIIDigits.value(bytes[6..<8]) else { return nil }
        self.init(year: year, month: month, day: day)
    }
}
