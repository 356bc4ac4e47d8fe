import Foundation
import Testing
@testable import ArtisanCLI

/// The checked-in completion scripts and man page are exactly what the binary prints.
@Suite("Generated files")
struct GeneratedFilesTests {
    @Test("checked-in file equals the command's output", arguments: [
        ("completions/artisanctl.bash", ["completion", "bash"]),
        ("completions/_artisanctl", ["completion", "zsh"]),
        ("completions/artisanctl.fish", ["completion", "fish"]),
        ("man/artisanctl.1", ["man"]),
    ] as [(String, [String])])
    func upToDate(_ file: String, command: [String]) throws {
        let regenerate = "regenerate it: swift build && .build/debug/artisanctl \(command.joined(separator: " ")) > \(file)"
        let result = try runApplication(command)
        try #require(result.status == 0, "artisanctl \(command.joined(separator: " ")) failed: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        let expected = Data(result.stdout.utf8)
        #expect(!expected.isEmpty)

        let url = repositoryRoot.appendingPathComponent(file)
        let actual = try #require(FileManager.default.contents(atPath: url.path), "\(file) is missing: \(regenerate)")
        #expect(actual == expected, "\(file) differs from what the command prints (\(firstDifference(actual, expected))): \(regenerate)")
    }

    /// Where two texts first part, for the failure message.
    private func firstDifference(_ actual: Data, _ expected: Data) -> String {
        let old = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let new = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(old.count, new.count) {
            let was = index < old.count ? String(old[index]) : "<end of file>"
            let now = index < new.count ? String(new[index]) : "<end of output>"
            if was != now { return "line \(index + 1): file has '\(was)', command prints '\(now)'" }
        }
        return "same lines"
    }

    @Test func regeneratedOutputIsStable() throws {
        // Two runs print the same bytes: nothing depends on the clock, environment or dictionary order.
        for command in [["completion", "bash"], ["completion", "zsh"], ["completion", "fish"], ["man"]] {
            let first = try runApplication(command).stdout
            let second = try runApplication(command, environment: ["HOME": "/elsewhere", "ARTISANCTL_NOW": "2030-01-01T00:00:00Z"]).stdout
            #expect(first == second, "\(command)")
        }
    }
}
