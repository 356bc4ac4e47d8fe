import ArtisanCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's tz database (`$TZDIR`, else /usr/share/zoneinfo): which IANA names it knows.
public struct SystemTimeZones: Sendable {
    public let directory: String

    public init(environment: [String: String]) {
        directory = environment["TZDIR"] ?? "/usr/share/zoneinfo"
    }

    /// True when `name` is a TZif file of the database (not a directory, not a stray file).
    public func contains(_ name: String) -> Bool {
        guard !name.isEmpty, !name.contains(".."), !name.hasPrefix("/"), let file = fopen(directory + "/" + name, "r") else { return false }
        defer { fclose(file) }
        var magic = [UInt8](repeating: 0, count: 4)
        return fread(&magic, 1, 4, file) == 4 && magic == Array("TZif".utf8)
    }
}

/// Reads a zone's rules from the system's tz database.
public struct ZoneRulesLoader: Sendable {
    let timeZones: SystemTimeZones

    public init(timeZones: SystemTimeZones) { self.timeZones = timeZones }

    public func rules(for name: String) throws -> ZoneRules {
        let safe = !name.isEmpty && !name.contains("..") && !name.hasPrefix("/")
        guard safe, let file = fopen(timeZones.directory + "/" + name, "r") else {
            throw ArtisanError.configuration("the time zone \(name) is not in the system's tz database (\(timeZones.directory))",
                                             hint: "install tzdata, or change it with 'artisanctl artisan set --timezone ZONE'")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        do {
            return try ZoneRules.parse(name: name, bytes: bytes)
        } catch {
            throw ArtisanError.configuration("the tz database file of \(name) cannot be read as TZif")
        }
    }

    /// The artisan's calendar day at `instant`.
    public func today(in zone: String, at instant: Timestamp) throws -> LocalDate {
        try rules(for: zone).localDate(at: instant)
    }
}

/// A zone's rules read once per process: `serve` needs the artisan's zone on every request.
/// The tz database changes with a system update, which a restart picks up.
public final class CachingZoneRules: ZoneRulesSource, Sendable {
    private let loader: ZoneRulesLoader
    private let cache = Mutex([String: ZoneRules]())

    public init(_ loader: ZoneRulesLoader) { self.loader = loader }

    public func rules(for name: String) throws -> ZoneRules {
        if let rules = cache.withLock({ $0[name] }) { return rules }
        let rules = try loader.rules(for: name)
        cache.withLock { $0[name] = rules }
        return rules
    }
}
