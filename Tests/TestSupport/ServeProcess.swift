import Foundation

/// `artisanctl serve --port 0` as a real process: started with exactly `environment`, ready once
/// it said where it listens on stderr (`listening on URL`, or a JSON line with that message and
/// the `address`); every other line of its stderr (the log) is kept.
public final class ServeProcess: @unchecked Sendable {
    public let url: String
    public let port: Int
    public let pid: pid_t
    private let process: Process
    private let log: LogBuffer
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
        let reader = errors.fileHandleForReading
        let log = LogBuffer()
        self.log = log
        var address: String?
        // Lines logged before it (`--verbose`) are the log's too.
        while address == nil, let line = try Self.readLine(reader) {
            if let found = Self.listeningAddress(line) { address = found } else { log.append(Data((line + "\n").utf8)) }
        }
        guard let address, let port = Int(address.split(separator: ":").last ?? "") else {
            let rest = (try? reader.readToEnd()).map { String(decoding: $0 ?? Data(), as: UTF8.self) } ?? ""
            kill(process.processIdentifier, SIGKILL)
            throw NotStarted(description: "serve did not start: \(log.text)\n\(rest)")
        }
        url = address
        self.port = port
        let done = finished
        Thread { [log] in
            while let chunk = try? reader.read(upToCount: 65536), !chunk.isEmpty { log.append(chunk) }
            done.signal()
        }.start()
    }

    /// Everything logged but the line that says where it listens, so far.
    public var logText: String { log.text }

    private static func readLine(_ reader: FileHandle) throws -> String? {
        var bytes = Data()
        while let byte = try reader.read(upToCount: 1), !byte.isEmpty {
            if byte == Data("\n".utf8) { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// The URL of `listening on URL`, as text or as the `address` of a JSON log line.
    static func listeningAddress(_ line: String) -> String? {
        if line.hasPrefix("listening on ") { return String(line.dropFirst("listening on ".count)) }
        guard line.hasPrefix("{"), let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              (object["message"] as? String)?.hasPrefix("listening on ") == true else { return nil }
        return object["address"] as? String
    }

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
