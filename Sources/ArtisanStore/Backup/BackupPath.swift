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
