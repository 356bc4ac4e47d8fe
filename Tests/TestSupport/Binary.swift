import Foundation

/// The built `artisanctl`, run as a real subprocess: exit status, stdout and stderr apart.
public struct Binary {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Beside the test bundle in the build directory.
    public static var path: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // On Linux the test runner is `<build>/artisanctlPackageTests.xctest`; artisanctl is its sibling.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("artisanctl").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("artisanctl").path
    }

    /// Runs `artisanctl arguments…` with `environment` (nothing inherited but what is given) and `stdin`.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String], stdin: String? = nil,
                           workingDirectory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a large output never blocks the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The environment of a command that must find its database only through `extra`:
    /// PATH and HOME kept, every PG* and DATABASE_URL variable removed.
    public static func isolatedEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment.filter { key, _ in ["PATH", "HOME", "LANG"].contains(key) }
        return inherited.merging(extra) { _, new in new }
    }
}
