import ArtisanCore
import Foundation
import Testing
import TestSupport
@testable import ArtisanStore

/// The backup file format without a database: what the writer seals the reader opens, byte for
/// byte, at every size around the 1 MiB parts; and every way of damaging a file is refused before
/// a byte of the dump is handed out.
@Suite("backup files: format and sealing")
struct BackupFileTests {
    static let key = [UInt8](repeating: 0x5A, count: 32)
    static let header = BackupHeader(
        createdAt: Timestamp(secondsSinceEpoch: 1_795_550_400),
        migrations: [AppliedMigration(version: "20261124200100", name: "create_artisans", checksum: String(repeating: "a", count: 64))],
        postgresVersion: "15.18")

    /// A file written by the writer, in pieces of 64 KiB as pg_dump's output comes.
    static func write(_ dump: [UInt8], key: [UInt8]?, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("test.backup").path
        let writer = try BackupFileWriter(path: path, replacing: true, key: key)
        try writer.begin(header)
        for start in stride(from: 0, to: dump.count, by: 65_536) { try writer.write(Array(dump[start..<min(start + 65_536, dump.count)])) }
        try writer.commit()
        return path
    }

    static func readAll(_ path: String, key: [UInt8]?) throws -> [UInt8] {
        let payload = try BackupFileReader(path: path).payload(key: key)
        var dump: [UInt8] = []
        while let block = try payload.next() { dump += block }
        return dump
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The offsets at which each sealed part of an encrypted file starts, and the end.
    static func partOffsets(_ bytes: [UInt8]) -> [Int] {
        var offset = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }[1] + 1
        var offsets = [offset]
        while offset + 5 <= bytes.count {
            offset += 5 + bytes[offset + 1...offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offsets.append(offset)
        }
        return offsets
    }

    @Test("what is written is read back byte for byte, plain or encrypted, at every size around a part",
          arguments: [0, 1, BackupCipher.chunkBytes - 1, BackupCipher.chunkBytes, BackupCipher.chunkBytes + 1, 2 * BackupCipher.chunkBytes + 12_345])
    func roundTrip(size: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dump = Self.randomBytes(size)
        for key in [nil, Self.key] {
            let path = try Self.write(dump, key: key, in: directory.url)
            #expect(try Self.readAll(path, key: key) == dump)
            let reader = try BackupFileReader(path: path)
            #expect(reader.header.schemaVersion == "20261124200100")
            #expect(reader.isEncrypted == (key != nil))
        }
    }

    @Test("an encrypted file holds parts of 1 MiB and a last one, and none of the dump in clear")
    func partsAndSecrecy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let marker = Array("marie.curie@example.com".utf8)
        let dump = (0..<150_000).flatMap { _ in marker }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try Self.write(dump, key: Self.key, in: directory.url))))
        let offsets = Self.partOffsets(bytes)
        #expect(offsets.count == 5, "\(offsets)")
        #expect(offsets.last == bytes.count)
        #expect(offsets.dropLast().map { bytes[$0] } == [0, 0, 0, 1])
        #expect(bytes.firstRange(of: marker) == nil)
        #expect(bytes.firstRange(of: Array("marie".utf8)) == nil)
    }

    @Test("two encryptions of one dump share no byte of ciphertext: each file has its own salt")
    func freshSaltEachTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dump = [UInt8](repeating: 7, count: 1_000)
        let first = Array(try Data(contentsOf: URL(fileURLWithPath: try Self.write(dump, key: Self.key, in: directory.url))))
        let second = Array(try Data(contentsOf: URL(fileURLWithPath: try Self.write(dump, key: Self.key, in: directory.url))))
        #expect(first.suffix(1_016) != second.suffix(1_016))
    }

    @Test("a wrong key is a permission error (77); no key opens nothing")
    func wrongKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.write(Self.randomBytes(10_000), key: Self.key, in: directory.url)
        let wrong = #expect(throws: ArtisanError.self) { try Self.readAll(path, key: [UInt8](repeating: 1, count: 32)) }
        #expect(wrong?.kind == .permission)
        #expect(wrong?.message.contains("BACKUP_ENCRYPTION_KEY") == true)
        #expect(throws: ArtisanError.self) { try Self.readAll(path, key: nil) }
    }

    /// Every way of damaging a sealed file, each refused as damaged (65) or as not opening with the key (77).
    @Test("a flipped bit anywhere, a cut, a dropped, repeated or swapped part, or bytes after the end: refused")
    func tampering() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dump = Self.randomBytes(3 * BackupCipher.chunkBytes + 100)
        let path = try Self.write(dump, key: Self.key, in: directory.url)
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let parts = Self.partOffsets(original)
        try #require(parts.count == 5, "four parts and the end: \(parts)")
        let headerEnd = parts[0]
        func part(_ index: Int) -> [UInt8] { Array(original[parts[index]..<parts[index + 1]]) }
        var damaged: [(String, [UInt8])] = []
        for offset in [30, headerEnd - 2, parts[1], parts[1] + 3, parts[1] + 5, parts[2] - 1, original.count - 1] {
            var copy = original
            copy[offset] ^= 0x01
            damaged.append(("bit flipped at \(offset)", copy))
        }
        damaged.append(("cut after the third part", Array(original[..<parts[3]])))
        damaged.append(("cut inside the last part", Array(original.dropLast(1))))
        damaged.append(("cut after the header", Array(original[..<headerEnd])))
        damaged.append(("second part dropped", Array(original[..<parts[1]]) + Array(original[parts[2]...])))
        damaged.append(("second part repeated", Array(original[..<parts[2]]) + part(1) + Array(original[parts[2]...])))
        damaged.append(("parts swapped", Array(original[..<parts[1]]) + part(2) + part(1) + Array(original[parts[3]...])))
        damaged.append(("bytes after the end", original + [0]))
        damaged.append(("a last part appended", original + part(3)))
        var lastFlagRemoved = original
        lastFlagRemoved[parts[3]] = 0
        damaged.append(("last part no longer marked last", lastFlagRemoved))
        var earlyLast = original
        earlyLast[parts[1]] = 1
        damaged.append(("second part marked last", Array(earlyLast[..<parts[2]])))

        for (name, bytes) in damaged {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Self.readAll(path, key: Self.key)
                Issue.record("\(name): read without complaint")
            } catch let error as ArtisanError {
                #expect(error.kind == .invalid || error.code == "BACKUP_KEY_WRONG", "\(name): \(error)")
                #expect(!error.message.contains("\n"), "\(name)")
            }
        }
    }

    @Test("a file that is not a backup is refused as such (65), whatever it holds", arguments: [
        "", "ARTISANCTL-BACKUP 1", "ARTISANCTL-BACKUP 1\n", "ARTISANCTL-BACKUP 2\n{}\n", "ARTISANCTL-BACKUP 1\n{}\n",
        "ARTISANCTL-BACKUP 1\nnot json\n", "PGDMP\u{1}\u{e}\u{0}", "ARTISANCTL-BACKUP 1\n" + String(repeating: "x", count: 1_100_000),
        #"ARTISANCTL-BACKUP 1\#n{"createdAt":"x","dump":"pg_dump custom","migrations":[],"postgresVersion":"15","schemaVersion":""}\#n"#,
    ])
    func notABackup(contents: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("other").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ArtisanError.self) { try BackupFileReader(path: path) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("not an artisanctl backup") == true)
    }

    @Test("a directory, a missing file and a FIFO are refused without blocking")
    func notFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect((#expect(throws: ArtisanError.self) { try BackupFileReader(path: directory.path) })?.kind == .invalid)
        #expect((#expect(throws: ArtisanError.self) { try BackupFileReader(path: directory.path + "/missing") })?.kind == .notFound)
        let fifo = directory.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect((#expect(throws: ArtisanError.self) { try BackupFileReader(path: fifo) })?.kind == .invalid)
    }

    @Test("an abandoned writer leaves nothing behind, and a file is only ever whole, mode 0600")
    func atomicWrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/whole.backup"
        do {
            let writer = try BackupFileWriter(path: path, replacing: false, key: Self.key)
            try writer.begin(Self.header)
            try writer.write(Self.randomBytes(100_000))
            writer.abandon()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        _ = try Self.write([1, 2, 3], key: nil, in: directory.url)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/test.backup")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["test.backup"])

        // Without `replacing`, a file that appeared meanwhile is not overwritten.
        FileManager.default.createFile(atPath: path, contents: Data("precious".utf8))
        let writer = try BackupFileWriter(path: path, replacing: false, key: nil)
        try writer.begin(Self.header)
        #expect(throws: ArtisanError.self) { try writer.commit() }
        writer.abandon()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["test.backup", "whole.backup"])
    }

    @Test("the nonce is the part's number, big-endian, then 1 for the last part")
    func nonces() throws {
        #expect(Array(try BackupCipher.nonce(0, isLast: false)) == [UInt8](repeating: 0, count: 12))
        #expect(Array(try BackupCipher.nonce(0x0102, isLast: true)) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1])
        #expect(Array(try BackupCipher.nonce(UInt64.max, isLast: false)) == [0, 0, 0] + [UInt8](repeating: 0xFF, count: 8) + [0])
    }
}
