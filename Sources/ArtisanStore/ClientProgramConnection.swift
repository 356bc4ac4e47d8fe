import ArtisanCore

/// How a PostgreSQL client program (pg_dump, pg_restore) reaches exactly the database an open
/// connection reaches, whichever way that one was configured (`--database`, `DATABASE_URL`, `PG*`
/// variables, service file, embedded cluster): every setting in effect is written out as a
/// `key=value` string for its `-d`, except the secrets, which travel in the program's environment
/// (`PGPASSWORD`), so that no password is ever on a command line another user can read.
public struct ClientProgramConnection: Sendable {
    /// For the program's `-d`: no secret in it.
    public let conninfo: String
    /// The program's whole environment: a few harmless variables of ours, the secrets, messages in English.
    public let environment: [String: String]

    /// Our own session settings (artisanctl's time zone and encoding), not the database's; and the
    /// service name, whose settings are already spelled out.
    static let leftOut: Set = ["options", "client_encoding", "fallback_application_name", "service"]
    /// What a client program may need from our environment besides the connection itself.
    static let inherited = ["PATH", "HOME", "TMPDIR", "TZ", "LANG", "KRB5CCNAME", "KRB5_CONFIG"]

    public init(_ connection: PostgresConnection, environment: [String: String]) throws {
        var pairs: [String] = []
        var programEnvironment = environment.filter { Self.inherited.contains($0.key) }
        programEnvironment["LC_MESSAGES"] = "C"
        for parameter in connection.parameters where !Self.leftOut.contains(parameter.keyword) {
            if parameter.isSecret {
                guard let variable = parameter.environmentVariable else {
                    throw ArtisanError.configuration(
                        "the connection's \(parameter.keyword) cannot be given to PostgreSQL's programs without a command line",
                        hint: "use a key file without a passphrase, or a .pgpass file")
                }
                programEnvironment[variable] = parameter.value
            } else {
                pairs.append("\(parameter.keyword)=\(Self.quoted(parameter.value))")
            }
        }
        conninfo = pairs.joined(separator: " ")
        self.environment = programEnvironment
    }

    /// A value in a libpq `key=value` string: single quotes, backslash and quote escaped.
    static func quoted(_ value: String) -> String {
        "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}
