import Foundation

/// `artisanctl serve --port 0` as a real process: started with exactly `environment`, ready once
/// it printed `listening on URL` on stderr; the rest of its stderr (the JSON log) is kept.
public final class ServeProcess: @unchecked Sendable {
    public let url: String
    public let port: Int
    public let pid: pid_t
    private let process: Process
    private let log = LogBuffer()
    private let finished = DispatchSemaphore(value: 0)

    public struct NotStarted: Error, CustomStringConvertible {
        public let description: String
    }

    public init(arguments: [String] = [], environment: [String: String], workingDirectory: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The test runner blocks SIGTERM and SIGINT in its threads and children inherit the mask:
        // clear it, as a service manager would start the server.
        let unblock = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"
        process.arguments = ["python3", "-c", unblock, Binary.path, "serve", "--port", "0"] + arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        pid = process.processIdentifier
        var first = Data()
        let reader = errors.fileHandleForReading
        while let byte = try reader.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { first.append(byte) }
        let line = String(decoding: first, as: UTF8.self)
        guard line.hasPrefix("listening on "), let port = Int(line.split(separator: ":").last ?? "") else {
            let rest = (try? reader.readToEnd()).map { String(decoding: $0 ?? Data(), as: UTF8.self) } ?? ""
            kill(process.processIdentifier, SIGKILL)
            throw NotStarted(description: "serve did not start: \(line)\n\(rest)")
        }
        url = String(line.dropFirst("listening on ".count))
        self.port = port
        let done = finished
        Thread { [log] in
            while let chunk = try? reader.read(upToCount: 65536), !chunk.isEmpty { log.append(chunk) }
            done.signal()
        }.start()
    }

    /// Everything logged after `listening on`, so far.
    public var logText: String { log.text }

    /// Sends `signal` and waits for the exit status (nil when it did not exit within `seconds`).
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, waiting seconds: Double = 30) -> Int32? {
        kill(pid, signal)
        return waitForExit(seconds: seconds)
    }

    public func waitForExit(seconds: Double) -> Int32? {
        guard finished.wait(timeout: .now() + seconds) == .success else { return nil }
        finished.signal()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
    }
}

/// The server's stderr as it arrives, read by the test's thread.
final class LogBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
