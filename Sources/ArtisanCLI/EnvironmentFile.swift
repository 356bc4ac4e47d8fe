import ArtisanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `KEY=VALUE` lines of a `.env` file: `#` comments, optional `export `, single or double quotes.
/// Variables already in the environment win, as with every dotenv reader.
enum EnvironmentFile {
    /// A settings file is small: past this, it is not one (and `/dev/zero` ends here too).
    static let maximumSize = 1 << 20

    static func read(path: String) throws -> String? {
        guard let file = fopen(path, "r") else {
            if errno == ENOENT { return nil }
            throw ArtisanError.configuration("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maximumSize else { throw ArtisanError.configuration("\(path): larger than 1 MiB, not a settings file") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parse(_ text: String, path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            while line.last == " " || line.last == "\t" || line.last == "\r" { line = line.dropLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let equals = line.firstIndex(of: "="), !line[..<equals].isEmpty,
                  line[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ArtisanError.configuration("\(path):\(number + 1): expected KEY=VALUE")
            }
            var value = line[line.index(after: equals)...]
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
                value = value.dropFirst().dropLast()
            } else if let comment = value.firstRange(of: " #") {
                value = value[..<comment.lowerBound]
            }
            values[String(line[..<equals])] = String(value)
        }
        return values
    }
}
