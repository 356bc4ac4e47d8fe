import Foundation

/// A local fake server from Tests/Fixtures/fake_<name>.py: started on a free loopback port (the
/// script prints its port on its first line), stopped by `stop()`.
public final class FakeServer: @unchecked Sendable {
    public let url: String
    public let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        url = "http://127.0.0.1:\(port)"
        self.port = port
        self.process = process
    }

    public static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The test venv's Python (scripts/test creates it with Radicale in it).
    public static var venvPython: String {
        fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/test-venv/bin/python").path
    }

    public static func start(_ name: String, arguments: [String] = [], python: String = "python3") throws -> FakeServer {
        try start(script: "fake_\(name).py", arguments: arguments, python: python)
    }

    /// Any script of Tests/Fixtures that follows the same convention (smtp_sink.py).
    public static func start(script: String, arguments: [String] = [], python: String = "python3") throws -> FakeServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The test runner's threads block SIGTERM and children inherit that: clear the mask, then
        // become the fake, so stop() really stops it.
        let unblock = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])"
        process.arguments = [python, "-c", unblock, python, "-u", fixtures.appendingPathComponent(script).path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile)
        }
        return FakeServer(port: port, process: process)
    }

    public func stop() {
        // SIGTERM: a wrapper script (Radicale's) stops the server it started before exiting.
        // By pid: Foundation's own bookkeeping of the child is not reliable under the test runner.
        kill(process.processIdentifier, SIGTERM)
    }

    deinit { stop() }
}
