import Foundation
import Testing
import TestSupport

/// The binary's contract with scripts: exit statuses, and errors on stderr only.
@Suite("exit statuses and streams")
struct ExitStatusTests {
    /// An XDG_DATA_HOME with no cluster in it, so nothing is found by default.
    let emptyHome = FileManager.default.temporaryDirectory.appendingPathComponent("home-\(UUID().uuidString)").path

    @Test("an unreachable server: exit 69 and libpq's own message on stderr")
    func unreachableServer() throws {
        let result = try Binary.run(["migrate", "status", "--database", "postgresql://127.0.0.1:1/x?connect_timeout=3"],
                                    environment: Binary.isolatedEnvironment())
        #expect(result.status == 69)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("artisanctl: error: connection to server at \"127.0.0.1\", port 1 failed"))
    }

    @Test("no database configured and no embedded cluster: exit 69, saying how to start one")
    func nothingConfigured() throws {
        let result = try Binary.run(["migrate", "status"], environment: Binary.isolatedEnvironment(["XDG_DATA_HOME": emptyHome]))
        #expect(result.status == 69)
        #expect(result.stderr.contains("artisanctl db up"))
        #expect(result.stdout.isEmpty)
    }

    @Test("a password in DATABASE_URL never reaches stderr, even with --verbose")
    func passwordNotLogged() throws {
        let result = try Binary.run(["migrate", "status", "--verbose"],
                                    environment: Binary.isolatedEnvironment(["DATABASE_URL": "postgresql://u:hunter2secret@127.0.0.1:1/x?connect_timeout=3"]))
        #expect(result.status == 69)
        #expect(result.stderr.contains("***"))
        #expect(!result.stderr.contains("hunter2secret"))
    }

    @Test("usage errors: exit 64, message and hint on stderr, nothing on stdout")
    func usageError() throws {
        let result = try Binary.run(["migrat", "status"], environment: Binary.isolatedEnvironment())
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "artisanctl: error: unknown command 'migrat'\nhint: did you mean 'migrate'?\n")
    }

    @Test("with --json, errors are one JSON object on stderr")
    func jsonError() throws {
        let result = try Binary.run(["migrate", "status", "--json"], environment: Binary.isolatedEnvironment(["XDG_DATA_HOME": emptyHome]))
        #expect(result.status == 69)
        let object = try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: [String: String]]
        #expect(object?["error"]?["code"] == "DATABASE_UNAVAILABLE")
        #expect(object?["error"]?["message"]?.isEmpty == false)
    }

    @Test("help and version go to stdout with exit 0")
    func helpAndVersion() throws {
        let help = try Binary.run(["migrate", "--help"], environment: Binary.isolatedEnvironment())
        #expect(help.status == 0)
        #expect(help.stdout.contains("Usage:\n  artisanctl migrate <command> [flags]"))
        #expect(help.stderr.isEmpty)
        let version = try Binary.run(["--version"], environment: Binary.isolatedEnvironment())
        #expect(version.stdout.hasPrefix("artisanctl "))
    }

    @Test("a bad ARTISANCTL_NOW or a missing --env-file is a configuration error (78)")
    func configurationErrors() throws {
        let badNow = try Binary.run(["migrate", "status"], environment: Binary.isolatedEnvironment(["ARTISANCTL_NOW": "yesterday"]))
        #expect(badNow.status == 78)
        #expect(badNow.stderr.contains("ARTISANCTL_NOW"))
        let noFile = try Binary.run(["migrate", "status", "--env-file", "/nonexistent/.env"], environment: Binary.isolatedEnvironment())
        #expect(noFile.status == 78)
    }

    @Test("DATABASE_URL is read from ./.env, and the process environment wins over it")
    func environmentFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "# settings\nexport DATABASE_URL='postgresql://127.0.0.1:2/fromfile?connect_timeout=3'\n"
            .write(to: directory.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let fromFile = try Binary.run(["migrate", "status"], environment: Binary.isolatedEnvironment(), workingDirectory: directory.path)
        #expect(fromFile.status == 69)
        #expect(fromFile.stderr.contains("port 2"))
        let fromProcess = try Binary.run(["migrate", "status"],
                                         environment: Binary.isolatedEnvironment(["DATABASE_URL": "postgresql://127.0.0.1:3/x?connect_timeout=3"]),
                                         workingDirectory: directory.path)
        #expect(fromProcess.stderr.contains("port 3"))
    }
}
