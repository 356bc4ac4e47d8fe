import ArtisanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where PostgreSQL's own programs are: `ARTISANCTL_PG_BINDIR`, else the newest Debian
/// `/usr/lib/postgresql/*/bin` that has the program, else the `PATH` given (if any).
/// The embedded cluster takes its server programs from here, backups pg_dump and pg_restore.
public struct PostgresPrograms: Sendable {
    let binDirectory: String?
    let searchPath: String?

    public init(binDirectory: String?, searchPath: String?) {
        self.binDirectory = binDirectory
        self.searchPath = searchPath
    }

    /// `ARTISANCTL_PG_BINDIR` and `PATH` from the environment.
    public init(environment: [String: String]) {
        self.init(binDirectory: environment["ARTISANCTL_PG_BINDIR"], searchPath: environment["PATH"])
    }

    public func path(of program: String) throws -> String {
        if let binDirectory {
            guard access(binDirectory + "/" + program, X_OK) == 0 else {
                throw ArtisanError.configuration("ARTISANCTL_PG_BINDIR: \(binDirectory) has no PostgreSQL \(program) to run",
                                                 hint: "point it at a directory such as /usr/lib/postgresql/15/bin, or unset it")
            }
            return binDirectory + "/" + program
        }
        for version in stride(from: 20, through: 12, by: -1) {
            let path = "/usr/lib/postgresql/\(version)/bin/\(program)"
            if access(path, X_OK) == 0 { return path }
        }
        for directory in (searchPath ?? "").split(separator: ":") where directory.hasPrefix("/") {
            let path = directory + "/" + program
            if access(path, X_OK) == 0 { return path }
        }
        throw ArtisanError(.configuration, code: "CONFIGURATION_ERROR", "cannot find PostgreSQL's \(program)",
                           hint: "install postgresql (apt-get install postgresql) or set ARTISANCTL_PG_BINDIR")
    }
}
