import ArtisanCore
import Testing
@testable import ArtisanCLI

/// Every flag form, on a small tree of the tests' own.
@Suite("Parser: flag forms")
struct ParserFlagFormTests {
    @Test("a value flag takes its value in every GNU spelling", arguments: [
        ["--output", "json", "greet", "ann"],
        ["--output=json", "greet", "ann"],
        ["-o", "json", "greet", "ann"],
        ["-ojson", "greet", "ann"],
        ["greet", "ann", "--output", "json"],
        ["greet", "--output=json", "ann"],
        ["greet", "ann", "-ojson"],
    ])
    func valueFlagSpellings(_ arguments: [String]) throws {
        let parsed = try invocation(arguments)
        #expect(parsed.path == ["greet"])
        #expect(parsed.value("output") == "json")
        #expect(parsed.argument("name") == "ann")
    }

    @Test func longSwitch() throws {
        let parsed = try invocation(["greet", "ann", "--loud"])
        #expect(parsed.isSet("loud"))
        #expect(!parsed.isSet("quiet"))
        #expect(parsed.value("loud") == "true")
    }

    @Test func shortSwitch() throws {
        let parsed = try invocation(["greet", "-l", "ann"])
        #expect(parsed.isSet("loud"))
        #expect(parsed.argument("name") == "ann")
    }

    @Test func bundledShortSwitches() throws {
        let parsed = try invocation(["-qy", "greet", "ann"])
        #expect(parsed.isSet("quiet"))
        #expect(parsed.isSet("yes"))
        #expect(!parsed.isSet("verbose"))
    }

    @Test func bundleOfThreeMixingCommandAndGlobalFlags() throws {
        let parsed = try invocation(["greet", "-lqv", "ann"])
        #expect(parsed.isSet("loud"))
        #expect(parsed.isSet("quiet"))
        #expect(parsed.isSet("verbose"))
        #expect(parsed.argument("name") == "ann")
    }

    @Test func bundleEndingInAValueFlagTakesTheNextArgument() throws {
        let parsed = try invocation(["greet", "-qt", "3", "ann"])
        #expect(parsed.isSet("quiet"))
        #expect(parsed.value("times") == "3")
        #expect(parsed.argument("name") == "ann")
    }

    @Test func bundleWithAttachedValue() throws {
        let parsed = try invocation(["greet", "-qt3", "ann"])
        #expect(parsed.isSet("quiet"))
        #expect(parsed.value("times") == "3")
        #expect(parsed.argument("name") == "ann")
    }

    @Test func longValueKeepsEverythingAfterTheFirstEquals() throws {
        let parsed = try invocation(["--database=host=/tmp port=5432", "greet", "ann"])
        #expect(parsed.value("database") == "host=/tmp port=5432")
    }

    @Test func separateValueMayStartWithADash() throws {
        // As getopt_long does for a flag whose value is required.
        let parsed = try invocation(["greet", "ann", "--times", "-5"])
        #expect(parsed.value("times") == "-5")
    }

    @Test func doubleDashEndsFlags() throws {
        let parsed = try invocation(["copy", "a", "--", "-l", "--loud", "--", "b"])
        #expect(parsed.arguments("files") == ["a", "-l", "--loud", "--", "b"])
        #expect(!parsed.isSet("loud"))
    }

    @Test func flagsBeforeDoubleDashStillCount() throws {
        let parsed = try invocation(["copy", "-q", "--", "-y"])
        #expect(parsed.isSet("quiet"))
        #expect(!parsed.isSet("yes"))
        #expect(parsed.arguments("files") == ["-y"])
    }

    @Test func singleDashIsAnArgument() throws {
        let parsed = try invocation(["copy", "-", "b"])
        #expect(parsed.arguments("files") == ["-", "b"])
    }

