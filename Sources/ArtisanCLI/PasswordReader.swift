import ArtisanCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a secret: from stdin when asked (`--password-stdin`, first line), or from the terminal
/// with echo turned off. Never from a flag, which would leave it in the shell history.
enum PasswordReader {
    static func fromStandardInput(what: String) throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ArtisanError.usage("expected the \(what) on the first line of stdin")
        }
        return line
    }

    static func fromTerminal(prompt: String, context: Context) throws -> String {
        guard context.stdinIsTerminal else {
            throw ArtisanError.usage("no terminal to ask for the \(prompt.lowercased()) on", hint: "pipe it in with --password-stdin")
        }
        context.stderr.write("\(prompt): ")
        context.stderr.flush()
        var saved = termios()
        tcgetattr(0, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &silent)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            context.stderr.line()
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ArtisanError(.usage, code: "CANCELLED", "cancelled: no \(prompt.lowercased()) given")
        }
        return line
    }
}
