import ArtisanCore
import ArtisanStore

/// The database a command talks to, and where that choice came from.
public enum DatabaseTarget: Sendable, Equatable {
    case flag(String)
    case environmentURL(String)
    /// libpq's own `PG*` variables (and service file), as a `key=value` string.
    case libpqVariables(String)
    case embedded(String)

    static let libpqVariables: [(variable: String, keyword: String)] = [
        ("PGSERVICE", "service"), ("PGHOST", "host"), ("PGHOSTADDR", "hostaddr"), ("PGPORT", "port"),
        ("PGDATABASE", "dbname"), ("PGUSER", "user"), ("PGPASSWORD", "password"), ("PGSSLMODE", "sslmode"),
        ("PGSERVICEFILE", "servicefile"), ("PGPASSFILE", "passfile"), ("PGCONNECT_TIMEOUT", "connect_timeout"),
    ]

    static func resolve(flag: String?, environment: [String: String]) throws -> DatabaseTarget {
        if let flag, !flag.isEmpty { return .flag(flag) }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .environmentURL(url) }
        let selecting = ["PGSERVICE", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER"]
        if selecting.contains(where: { environment[$0]?.isEmpty == false }) {
            let pairs = libpqVariables.compactMap { entry in
                environment[entry.variable].map { "\(entry.keyword)=\(quoted($0))" }
            }
            return .libpqVariables(pairs.joined(separator: " "))
        }
        let cluster = EmbeddedCluster.locate(environment: environment)
        guard cluster.state == .running else {
            throw ArtisanError(
                .unavailable, code: "DATABASE_UNAVAILABLE",
                "no database is configured and the embedded cluster (\(cluster.root)) is not running",
                hint: "start it with 'artisanctl db up', or set DATABASE_URL or pass --database URL"
            )
        }
        return .embedded(cluster.url)
    }

    public var conninfo: String {
        switch self {
        case .flag(let value), .environmentURL(let value), .libpqVariables(let value), .embedded(let value): value
        }
    }

    /// For logs: the source and the target with any password masked.
    public var redactedDescription: String {
        switch self {
        case .flag(let value): "--database \(Redactor.maskingPasswords(value))"
        case .environmentURL(let value): "DATABASE_URL \(Redactor.maskingPasswords(value))"
        case .libpqVariables(let value): "PG* variables \(Redactor.maskingPasswords(value))"
        case .embedded(let value): "embedded cluster \(value)"
        }
    }

    private static func quoted(_ value: String) -> String {
        "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}