    @Test("global flags are accepted before, between and after the command words", arguments: [
        ["--database", "x", "group", "leaf"],
        ["group", "--database", "x", "leaf"],
        ["group", "leaf", "--database", "x"],
        ["-d", "x", "group", "leaf"],
        ["group", "-dx", "leaf"],
        ["group", "leaf", "--database=x"],
    ])
    func globalFlagsAnywhere(_ arguments: [String]) throws {
        let parsed = try invocation(arguments)
        #expect(parsed.path == ["group", "leaf"])
        #expect(parsed.commandName == "group leaf")
        #expect(parsed.value("database") == "x")
    }

    @Test func repeatedValueFlagLastOneWins() throws {
        let parsed = try invocation(["-o", "json", "greet", "ann", "--output", "csv"])
        #expect(parsed.value("output") == "csv")
        #expect(parsed.values("output") == ["json", "csv"])
    }

    @Test func repeatedSwitchIsStillSet() throws {
        let parsed = try invocation(["-q", "greet", "ann", "--quiet"])
        #expect(parsed.isSet("quiet"))
        #expect(parsed.values("quiet").count == 2)
    }

    @Test func absentFlagHasNoValue() throws {
        let parsed = try invocation(["greet", "ann"])
        #expect(parsed.value("output") == nil)
        #expect(parsed.values("output").isEmpty)
        #expect(!parsed.isSet("output"))
    }

    @Test func variadicArgumentTakesEveryWord() throws {
        #expect(try invocation(["copy", "a", "b", "c"]).arguments("files") == ["a", "b", "c"])
        #expect(try invocation(["copy", "a", "-q", "b"]).arguments("files") == ["a", "b"])
    }

    @Test func optionalArgumentMayBeLeftOut() throws {
        let parsed = try invocation(["list"])
        #expect(parsed.argument("kind") == nil)
        #expect(parsed.arguments("kind").isEmpty)
        #expect(try invocation(["list", "dogs"]).argument("kind") == "dogs")
    }
}

@Suite("Parser: what it refuses")
struct ParserRefusalTests {
    @Test("a value outside the flag's choices", arguments: [
        ["--output", "xml", "greet", "ann"],
        ["--output=xml", "greet", "ann"],
        ["-oxml", "greet", "ann"],
        ["greet", "ann", "-o", "xml"],
    ])
    func choices(_ arguments: [String]) throws {
        let error = try usageError(arguments)
        #expect(error.message.contains("--output"))
        #expect(error.message.contains("table, json, csv"))
        #expect(error.message.contains("'xml'"))
    }

    @Test func emptyValueOutsideChoices() throws {
        let error = try usageError(["--output=", "greet", "ann"])
        #expect(error.message.contains("--output must be one of"))
    }

    @Test("a value flag at the very end has no value", arguments: [
        ["greet", "ann", "--database"],
        ["greet", "ann", "-d"],
        ["greet", "ann", "-qd"],
        ["greet", "ann", "--times"],
    ])
    func missingValue(_ arguments: [String]) throws {
        let error = try usageError(arguments)
        #expect(error.message.contains("needs a value"))
    }

    @Test func missingValueNamesTheFlagAndItsPlaceholder() throws {
        let error = try usageError(["greet", "ann", "-d"])
        #expect(error.message == "--database needs a value (URL)")
    }

    @Test func switchGivenAValue() throws {
        let error = try usageError(["--json=1", "greet", "ann"])
        #expect(error.message == "--json takes no value")
        let loud = try usageError(["greet", "ann", "--loud=yes"])
        #expect(loud.message.contains("--loud takes no value"))
    }

    @Test func argumentOutsideItsChoices() throws {
        let error = try usageError(["list", "birds"])
        #expect(error.message.contains("KIND must be one of cats, dogs"))
        #expect(error.message.contains("'birds'"))
    }

    @Test func unknownCommandWithAHint() throws {
        let error = try usageError(["gret", "ann"])
        #expect(error.message == "unknown command 'gret'")
        #expect(error.hint == "did you mean 'greet'?")
    }

    @Test func unknownCommandInAGroupNamesTheGroup() throws {
        let error = try usageError(["group", "lef"])
        #expect(error.message == "unknown command 'lef' for group")
        #expect(error.hint == "did you mean 'leaf'?")
    }

