import ArtisanStore
import Foundation

/// The built `artisanctl`, run as a real subprocess: exit status, stdout and stderr apart.
public struct Binary {
    public typealias Result = Subprocess.Outcome

    /// Beside the test bundle in the build directory.
    public static let path: String = {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        // On Linux the test runner is `<build>/artisanctlPackageTests.xctest`; artisanctl is its sibling.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("artisanctl").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("artisanctl").path
    }()

    /// Runs `artisanctl arguments…` with exactly `environment`, and `stdin` as its input.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String], stdin: String? = nil,
                           workingDirectory: String? = nil) throws -> Result {
        try Subprocess.run([path] + arguments, environment: environment, input: stdin ?? "", workingDirectory: workingDirectory)
    }

    /// The environment of a command that must find its database only through `extra`:
    /// PATH, HOME and LANG kept, every PG* and DATABASE_URL variable left out.
    public static func isolatedEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment.filter { key, _ in ["PATH", "HOME", "LANG"].contains(key) }
        return inherited.merging(extra) { _, new in new }
    }
}
