import ArtisanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A backup's FILE on disk: its directory, and what a failed system call on it means to the user.
public enum BackupPath {
    /// The directory a new file in `path` goes into.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// Whether `path` exists as something a backup may replace: a directory, or a path that cannot
    /// be, is refused.
    public static func existingFile(_ path: String) throws -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            // Missing: the writer says whether its directory is.
            guard errno == ENOENT || errno == ENOTDIR else { throw failure("cannot write", path, errno) }
            return false
        }
        if let refusal = notRegular(path, mode: info.st_mode) { throw refusal }
        return true
    }

    /// The refusal of what is not a regular file (`mode` from stat), or nil.
    static func notRegular(_ path: String, mode: mode_t, _ suffix: String = "") -> ArtisanError? {
        guard (mode & S_IFMT) != S_IFREG else { return nil }
        return ArtisanError.invalid(field: "FILE", "\(path) is \((mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file")\(suffix)")
    }

    /// `errno` of `action` ("cannot write", "cannot read") on `path`, as the exit status DESIGN gives
    /// it: missing 66, forbidden 77, not a usable name 65, anything else 1.
    public static func failure(_ action: String, _ path: String, _ code: Int32) -> ArtisanError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT, ENOTDIR:
            return ArtisanError.notFound("\(action) \(path): \(reason)")
        case EACCES, EPERM, EROFS:
            return ArtisanError(.permission, code: "PERMISSION_DENIED", "\(action) \(path): \(reason)")
        case EISDIR, ENAMETOOLONG, ELOOP, EINVAL, EEXIST:
            return ArtisanError.invalid(field: "FILE", "\(action) \(path): \(reason)")
        default:
            return ArtisanError(.unexpected, code: "FILE_ERROR", "\(action) \(path): \(reason)")
        }
    }
}