    @Test func unknownCommandFarFromAnyListsTheCommands() throws {
        let error = try usageError(["frobnicate"])
        #expect(error.message.contains("'frobnicate'"))
        #expect(error.hint == "commands: greet, copy, list, group")
    }

    @Test func unknownLongFlagWithAHint() throws {
        let error = try usageError(["greet", "ann", "--lod"])
        #expect(error.message == "unknown flag '--lod' for greet")
        #expect(error.hint == "did you mean '--loud'?")
    }

    @Test func unknownLongFlagByPrefix() throws {
        let error = try usageError(["--verb", "greet", "ann"])
        #expect(error.hint == "did you mean '--verbose'?")
    }

    @Test func unknownFlagFarFromAnyPointsAtHelp() throws {
        let error = try usageError(["greet", "ann", "--xyzzy"])
        #expect(error.message.contains("'--xyzzy'"))
        #expect(error.hint == "run 'tool help greet' for the flags")
    }

    @Test func unknownShortFlagSuggestsNoOtherLetter() throws {
        let error = try usageError(["greet", "ann", "-z"])
        #expect(error.message == "unknown flag '-z' for greet")
        #expect(error.hint == "run 'tool help greet' for the flags")
    }

    @Test func unknownLetterInABundleIsNamed() throws {
        let error = try usageError(["-qz", "greet", "ann"])
        #expect(error.message == "unknown flag '-z' in '-qz'")
    }

    @Test func singleDashLongFlagPointsAtTheDoubleDashOne() throws {
        // `-verbose` is the bundle -v -e -r…; -e is unknown, but the user meant --verbose.
        let error = try usageError(["greet", "ann", "-verbose"])
        #expect(error.message.contains("'-e'"))
        #expect(error.hint == "did you mean '--verbose'?")
    }

    @Test func commandFlagIsUnknownToOtherCommands() throws {
        let error = try usageError(["copy", "--loud", "a"])
        #expect(error.message == "unknown flag '--loud' for copy")
    }

    @Test func commandFlagIsUnknownBeforeItsCommand() throws {
        let error = try usageError(["--loud", "greet", "ann"])
        #expect(error.message == "unknown flag '--loud'")
    }

    @Test func unexpectedExtraArgument() throws {
        let error = try usageError(["greet", "ann", "bob"])
        #expect(error.message == "unexpected argument 'bob' for tool greet")
        #expect(error.hint == "usage: tool greet NAME [flags]")
    }

    @Test func missingRequiredArgument() throws {
        let error = try usageError(["greet", "--loud"])
        #expect(error.message == "greet needs the argument NAME (who to greet)")
        #expect(error.hint == "usage: tool greet NAME [flags]")
    }

    @Test func groupWithoutAVerb() throws {
        let error = try usageError(["group"])
        #expect(error.message == "group needs a command: leaf")
        #expect(error.hint == "run 'tool help group' for more")
    }

    @Test func wordsAfterDoubleDashAtTheRootAreNotCommands() throws {
        let error = try usageError(["--", "greet"])
        #expect(error.message.contains("unexpected argument 'greet'"))
    }

    @Test func unknownCommandIsReportedBeforeHelp() throws {
        let error = try usageError(["gret", "--help"])
        #expect(error.message == "unknown command 'gret'")
    }
}

@Suite("Parser: help and version")
struct ParserHelpVersionTests {
    @Test func noArgumentsShowsTheRootHelp() throws {
        let outcome = try Parser(tree: SampleTree.tree).parse([])
        #expect(outcome.helpPath == [])
        #expect(outcome.helpCommand?.name == "tool")
    }

