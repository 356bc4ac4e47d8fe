import ArtisanCore

/// `shell`: artisanctl command lines at a prompt (libedit, history, TAB completion from the command
/// tree), or one per line from stdin for scripts.
enum ShellCommand {
    static let prompt = "artisanctl> "

    static let command = Command(
        "shell", abstract: "Run artisanctl commands at a prompt, or one per line from stdin",
        discussion: """
            On a terminal, shows the prompt 'artisanctl> ' and runs each line as artisanctl's arguments, without \
            the program name: 'services list', 'hours set mon 09:00-17:00'. Lines are edited with libedit (emacs \
            keys, arrows and ^R through the history), TAB completes commands, flags and flag values, and the history \
            is kept in $XDG_STATE_HOME/artisanctl/history (default ~/.local/state/artisanctl/history). Commands that \
            ask for missing values ask at the same prompt. A line is split into words as by a POSIX shell: blanks, \
            'single' and "double" quotes, backslash escapes, and # comments; nothing else is special. A failing line \
            prints its error and the shell goes on; 'exit', 'quit' or ^D leave it.

            When stdin is not a terminal, reads the commands from stdin, one per line, with no prompt; the exit \
            status is that of the last failing command, 0 when none failed. Global flags given before or after \
            'shell' itself (--database, --output, --yes...) apply to every line.
            """,
        examples: ["shell", "shell --database postgres://localhost/artisan < setup.txt"],
        run: { invocation, context in try run(invocation, context) }
    )

    static func run(_ invocation: Invocation, _ context: Context) throws {
        let inherited = inheritedArguments(invocation, tree: context.tree)
        if context.stdinIsTerminal && context.stdoutIsTerminal {
            interact(inheriting: inherited, context: context)
            return
        }
        var lastFailure = ExitStatus.success
        reading: while let line = Swift.readLine() {
            switch execute(line, inheriting: inherited, context: context, reader: nil) {
            case .leave: break reading
            case .ran(let status) where status != .success: lastFailure = status
            case .ran, .skipped: continue
            }
        }
        if lastFailure != .success { throw ExitRequest(status: lastFailure) }
    }

    /// The prompt loop on a terminal; its status is 0 whatever the lines did.
    private static func interact(inheriting inherited: [String], context: Context) {
        let completer = TreeCompleter(tree: context.tree, hiding: [["shell"]])
        let editor = LineEditor(historyFile: historyFile(environment: context.environment)) { line in
            completer.candidates(for: line)
        }
        let reader = QuestionReader(editor: editor, context: context)
        context.stdout.line("Type 'help' for the commands, TAB to complete, 'exit' or ^D to leave.")
        context.stdout.flush()
        while true {
            guard let line = editor.readLine(prompt: prompt) else {
                context.stdout.line()  // ^D leaves the cursor after the prompt
                return
            }
            if case .leave = execute(line, inheriting: inherited, context: context, reader: reader) { return }
        }
    }

    enum Outcome: Equatable {
        /// A blank or comment-only line.
        case skipped
        /// `exit` or `quit`.
        case leave
        case ran(ExitStatus)
    }

    /// Splits and runs one line in a context of its own (its own global flags), sharing the
    /// shell's streams, terminal, environment, working directory, tree and clock. Its errors are
    /// printed like those of any command; `reader` answers the questions it asks.
    static func execute(_ line: String, inheriting inherited: [String], context: Context, reader: (any LineReading)?) -> Outcome {
        let json = inherited.contains("--json")
        let words: [String]
        do {
            words = try CommandLineSplitter.split(line)
        } catch {
            return .ran(refuse(error, json: json, context: context))
        }
        if words.isEmpty { return .skipped }
        if words == ["exit"] || words == ["quit"] { return .leave }
        let arguments = inherited + words
        if case .run(let invocation)? = try? Parser(tree: context.tree).parse(arguments), invocation.path == ["shell"] {
            let error = ArtisanError.usage("the shell is already running", hint: "type a command without 'shell', or 'exit' to leave")
            return .ran(refuse(error, json: json || words.contains("--json"), context: context))
        }
        let lineContext = Context(
            stdout: context.stdout, stderr: context.stderr,
            stdinIsTerminal: context.stdinIsTerminal, stdoutIsTerminal: context.stdoutIsTerminal,
            environment: context.environment, workingDirectory: context.workingDirectory,
            tree: context.tree, clock: context.clock
        )
        lineContext.lineReader = reader
        return .ran(ExitStatus(rawValue: Application.run(arguments, context: lineContext)) ?? .unexpected)
    }

    private static func refuse(_ error: any Error, json: Bool, context: Context) -> ExitStatus {
        context.stdout.flush()
        let status = ErrorReporter.report(error, to: context.stderr, json: json)
        context.stderr.flush()
        return status
    }

    /// The global flags given to `shell` itself, as arguments put before every line: the line's
    /// own flags come later and so win (`--output`, `--database`).
    static func inheritedArguments(_ invocation: Invocation, tree: CommandTree) -> [String] {
        tree.globalFlags.filter { $0.long != "help" && $0.long != "version" }.flatMap { flag -> [String] in
            if flag.takesValue { return invocation.values(flag.long).flatMap { ["--\(flag.long)", $0] } }
            return invocation.isSet(flag.long) ? ["--\(flag.long)"] : []
        }
    }

    /// `$XDG_STATE_HOME/artisanctl/history`, else `$HOME/.local/state/artisanctl/history`; nil
    /// (no history kept) with neither. A relative XDG_STATE_HOME is ignored, as the XDG spec says.
    static func historyFile(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/artisanctl/history" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.local/state/artisanctl/history"
    }
}

/// How the commands run by the shell ask their questions: on the shell's editor, after the output
/// so far is out, with the answers kept out of the command history and TAB offering no commands.
final class QuestionReader: LineReading {
    let editor: LineEditor
    let context: Context

    init(editor: LineEditor, context: Context) {
        self.editor = editor
        self.context = context
    }

    func readLine(prompt: String) -> String? {
        context.stdout.flush()
        context.stderr.flush()
        return editor.readLine(prompt: prompt, recordingHistory: false, completing: false)
    }
}
