import Foundation

/// A local fake server from Tests/Fixtures/fake_<name>.py: started on a free loopback port (the
/// script prints its port on its first line), stopped by `stop()`.
public final class FakeServer: @unchecked Sendable {
    public let url: String
    private let process: Process

    private init(url: String, process: Process) {
        self.url = url
        self.process = process
    }

    public static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    public static func start(_ name: String, arguments: [String] = []) throws -> FakeServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", fixtures.appendingPathComponent("fake_\(name).py").path] + arguments
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
        return FakeServer(url: "http://127.0.0.1:\(port)", process: process)
    }

    public func stop() {
        if process.isRunning { process.terminate() }
    }

    deinit { stop() }
}
