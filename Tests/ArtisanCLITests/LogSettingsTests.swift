import Foundation
import Logging
import Testing
import TestSupport
@testable import ArtisanCLI

@Suite("log settings: --log-format, LOG_FORMAT, LOG_LEVEL, --verbose and --quiet")
struct LogSettingsTests {
    static func options(_ arguments: [String]) throws -> GlobalOptions {
        guard case .run(let invocation) = try Parser(tree: Application.tree).parse(arguments + ["migrate", "status"]) else {
            throw NotRun()
        }
        return GlobalOptions(invocation)
    }

    struct NotRun: Error {}

    @Test("defaults: text and warnings for a command, JSON and info for serve")
    func defaults() throws {
        let none = try Self.options([])
        #expect(try LogSettings.resolve(none, environment: [:], defaults: .command) == LogSettings(format: .text, level: .warning))
        #expect(try LogSettings.resolve(none, environment: [:], defaults: .server) == LogSettings(format: .json, level: .info))
    }

    @Test("the flags beat LOG_FORMAT and LOG_LEVEL, which beat the defaults; an empty variable counts as unset")
    func precedence() throws {
        let environment = ["LOG_FORMAT": "JSON", "LOG_LEVEL": "Debug"]
        #expect(try LogSettings.resolve(Self.options([]), environment: environment, defaults: .server) == LogSettings(format: .json, level: .debug))
        #expect(try LogSettings.resolve(Self.options(["--log-format", "text", "-q"]), environment: environment, defaults: .server)
            == LogSettings(format: .text, level: .error))
        #expect(try LogSettings.resolve(Self.options(["-v"]), environment: ["LOG_LEVEL": "error"], defaults: .command).level == .debug)
        #expect(try LogSettings.resolve(Self.options([]), environment: ["LOG_FORMAT": "", "LOG_LEVEL": ""], defaults: .command)
            == LogSettings(format: .text, level: .warning))
        #expect(try LogSettings.resolve(Self.options([]), environment: ["LOG_LEVEL": "warn"], defaults: .server).level == .warning)
    }

    @Test("a bad --log-format is a one-line usage error (64) with a did-you-mean, before or after the command")
    func badFlag() throws {
        for arguments in [["--log-format", "jsn", "migrate", "status"], ["migrate", "status", "--log-format=jsno"]] {
            let result = try runApplication(arguments)
            #expect(result.status == 64)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("artisanctl: error: --log-format must be one of text, json, not 'js"), "\(result.stderr)")
            #expect(stderrLines(result.stderr).dropFirst() == ["hint: did you mean 'json'?"], "\(result.stderr)")
        }
    }

    @Test("a bad LOG_FORMAT or LOG_LEVEL is a configuration error (78) naming the variable, the choices and the value")
    func badVariables() throws {
        let format = try runApplication(["migrate", "status"], environment: ["LOG_FORMAT": "yaml"])
        #expect(format.status == 78)
        #expect(stderrLines(format.stderr) == ["artisanctl: error: LOG_FORMAT: must be one of text, json (got 'yaml')"], "\(format.stderr)")
        let level = try runApplication(["migrate", "status"], environment: ["LOG_LEVEL": "verbos"])
        #expect(level.status == 78)
        #expect(stderrLines(level.stderr).first
            == "artisanctl: error: LOG_LEVEL: must be one of trace, debug, info, notice, warn, warning, error, critical (got 'verbos')",
            "\(level.stderr)")
    }

    @Test("with --log-format json, an error is one JSON record on stderr: level error, message, code, hint and exit status")
    func errorAsRecord() throws {
        for (arguments, environment) in [(["--log-format", "json", "migrat"], [:]), (["migrat"], ["LOG_FORMAT": "json"]),
                                         (["migrate", "status"], ["LOG_FORMAT": "json", "ARTISANCTL_NOW": "noon"])] {
            let result = try runApplication(arguments, environment: environment)
            #expect(result.status == (arguments.count == 2 ? 78 : 64), "\(result.stderr)")
            let records = try LogOracle.records(result.stderr)
            #expect(records.count == 1, "\(result.stderr)")
            #expect(records.first?["level"] as? String == "error")
            #expect(records.first?["exitStatus"] as? Int == Int(result.status))
            #expect((records.first?["message"] as? String)?.isEmpty == false)
        }
    }

    @Test("--json keeps its own error shape whatever the log format")
    func jsonErrorsWin() throws {
        let result = try runApplication(["--json", "--log-format", "json", "migrat"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("{\"error\":{\"code\":\"USAGE_ERROR\""), "\(result.stderr)")
    }

    @Test("before the flags are read, JSON is used only when asked for, or for serve, whose log is JSON by default")
    func requestedFormat() {
        #expect(LogSettings.requestedFormat(["--log-format", "json", "x"], environment: [:]) == .json)
        #expect(LogSettings.requestedFormat(["x", "--log-format=json"], environment: ["LOG_FORMAT": "text"]) == .json)
        #expect(LogSettings.requestedFormat(["x", "--", "--log-format=json"], environment: [:]) == .text)
        #expect(LogSettings.requestedFormat(["x"], environment: ["LOG_FORMAT": "json"]) == .json)
        #expect(LogSettings.requestedFormat(["-d", "serve", "migrate"], environment: [:]) == .text)
        #expect(LogSettings.requestedFormat(["-d", "db", "-v", "serve", "--port"], environment: [:]) == .json)
        #expect(LogSettings.requestedFormat(["serve", "--log-format", "text"], environment: [:]) == .text)
    }
}

private func stderrLines(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init)
}
