import Foundation

// Usage: embed-migrations OUTPUT.swift VERSION_name.up.sql VERSION_name.down.sql ...
// Writes `EmbeddedMigrations.all`, sorted by version; fails the build on a missing half.

struct Failure: Error, CustomStringConvertible { let description: String }

struct Pair { var up: String?; var down: String? }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("embed-migrations: error: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else { fail("usage: embed-migrations OUTPUT FILE...") }

var pairs: [String: Pair] = [:]
for path in arguments.dropFirst() {
    let file = URL(fileURLWithPath: path).lastPathComponent
    let half: String
    let stem: Substring
    if file.hasSuffix(".up.sql") {
        half = "up"; stem = file.dropLast(".up.sql".count)
    } else if file.hasSuffix(".down.sql") {
        half = "down"; stem = file.dropLast(".down.sql".count)
    } else {
        fail("\(file): a migration file ends in .up.sql or .down.sql")
    }
    let parts = stem.split(separator: "_", maxSplits: 1)
    guard parts.count == 2, parts[0].count == 14, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber) else {
        fail("\(file): a migration is named YYYYMMDDHHMMSS_name.up.sql / .down.sql")
    }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("\(file): cannot be read as UTF-8") }
    if text.contains("\"\"\"####") { fail("\(file): contains the embedding delimiter") }
    if half == "up" { pairs[String(stem), default: Pair()].up = text } else { pairs[String(stem), default: Pair()].down = text }
}

var swift = """
// Generated at build time by embed-migrations from Sources/ArtisanStore/Migrations. Do not edit.

enum EmbeddedMigrations {
    static let all: [Migration] = [

"""
for stem in pairs.keys.sorted() {
    let pair = pairs[stem]!
    guard let up = pair.up else { fail("\(stem): the .up.sql half is missing") }
    guard let down = pair.down else { fail("\(stem): the .down.sql half is missing") }
    let parts = stem.split(separator: "_", maxSplits: 1)
    swift += "        Migration(\n"
    swift += "            version: \"\(parts[0])\",\n"
    swift += "            name: \"\(parts[1])\",\n"
    swift += "            up: ####\"\"\"\n\(up)\n\"\"\"####,\n"
    swift += "            down: ####\"\"\"\n\(down)\n\"\"\"####\n"
    swift += "        ),\n"
}
swift += "    ]\n}\n"

do {
    let existing = try? String(contentsOfFile: outputPath, encoding: .utf8)
    if existing != swift { try swift.write(toFile: outputPath, atomically: true, encoding: .utf8) }
} catch {
    fail("cannot write \(outputPath): \(error)")
}
