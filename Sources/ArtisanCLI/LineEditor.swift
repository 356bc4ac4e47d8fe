// libedit's globals (rl_point, rl_line_buffer, the hooks) are shared mutable state; this file is
// their only user and confines them as the type comment says.
@preconcurrency import CLibEdit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Line editing on a terminal through libedit's readline API: emacs keys, history (arrows, ^R)
/// kept in a file, and TAB completion asked of a Swift closure. The only file that imports
/// CLibEdit.
///
/// libedit's readline API is one global editor: one line buffer, one history list, one completion
/// hook. So **one LineEditor reads at a time** (the process has one terminal anyway): every
/// `readLine` installs this editor's completer for its own duration and removes it afterwards, and
/// all editors share the process's history list (each loads its file before its first read and
/// saves the list to its file after each line). Nothing touches libedit before the first
/// `readLine`, so creating a LineEditor costs nothing and prints nothing where no one types.
public final class LineEditor: LineReading {
    /// Given the line up to the cursor, the words that can replace the word being typed.
    public typealias Completer = @Sendable (_ line: String) -> [String]

    /// At most this many lines are kept in the history (and its file).
    public static let historyLimit: Int32 = 1000

    public let historyFile: String?
    private let completer: Completer?
    private var historyLoaded = false

    public init(historyFile: String? = nil, completer: Completer? = nil) {
        self.historyFile = historyFile
        self.completer = completer
    }

    /// One line, without its newline; nil at the end of input (^D on an empty line). A line with
    /// anything but blanks goes to the history.
    public func readLine(prompt: String) -> String? {
        readLine(prompt: prompt, recordingHistory: true, completing: true)
    }

    /// `recordingHistory: false` keeps the answer out of the history (answers to a command's
    /// questions are not commands); `completing: false` leaves TAB without candidates.
    public func readLine(prompt: String, recordingHistory: Bool, completing: Bool) -> String? {
        LibEdit.setUp()
        if !historyLoaded {
            historyLoaded = true
            if let historyFile { _ = read_history(historyFile) }
        }
        LibEdit.completer = completing ? completer : nil
        defer { LibEdit.completer = nil }

        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if recordingHistory, line.contains(where: { !$0.isWhitespace }) { record(line) }
        return line
    }

    private func record(_ line: String) {
        if LibEdit.lastRecorded != line {
            _ = add_history(line)
            LibEdit.lastRecorded = line
        }
        guard let historyFile else { return }
        // The history may hold secrets (a --database URL with a password): the file is private.
        guard Self.createParentDirectories(of: historyFile) else { return }
        let descriptor = open(historyFile, O_WRONLY | O_CREAT, 0o600)
        if descriptor >= 0 { close(descriptor) }
        _ = write_history(historyFile)
    }

    /// `mkdir -p` of the file's directory (new directories are private to the user); false when
    /// it cannot be made.
    @discardableResult
    static func createParentDirectories(of path: String) -> Bool {
        guard let slash = path.lastIndex(of: "/") else { return true }
        let directory = String(path[..<slash])
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0, errno != EEXIST { return false }
        }
        var status = stat()
        return directory.isEmpty || (stat(directory, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR)
    }

    /// What the completion hook hands libedit for `candidates`, given the line up to the cursor and
    /// the word libedit is completing (`word`, a suffix of the line): nil for none; one entry for a
    /// single candidate; else the longest common prefix followed by the candidates to list.
    ///
    /// The completer's candidates replace the line's last blank-separated word; libedit replaces
    /// only its own word, which may be shorter (after `=`, say): the difference is cut off the
    /// front of each candidate.
    static func completionMatches(candidates: [String], line: String, word: String) -> [String]? {
        let lastWord = String(line.reversed().prefix { !$0.isWhitespace }.reversed())
        var matches = candidates
        if lastWord.count > word.count, lastWord.hasSuffix(word) {
            let head = lastWord.dropLast(word.count)
            matches = candidates.compactMap { $0.hasPrefix(head) ? String($0.dropFirst(head.count)) : nil }
        }
        guard let first = matches.first else { return nil }
        if matches.count == 1 { return matches }
        var common = Substring(first)
        for match in matches.dropFirst() {
            common = common.prefix(zip(common, match).prefix { $0 == $1 }.count)
        }
        return [String(common)] + matches
    }
}

/// libedit's global state, set up once, and the completer of the editor now reading.
private enum LibEdit {
    /// Set by `LineEditor.readLine` for its duration: the process reads one line at a time.
    nonisolated(unsafe) static var completer: LineEditor.Completer?
    /// The last line added, so that a command repeated at once is kept once.
    nonisolated(unsafe) static var lastRecorded: String?

    nonisolated(unsafe) private static let name = strdup("artisanctl")
    /// Words are split at blanks only, as `CommandLineSplitter` does, so `--output=js` is one word.
    nonisolated(unsafe) private static let wordBreaks = strdup(" \t\n")

    private static let configured: Void = {
        // libedit decodes the keyboard with the C library's LC_CTYPE, which is "C" (ASCII: é is
        // dropped) until a program sets it. Swift strings are UTF-8 whatever the locale, so take the
        // user's if it is UTF-8, else C.UTF-8. Only LC_CTYPE: numbers and dates are not affected.
        if setlocale(LC_CTYPE, "") == nil || !isUTF8(nl_langinfo(nl_item(CODESET))) {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
        rl_readline_name = UnsafePointer(name)  // the `artisanctl` section of ~/.editrc applies
        _ = rl_initialize()
        stifle_history(LineEditor.historyLimit)
        rl_basic_word_break_characters = UnsafePointer(wordBreaks)
        rl_completer_word_break_characters = wordBreaks
        rl_attempted_completion_function = { text, _, _ in
            // Never fall back to libedit's file name completion.
            rl_attempted_completion_over = 1
            guard let completer = LibEdit.completer else { return nil }
            let word = text.map { String(cString: $0) } ?? ""
            let line = LibEdit.lineBeforeCursor() ?? word
            guard let matches = LineEditor.completionMatches(candidates: completer(line), line: line, word: word) else {
                return nil
            }
            // libedit (3.1-20221030) rings the bell after every completion it inserts, even a
            // complete one. Inserting here and redrawing would avoid it, but libedit then redraws
            // from where it believes the cursor is, not where it is: the bell is the lesser evil.
            return LibEdit.cArray(matches)
        }
    }()

    static func setUp() { configured }

    private static func isUTF8(_ codeset: UnsafePointer<CChar>?) -> Bool {
        guard let codeset else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// `rl_line_buffer` up to `rl_point`, a byte offset (libedit keeps both current while completing).
    static func lineBeforeCursor() -> String? {
        guard let buffer = rl_line_buffer else { return nil }
        let length = strlen(buffer)
        let point = min(max(Int(rl_point), 0), length)
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: point), as: UTF8.self)
        }
    }

    /// A NULL-terminated array of malloc'ed strings, which libedit frees. One spare NULL: libedit
    /// looks at `matches[2]` even when there is a single match.
    static func cArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let memory = calloc(strings.count + 2, MemoryLayout<UnsafeMutablePointer<CChar>?>.stride) else { return nil }
        let array = memory.assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self)
        for (index, string) in strings.enumerated() { array[index] = strdup(string) }
        return array
    }
}
