import ArtisanCore
import Testing
@testable import ArtisanCLI

/// Splitting a shell line into arguments, as `sh` would for the simple cases.
@Suite("Command line splitter")
struct CommandLineSplitterTests {
    @Test("words, quotes, escapes and comments", arguments: [
        ("migrate status", ["migrate", "status"]),
        ("  migrate \t status  ", ["migrate", "status"]),
        ("", []),
        ("   \t ", []),
        ("services create --name 'Coupe homme'", ["services", "create", "--name", "Coupe homme"]),
        ("--name \"Coupe homme\"", ["--name", "Coupe homme"]),
        (#"--name "say \"hi\"""#, ["--name", #"say "hi""#]),
        (#""back\\slash""#, [#"back\slash"#]),
        (#""other \n escapes stay""#, [#"other \n escapes stay"#]),
        (#"'single \" and \\ stay'"#, [#"single \" and \\ stay"#]),
        (#"Coupe\ homme"#, ["Coupe homme"]),
        (#"\'quoted\'"#, ["'quoted'"]),
        (#"a\\b"#, [#"a\b"#]),
        ("pre'fix'\"ed\"word", ["prefixedword"]),
        ("'' \"\"", ["", ""]),
        ("--reason ''", ["--reason", ""]),
        ("# a comment", []),
        ("help # the commands", ["help"]),
        ("help#not-a-comment", ["help#not-a-comment"]),
        ("'#' \"#\" \\#", ["#", "#", "#"]),
        ("--price 45,50 --rate 30% $HOME *.sql a|b;c", ["--price", "45,50", "--rate", "30%", "$HOME", "*.sql", "a|b;c"]),
        ("--name 'Léa Martin' 名前", ["--name", "Léa Martin", "名前"]),
        ("'multi\nline'", ["multi\nline"]),
        ("help\r\n", ["help"]),
    ])
    func splits(line: String, expected: [String]) throws {
        #expect(try CommandLineSplitter.split(line) == expected)
    }

    @Test("an unterminated quote or a final lone backslash is a usage error", arguments: [
        ("services create --name 'Coupe", "single quote"),
        ("--name \"Coupe", "double quote"),
        (#"--name "say \""#, "double quote"),
        (#"help \"#, "backslash"),
    ])
    func unterminated(line: String, what: String) throws {
        let error = try #require(throws: ArtisanError.self) { try CommandLineSplitter.split(line) }
        #expect(error.kind == .usage)
        #expect(ExitStatus(error.kind) == .usage)
        #expect(error.message.contains(what), "\(error.message)")
    }

    @Test("a quote inside a comment is not unterminated")
    func quoteInComment() throws {
        #expect(try CommandLineSplitter.split("help # don't") == ["help"])
    }

    @Test("the prefix for completion: finished words and the word being typed")
    func prefix() throws {
        #expect(CommandLineSplitter.splitPrefix("")! == ([], ""))
        #expect(CommandLineSplitter.splitPrefix("mig")! == ([], "mig"))
        #expect(CommandLineSplitter.splitPrefix("migrate ")! == (["migrate"], ""))
        #expect(CommandLineSplitter.splitPrefix("migrate ro")! == (["migrate"], "ro"))
        #expect(CommandLineSplitter.splitPrefix("services show 'Coupe h")! == (["services", "show"], "Coupe h"))
        #expect(CommandLineSplitter.splitPrefix("--name \"a b\" --out")! == (["--name", "a b"], "--out"))
        #expect(CommandLineSplitter.splitPrefix(#"a\ b"#)! == ([], "a b"))
        #expect(CommandLineSplitter.splitPrefix("help # mig") == nil)
        #expect(CommandLineSplitter.splitPrefix("#") == nil)
    }
}