    @Test("-h and --help stop at the command reached", arguments: [
        (["-h"], []),
        (["--help"], []),
        (["greet", "-h"], ["greet"]),
        (["-h", "greet"], ["greet"]),
        (["group", "--help"], ["group"]),
        (["group", "leaf", "-h"], ["group", "leaf"]),
        (["group", "-qh", "leaf"], ["group", "leaf"]),
    ] as [([String], [String])])
    func help(_ arguments: [String], path: [String]) throws {
        let outcome = try Parser(tree: SampleTree.tree).parse(arguments)
        #expect(outcome.helpPath == path)
        #expect(outcome.helpCommand?.name == (path.last ?? "tool"))
    }

    @Test func helpNeedsNoRequiredArgument() throws {
        // `greet` needs NAME, but asking for its help is not a mistake.
        let outcome = try Parser(tree: SampleTree.tree).parse(["greet", "--help"])
        #expect(outcome.helpPath == ["greet"])
    }

    @Test func helpWinsOverVersion() throws {
        #expect(try Parser(tree: SampleTree.tree).parse(["--version", "--help"]).helpPath == [])
    }

    @Test func version() throws {
        #expect(try Parser(tree: SampleTree.tree).parse(["--version"]).isVersion)
    }

    @Test func versionAfterACommandPrintsTheVersionInsteadOfRunningIt() throws {
        #expect(try Parser(tree: SampleTree.tree).parse(["greet", "ann", "--version"]).isVersion)
        #expect(try Parser(tree: SampleTree.tree).parse(["group", "--version"]).isVersion)
    }

    @Test func versionStillChecksTheRestOfTheLine() throws {
        let error = try usageError(["--version", "--bogus"])
        #expect(error.message.contains("--bogus"))
    }
}

/// The same rules on artisanctl's real tree.
@Suite("Parser: artisanctl's tree")
struct ApplicationTreeParserTests {
    let tree = Application.tree

    @Test func migrateStatusWithGlobalFlagsOnBothSides() throws {
        let parsed = try invocation(["--database", "postgres:///a", "migrate", "status", "-qo", "json"], tree: tree)
        #expect(parsed.path == ["migrate", "status"])
        #expect(parsed.value("database") == "postgres:///a")
        #expect(parsed.value("output") == "json")
        #expect(parsed.isSet("quiet"))
    }

    @Test func rollbackFlags() throws {
        let parsed = try invocation(["migrate", "rollback", "-n", "3", "-y"], tree: tree)
        #expect(parsed.value("steps") == "3")
        #expect(parsed.isSet("yes"))
        #expect(try parsed.integer("steps", in: 1...10) == 3)
    }

    @Test func rollbackStepsAttached() throws {
        #expect(try invocation(["migrate", "rollback", "-n2"], tree: tree).value("steps") == "2")
        #expect(try invocation(["migrate", "rollback", "--steps=4"], tree: tree).value("steps") == "4")
    }

    @Test func bundledGlobalSwitches() throws {
        let parsed = try invocation(["-qy", "migrate", "latest"], tree: tree)
        #expect(parsed.isSet("quiet"))
        #expect(parsed.isSet("yes"))
    }

    @Test func globalFlagsParseIntoOptions() throws {
        let options = GlobalOptions(try invocation(
            ["--json", "migrate", "status", "--no-color", "-v", "--log-format", "json", "--env-file", "x.env", "-d", "db"], tree: tree))
        #expect(options.json)
        #expect(options.output == .json)
        #expect(options.noColor)
        #expect(options.verbose)
        #expect(!options.quiet)
        #expect(options.logFormat == .json)
        #expect(options.envFile == "x.env")
        #expect(options.database == "db")
        #expect(!options.yes)
    }

    @Test func outputFormatDefaultsToTable() throws {
        #expect(GlobalOptions(try invocation(["migrate", "status"], tree: tree)).output == .table)
        #expect(GlobalOptions(try invocation(["migrate", "status", "-ocsv"], tree: tree)).output == .csv)
    }

    @Test func outputXMLIsRefused() throws {
        let error = try usageError(["--output", "xml", "migrate", "status"], tree: tree)
        #expect(error.message == "--output must be one of table, json, csv, not 'xml'")
    }

