import Foundation

/// Tests/Fixtures/smtp_sink.py (aiosmtpd) writing into a directory of its own.
public final class SMTPSink: @unchecked Sendable {
    public let server: FakeServer
    public let directory: URL

    public init(arguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        server = try FakeServer.start(script: "smtp_sink.py", arguments: [directory.path] + arguments, python: FakeServer.venvPython)
    }

    public func url(credentials: String? = nil, scheme: String = "smtp") -> String {
        "\(scheme)://" + (credentials.map { $0 + "@" } ?? "") + "127.0.0.1:\(server.port)"
    }

    /// The stored messages, 1 first.
    public var count: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    public func eml(_ number: Int) -> URL { directory.appendingPathComponent("\(number).eml") }

    public func envelope(_ number: Int) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(number).json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    public func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Tests/Fixtures/mail_oracle.py: Python's `email` and `icalendar` reading a message we wrote.
public enum MailOracle {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func read(_ file: URL) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FakeServer.venvPython)
        process.arguments = [FakeServer.fixtures.appendingPathComponent("mail_oracle.py").path, file.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = try output.fileHandleForReading.readToEnd() ?? Data()
        let problem = String(decoding: try errors.fileHandleForReading.readToEnd() ?? Data(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "mail_oracle.py failed (\(process.terminationStatus)): \(problem)")
        }
        return object
    }

    public static func read(bytes: [UInt8]) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mime-\(UUID().uuidString).eml")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try read(file)
    }
}

