import ArtisanCore

/// What a failed pg_dump or pg_restore said, as one line and an exit status: its first `error:`
/// line (its messages are in English: `ClientProgramConnection` sets `LC_MESSAGES=C`).
enum ClientProgramFailure {
    static func error(_ program: String, status: Int32, stderr: String) -> ArtisanError {
        let lines = stderr.split(separator: "\n").map { String($0.drop(while: \.isWhitespace)) }.filter { !$0.isEmpty }
        let line = lines.first { $0.contains("error:") } ?? lines.last ?? "exit status \(status)"
        let message = line.replacing("\(program): error: ", with: "").replacing("\(program): ", with: "")
        let what = "\(program) failed: \(message)"
        if message.contains("connection to server") || message.contains("could not connect") {
            return ArtisanError(.unavailable, code: "DATABASE_UNAVAILABLE", what)
        }
        if message.contains("password authentication failed") || message.contains("permission denied") {
            return ArtisanError(.permission, code: "PERMISSION_DENIED", what)
        }
        if message.contains("version mismatch") || message.contains("unsupported version") {
            return ArtisanError(.configuration, code: "CONFIGURATION_ERROR", what,
                                hint: "install PostgreSQL's client programs of the server's version or newer, or set ARTISANCTL_PG_BINDIR")
        }
        return ArtisanError(program == "pg_dump" ? .unavailable : .invalid, code: "\(program.uppercased())_FAILED", what)
    }
}
