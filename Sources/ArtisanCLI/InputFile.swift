import ArtisanCore
#if canImport(Glibc)
import Glibc
#endif

/// A document a command reads whole: a file, or stdin for "-".
enum InputFile {
    /// Refuses more than `limit` bytes, naming `field` and `what` the document should be.
    static func read(_ path: String, field: String, what: String, limit: Int = 16 << 20) throws -> [UInt8] {
        let descriptor = path == "-" ? 0 : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ArtisanError.notFound("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { if descriptor != 0 { close(descriptor) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= limit else {
                throw ArtisanError.invalid(field: field, "\(path == "-" ? "stdin" : path) is larger than \(limit >> 20) MiB: not \(what)")
            }
        }
        return bytes
    }
}
