import ArtisanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a backup file written by `BackupFileWriter`: its header at once, its dump part by part
/// (`payload`), as often as needed. Anything that is not such a file, or not whole, is refused
/// with a one-line error (exit 65), a wrong key with exit 77.
public final class BackupFileReader {
    public let path: String
    public let header: BackupHeader
    private let headerLines: [UInt8]
    private let descriptor: Int32

    /// The header line may not be longer than this: a file that has none is not read whole.
    static let headerLimit = 1 << 20

    public init(path: String) throws {
        self.path = path
        // Non-blocking, so that opening a FIFO does not wait for a writer; only regular files are read.
        descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw BackupPath.failure("cannot read", path, errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = BackupPath.failure("cannot read", path, errno)
            close(descriptor)
            throw error
        }
        if let refusal = BackupPath.notRegular(path, mode: info.st_mode, ", not a backup") {
            close(descriptor)
            throw refusal
        }
        do {
            let magic = Array((BackupHeader.magic + "\n").utf8)
            let start = try Self.read(descriptor, path, at: 0, count: magic.count)
            guard start == magic else { throw Self.notABackup(path) }
            let line = try Self.line(descriptor, path, at: magic.count)
            guard let header = BackupHeader.decode(line) else { throw Self.notABackup(path) }
            self.header = header
            headerLines = magic + line + [UInt8(ascii: "\n")]
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    public var isEncrypted: Bool { header.encryption != nil }

    /// Reads the whole dump once and hands nothing out, so that a wrong key, an altered or a cut
    /// file is found before anything is restored.
    public func verify(key: [UInt8]?) throws {
        let payload = try self.payload(key: key)
        while try payload.next() != nil {}
    }

    /// The dump from its start; `key` (the 32 bytes of `BACKUP_ENCRYPTION_KEY`) opens an encrypted one.
    public func payload(key: [UInt8]?) throws -> BackupPayload {
        guard let encryption = header.encryption else { return BackupPayload(reader: self, cipher: nil, offset: headerLines.count) }
        guard let key, let cipher = BackupCipher(master: key, encryption: encryption, headerLines: headerLines) else {
            throw ArtisanError(.permission, code: "BACKUP_KEY_WRONG",
                               "BACKUP_ENCRYPTION_KEY is not the key \(path) was encrypted with (or its header was altered)",
                               hint: "set BACKUP_ENCRYPTION_KEY to the key in use when the backup was made")
        }
        return BackupPayload(reader: self, cipher: cipher, offset: headerLines.count)
    }

    /// Up to `count` bytes at `offset`: fewer only at the end of the file.
    func read(at offset: Int, count: Int) throws -> [UInt8] { try Self.read(descriptor, path, at: offset, count: count) }

    func damaged(_ what: String) -> ArtisanError {
        ArtisanError(.invalid, code: "BACKUP_DAMAGED", "\(path) is damaged: \(what)",
                     hint: "nothing was restored; use another copy of the backup")
    }

    private static func notABackup(_ path: String) -> ArtisanError {
        ArtisanError.invalid(field: "FILE", "\(path) is not an artisanctl backup (it lacks the '\(BackupHeader.magic)' header)",
                             hint: "make one with 'artisanctl db backup FILE'")
    }

    private static func read(_ descriptor: Int32, _ path: String, at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes[filled...].withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset + filled)) }
            if got < 0, errno == EINTR { continue }
            if got < 0 { throw BackupPath.failure("cannot read", path, errno) }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes[0..<filled])
    }

    /// The line at `offset`, without its newline; a file whose line does not end within the limit is not ours.
    private static func line(_ descriptor: Int32, _ path: String, at offset: Int) throws -> [UInt8] {
        var line: [UInt8] = []
        while line.count < headerLimit {
            let block = try read(descriptor, path, at: offset + line.count, count: 65_536)
            if let newline = block.firstIndex(of: UInt8(ascii: "\n")) { return line + block[..<newline] }
            guard !block.isEmpty else { break }
            line += block
        }
        throw notABackup(path)
    }
}

/// A backup's dump read from the start, in blocks of at most 1 MiB: as it is, or opened part by
/// part, each part checked (its place, the header, and that the last one ends the file) before any
/// of it is handed out.
public final class BackupPayload {
    private let reader: BackupFileReader
    private let cipher: BackupCipher?
    private var offset: Int
    private var part: UInt64 = 0
    private var ended = false

    init(reader: BackupFileReader, cipher: BackupCipher?, offset: Int) {
        self.reader = reader
        self.cipher = cipher
        self.offset = offset
    }

    /// The next block of the dump; nil at its end.
    public func next() throws -> [UInt8]? {
        guard !ended else { return nil }
        guard let cipher else {
            let block = try reader.read(at: offset, count: BackupCipher.chunkBytes)
            offset += block.count
            ended = block.isEmpty
            return ended ? nil : block
        }
        let frame = try reader.read(at: offset, count: 5)
        guard frame.count == 5 else { throw reader.damaged("it is cut short after part \(part) (its last part is missing)") }
        let length = frame[1...4].reduce(0) { $0 << 8 | Int($1) }
        let limit = (reader.header.encryption?.chunkBytes ?? 0) + BackupCipher.tagBytes
        guard frame[0] <= 1, (BackupCipher.tagBytes...limit).contains(length) else { throw reader.damaged("part \(part + 1) is malformed") }
        let sealed = try reader.read(at: offset + 5, count: length)
        guard sealed.count == length else { throw reader.damaged("it is cut short in part \(part + 1)") }
        let isLast = frame[0] == 1
        guard let plaintext = cipher.open(sealed, index: part, isLast: isLast) else {
            throw reader.damaged("part \(part + 1) fails authentication (altered, moved, or not from this file)")
        }
        offset += 5 + length
        part += 1
        if isLast {
            guard try reader.read(at: offset, count: 1).isEmpty else { throw reader.damaged("there are bytes after its last part") }
            ended = true
        }
        return plaintext
    }
}
