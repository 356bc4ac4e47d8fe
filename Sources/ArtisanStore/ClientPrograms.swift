import ArtisanCore
import Logging

/// PostgreSQL's client programs (pg_dump, pg_restore) run against the database an open connection
/// reaches (see `ClientProgramConnection`), their data streamed through us, their failure one line.
public struct ClientPrograms {
    let connection: PostgresConnection
    let programs: PostgresPrograms
    let environment: [String: String]
    let logger: Logger

    /// `environment` names where the programs are (`ARTISANCTL_PG_BINDIR`, `PATH`).
    public init(connection: PostgresConnection, environment: [String: String], logger: Logger) {
        self.connection = connection
        programs = PostgresPrograms(environment: environment)
        self.environment = environment
        self.logger = logger
    }

    /// Runs `program` with `arguments` and `--dbname`, fed by `input`, its output handed to `output`.
    func run(_ program: String, _ arguments: [String], input: () throws -> [UInt8]? = { nil },
             output: ([UInt8]) throws -> Void = { _ in }) throws {
        let path = try programs.path(of: program)
        let client = try ClientProgramConnection(connection, environment: environment)
        logger.debug("running \(program)", metadata: ["program": "\(path)", "arguments": "\(arguments.joined(separator: " "))"])
        let outcome = try Subprocess.stream([path] + arguments + ["--dbname=\(client.conninfo)"], environment: client.environment,
                                            input: input, output: output)
        guard outcome.succeeded else { throw ClientProgramFailure.error(program, status: outcome.status, stderr: outcome.stderr) }
    }
}
