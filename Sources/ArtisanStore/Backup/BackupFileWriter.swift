import ArtisanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a backup file so that a failure never leaves half of one: everything goes into a
/// temporary file beside FILE (mode 0600), which becomes FILE only once complete and on disk.
/// The header first, then the dump as it comes: as it is, or sealed in parts of 1 MiB, each written
/// as one byte (1 for the last part, else 0), its length (4 bytes, big-endian) and its ciphertext
/// and tag (see `BackupCipher`).
public final class BackupFileWriter {
    public let path: String
    private let temporaryPath: String
    private let replacing: Bool
    private let master: [UInt8]?
    private var descriptor: Int32
    private var cipher: BackupCipher?
    private var pending: [UInt8] = []
    private var nextPart: UInt64 = 0
    private var finished = false
    /// The file's size so far.
    public private(set) var size = 0

    /// `replacing`: FILE may exist and is then replaced; otherwise FILE appearing meanwhile is an error.
    /// `key`: the 32 bytes of `BACKUP_ENCRYPTION_KEY` for an encrypted backup, nil for a plain one.
    public init(path: String, replacing: Bool, key: [UInt8]?) throws {
        self.path = path
        self.replacing = replacing
        master = key
        var template = Array((BackupPath.directory(of: path) + "/.artisanctl-backup-XXXXXX").utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw BackupPath.failure("cannot write", path, errno) }
        temporaryPath = String(cString: template)
        _ = fchmod(descriptor, 0o600)
    }

    deinit { abandon() }

    /// Writes the header (completed with the encryption record, for an encrypted backup) and returns it.
    @discardableResult
    public func begin(_ header: BackupHeader) throws -> BackupHeader {
        var header = header
        if let master {
            let sealing = BackupCipher.new(master: master)
            header.encryption = sealing.encryption
            let lines = try header.lines()
            cipher = BackupCipher(key: sealing.key, headerLines: lines)
            try append(lines)
        } else {
            try append(try header.lines())
        }
        return header
    }

    /// The next bytes of the dump.
    public func write(_ bytes: [UInt8]) throws {
        guard let cipher else { return try append(bytes) }
        pending += bytes
        var start = 0
        // A part is sealed once more bytes are known to follow it: only the last one may be short.
        while pending.count - start > BackupCipher.chunkBytes {
            try appendPart(cipher.seal(pending[start..<start + BackupCipher.chunkBytes], index: nextPart, isLast: false), isLast: false)
            start += BackupCipher.chunkBytes
        }
        pending.removeFirst(start)
    }

    /// Seals the last part, flushes the file to disk and puts it in FILE's place.
    public func commit() throws {
        if let cipher {
            try appendPart(cipher.seal(pending, index: nextPart, isLast: true), isLast: true)
            pending = []
        }
        guard fsync(descriptor) == 0 else { throw BackupPath.failure("cannot write", path, errno) }
        close(descriptor)
        descriptor = -1
        if replacing {
            guard rename(temporaryPath, path) == 0 else { throw BackupPath.failure("cannot write", path, errno) }
        } else if link(temporaryPath, path) == 0 {
            unlink(temporaryPath)
        } else {
            // A file system without hard links: then FILE's absence is checked, and the file renamed.
            let linkError = errno
            guard [EPERM, ENOTSUP, EOPNOTSUPP].contains(linkError), access(path, F_OK) != 0 else {
                throw BackupPath.failure("cannot write", path, linkError)
            }
            guard rename(temporaryPath, path) == 0 else { throw BackupPath.failure("cannot write", path, errno) }
        }
        finished = true
        let directory = open(BackupPath.directory(of: path), O_RDONLY | O_DIRECTORY)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Removes the temporary file, unless the backup was committed; safe to call twice.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
    }

    private func appendPart(_ sealed: [UInt8], isLast: Bool) throws {
        let length = UInt32(sealed.count)
        try append([isLast ? 1 : 0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + sealed)
        nextPart += 1
    }

    private func append(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BackupPath.failure("cannot write", path, errno)
            }
            offset += count
        }
        size += bytes.count
    }
}
