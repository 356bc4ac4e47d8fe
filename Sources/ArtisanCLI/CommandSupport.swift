import ArtisanCore
import ArtisanStore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Context {
    /// Runs `body` in one transaction on a new connection: a refused command changes nothing.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try connect()
        defer { connection.close() }
        return try connection.withTransaction { try body(connection) }
    }

    /// Runs `body` in one transaction for the artisan the command acts for.
    func transaction<T>(forArtisan body: (PostgresConnection, Artisan) throws -> T) throws -> T {
        try transaction { connection in try body(connection, try currentArtisan(connection)) }
    }

    /// `--artisan EMAIL`, else the only artisan of the database.
    func currentArtisan(_ connection: PostgresConnection) throws -> Artisan {
        try ArtisanSelection.resolve(options.artisan, in: PostgresArtisanRepository(connection: connection))
    }

    var timeZones: SystemTimeZones { SystemTimeZones(environment: environment) }

    /// Prints a one-line confirmation on stderr unless `--quiet` (stdout stays for data).
    func note(_ text: String) {
        if !options.quiet { stderr.line(text) }
    }
}

/// A record id as shown in tables: its first 8 characters (commands accept any unique prefix).
func shortID(_ id: UUID) -> String { String(id.uuidString.lowercased().prefix(8)) }

/// Finds the one item whose id is `reference` or starts with it (at least 4 characters).
func resolve<T>(_ reference: String, among items: [T], id: (T) -> UUID, what: String) throws -> T {
    let lowered = reference.lowercased()
    let matches = items.filter { lowered.count >= 4 && id($0).uuidString.lowercased().hasPrefix(lowered) }
    switch matches.count {
    case 1: return matches[0]
    case 0: throw ArtisanError.notFound("no \(what) with the id \(reference)", hint: "list them to see their ids")
    default: throw ArtisanError.usage("the id \(reference) matches \(matches.count) \(what)s: give more characters")
    }
}
