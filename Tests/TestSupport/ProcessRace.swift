import ArtisanStore
import Foundation

/// Starts several `artisanctl` commands together, as real processes, and collects each one's
/// exit status and output.
///
/// One shell spawns them all in the background; each waits for a `go` file the shell creates once
/// all are spawned, so they really start at the same moment. The shell polls for the exit statuses
/// rather than `wait`: under the test runner a child may inherit a blocked SIGCHLD.
public enum ProcessRace {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(_ commands: [[String]], environment: [String: String], in directory: URL) throws -> [Outcome] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var script = "cd \(quoted(directory.path)) || exit 90\n"
        for (index, arguments) in commands.enumerated() {
            let command = ([Binary.path] + arguments).map(quoted).joined(separator: " ")
            script += """
                ( : > ready.\(index); while [ ! -e go ]; do sleep 0.002; done
                  \(command) > out.\(index) 2> err.\(index); echo $? > status.\(index); mv status.\(index) rc.\(index) ) < /dev/null > /dev/null 2>&1 &

                """
        }
        script += """
            tries=0
            while [ "$(ls ready.* 2>/dev/null | wc -l)" -lt \(commands.count) ]; do
              tries=$((tries + 1)); [ $tries -lt 10000 ] || { : > go; exit 92; }; sleep 0.002
            done
            : > go
            # At most two minutes for all of them.
            tries=0
            while [ "$(ls rc.* 2>/dev/null | wc -l)" -lt \(commands.count) ]; do
              tries=$((tries + 1)); [ $tries -lt 12000 ] || exit 91; sleep 0.01
            done
            """
        let shell = try Subprocess.run(["/bin/sh", "-c", script], environment: environment)
        guard shell.status == 0 else { throw Failure(description: "the racing shell failed (\(shell.status)): \(shell.stderr)") }
        return try commands.indices.map { index in
            func read(_ file: String) throws -> String { try String(contentsOf: directory.appendingPathComponent("\(file).\(index)"), encoding: .utf8) }
            func number(_ file: String) throws -> Int64 { Int64(try read(file).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
            return Outcome(status: Int32(try number("rc")), stdout: try read("out"), stderr: try read("err"))
        }
    }
}
