import ArtisanCore

/// Splits one line of the shell into arguments the way a POSIX shell does for the simple cases:
/// words separated by blanks; `'single quotes'` keep everything literally; `"double quotes"` keep
/// everything but `\"` and `\\`, which stand for `"` and `\`; outside quotes a backslash makes
/// the next character literal; a `#` that starts a word starts a comment that runs to the end of
/// the line. No variables, globs, substitutions or operators: `$`, `*`, `|`, `;` are plain text.
public enum CommandLineSplitter {
    /// The arguments of a complete line; an unterminated quote or a final lone backslash is a usage
    /// error (64). A blank or comment-only line gives no arguments.
    public static func split(_ line: String) throws -> [String] {
        let scan = Scan(line)
        switch scan.open {
        case .single:
            throw ArtisanError.usage("unterminated single quote in: \(line)", hint: "close the quote with '")
        case .double:
            throw ArtisanError.usage("unterminated double quote in: \(line)", hint: "close the quote with \"")
        case .escape:
            throw ArtisanError.usage("the line ends with a lone backslash", hint: "write \\\\ for a backslash")
        case nil:
            return scan.words + (scan.current.map { [$0] } ?? [])
        }
    }

    /// A line cut at the cursor, for completion: the words before the one being typed, and that
    /// word as typed so far with its quotes and escapes resolved (empty when the line is empty or
    /// ends with a blank). An unterminated quote is fine here: the word is still being typed.
    /// Nil when the cursor is inside a comment, where nothing is completed.
    public static func splitPrefix(_ line: String) -> (words: [String], current: String)? {
        let scan = Scan(line)
        if scan.inComment { return nil }
        return (scan.words, scan.current ?? "")
    }

    enum Open: Equatable {
        case single, double, escape
    }

    /// One pass over a line: the finished words, the word under construction (nil between words),
    /// what is left open at the end, and whether the end is inside a comment.
    struct Scan {
        var words: [String] = []
        var current: String?
        var open: Open?
        var inComment = false

        init(_ line: String) {
            var characters = line[...]
            // `current` is a word as soon as anything, even an empty pair of quotes, starts it.
            while let character = characters.popFirst() {
                switch open {
                case .single:
                    if character == "'" { open = nil } else { current!.append(character) }
                case .double:
                    if character == "\"" {
                        open = nil
                    } else if character == "\\", let next = characters.first, next == "\"" || next == "\\" {
                        current!.append(next)
                        characters = characters.dropFirst()
                    } else {
                        current!.append(character)
                    }
                case .escape:
                    current!.append(character)
                    open = nil
                case nil:
                    switch character {
                    case " ", "\t", "\n", "\r", "\r\n":
                        if let word = current { words.append(word) }
                        current = nil
                    case "#" where current == nil:
                        inComment = true
                        return
                    case "'":
                        current = current ?? ""
                        open = .single
                    case "\"":
                        current = current ?? ""
                        open = .double
                    case "\\":
                        current = current ?? ""
                        open = .escape
                    default:
                        current = (current ?? "") + String(character)
                    }
                }
            }
        }
    }
}