    @Test func logFormatChoices() throws {
        let error = try usageError(["migrate", "status", "--log-format=yaml"], tree: tree)
        #expect(error.message.contains("text, json"))
    }

    @Test func databaseAtTheEndHasNoValue() throws {
        let error = try usageError(["migrate", "status", "--database"], tree: tree)
        #expect(error.message == "--database needs a value (URL)")
    }

    @Test func jsonTakesNoValue() throws {
        let error = try usageError(["--json=1", "migrate", "status"], tree: tree)
        #expect(error.message == "--json takes no value")
    }

    @Test("a misspelt command gets a 'did you mean'", arguments: [
        (["migrat"], "migrate"),
        (["mirgate", "status"], "migrate"),
        (["migrate", "stauts"], "status"),
        (["migrate", "rolback"], "rollback"),
        (["migrate", "lates"], "latest"),
        (["db", "upp"], "up"),
        (["db", "donw"], "down"),
        (["completon", "bash"], "completion"),
    ] as [([String], String)])
    func unknownCommand(_ arguments: [String], guess: String) throws {
        let error = try usageError(arguments, tree: tree)
        #expect(error.message.hasPrefix("unknown command"))
        #expect(error.hint == "did you mean '\(guess)'?")
    }

    @Test func unknownCommandFarFromAnyListsTheCommands() throws {
        let error = try usageError(["xy"], tree: tree)
        #expect(error.message == "unknown command 'xy'")
        #expect(error.hint == "commands: " + tree.root.subcommands.map(\.name).joined(separator: ", "))
        #expect(error.hint?.hasPrefix("commands: artisan, services, hours, breaks, timeoff, availability, bookings") == true)
    }

    @Test("a misspelt flag gets a 'did you mean'", arguments: [
        (["--verbos"], "--verbose"),
        (["migrate", "status", "--verbse"], "--verbose"),
        (["migrate", "status", "--dtabase", "x"], "--database"),
        (["migrate", "status", "--jsn"], "--json"),
        (["migrate", "rollback", "--step", "2"], "--steps"),
        (["migrate", "status", "--no-colour"], "--no-color"),
        (["migrate", "status", "-quiet"], "--quiet"),
    ] as [([String], String)])
    func unknownFlag(_ arguments: [String], guess: String) throws {
        let error = try usageError(arguments, tree: tree)
        #expect(error.message.hasPrefix("unknown flag"))
        #expect(error.hint == "did you mean '\(guess)'?")
    }

    @Test func stepsBelongsToRollbackOnly() throws {
        let error = try usageError(["migrate", "status", "--steps", "2"], tree: tree)
        #expect(error.message == "unknown flag '--steps' for migrate status")
        #expect(error.hint == "run 'artisanctl help migrate status' for the flags")
    }

    @Test func unexpectedArgument() throws {
        let error = try usageError(["migrate", "status", "extra"], tree: tree)
        #expect(error.message == "unexpected argument 'extra' for artisanctl migrate status")
        #expect(error.hint == "usage: artisanctl migrate status [flags]")
    }

    @Test func missingMigrationName() throws {
        let error = try usageError(["migrate", "make"], tree: tree)
        #expect(error.message.contains("migrate make needs the argument NAME"))
        #expect(error.hint == "usage: artisanctl migrate make NAME [flags]")
    }

    @Test func migrationNameAfterDoubleDash() throws {
        #expect(try invocation(["migrate", "make", "--", "--odd"], tree: tree).argument("name") == "--odd")
    }

    @Test("a group alone is a usage error naming its verbs", arguments: [
        (["migrate"], "migrate needs a command: latest, rollback, status, make"),
        (["db"], "db needs a command: up, down, status, env, backup, restore"),
        (["-q", "migrate", "--json"], "migrate needs a command: latest, rollback, status, make"),
    ] as [([String], String)])
    func groupWithoutVerb(_ arguments: [String], message: String) throws {
        let error = try usageError(arguments, tree: tree)
        #expect(error.message == message)
        #expect(error.hint?.contains("artisanctl help \(arguments.first { !$0.hasPrefix("-") }!)") == true)
    }

    @Test func completionShellChoices() throws {
        #expect(try invocation(["completion", "fish"], tree: tree).argument("shell") == "fish")
        let error = try usageError(["completion", "tcsh"], tree: tree)
        #expect(error.message == "SHELL must be one of bash, zsh, fish, not 'tcsh'")
    }

    @Test func helpTakesACommandPath() throws {
        let parsed = try invocation(["help", "migrate", "rollback"], tree: tree)
        #expect(parsed.path == ["help"])
        #expect(parsed.arguments("command") == ["migrate", "rollback"])
    }

    static let everyCommand = Application.tree.allCommands.map(\.path)

    @Test("-h and --help work at every level", arguments: everyCommand)
    func helpEverywhere(_ path: [String]) throws {
        for flag in ["-h", "--help"] {
            let after = try Parser(tree: tree).parse(path + [flag])
            #expect(after.helpPath == path)
            #expect(after.helpCommand?.name == path.last ?? "artisanctl")
            let before = try Parser(tree: tree).parse([flag] + path)
            #expect(before.helpPath == path)
        }
    }

    @Test func version() throws {
        #expect(try Parser(tree: tree).parse(["--version"]).isVersion)
        #expect(try Parser(tree: tree).parse(["migrate", "rollback", "--yes", "--version"]).isVersion)
    }
}

@Suite("Invocation")
struct InvocationTests {
    @Test func integerInRange() throws {
        let parsed = try invocation(["greet", "ann", "-t", "7"])
        #expect(try parsed.integer("times", in: 1...10) == 7)
        #expect(try parsed.integer("database", in: 1...10) == nil)
    }

    @Test("an integer flag refuses what is not a whole number in range", arguments: ["0", "11", "x", "2.5", ""])
    func integerRefused(_ text: String) throws {
        let parsed = try invocation(["greet", "ann", "--times=\(text)"])
        let error = try #require(throws: ArtisanError.self) { try parsed.integer("times", in: 1...10) }
        #expect(error.kind == .usage)
        #expect(error.message == "--times takes a whole number from 1 to 10, not '\(text)'")
    }
}

@Suite("Suggestion")
struct SuggestionTests {
    @Test func distance() {
        #expect(Suggestion.distance("", "") == 0)
        #expect(Suggestion.distance("abc", "") == 3)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.distance("migrate", "migrate") == 0)
        #expect(Suggestion.distance("migrat", "migrate") == 1)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("mirgate", "migrate") == 1, "a swap of neighbours is one edit")
        #expect(Suggestion.distance("ab", "ba") == 1)
    }

    @Test func prefixWins() {
        #expect(Suggestion.closest(to: "mig", among: ["db", "migrate"]) == "migrate")
        #expect(Suggestion.closest(to: "--verbos", among: ["--version", "--verbose"]) == "--verbose")
    }

    @Test func aPrefixNeedsTwoLetters() {
        #expect(Suggestion.closest(to: "m", among: ["migrate", "man"]) == nil)
        #expect(Suggestion.closest(to: "--v", among: ["--verbose"]) == nil)
        #expect(Suggestion.closest(to: "--", among: ["--verbose"]) == nil)
    }

    @Test func typosAreFound() {
        #expect(Suggestion.closest(to: "stauts", among: ["latest", "rollback", "status", "make"]) == "status")
        #expect(Suggestion.closest(to: "--dtabase", among: ["--database", "--output"]) == "--database")
    }

    @Test func farWordsSuggestNothing() {
        #expect(Suggestion.closest(to: "xy", among: ["db", "migrate", "man", "help"]) == nil)
        #expect(Suggestion.closest(to: "-z", among: ["-d", "-o", "-q"]) == nil)
        #expect(Suggestion.closest(to: "frobnicate", among: ["db", "migrate"]) == nil)
        #expect(Suggestion.closest(to: "abc", among: []) == nil)
    }
}
