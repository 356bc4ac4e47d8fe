import ArtisanStore
import Foundation

/// Tests/Fixtures/log_oracle.py: log lines read by Python's json module, a reader we did not write.
public enum LogOracle {
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every line of `text` as the object Python read (each must be one JSON object with string
    /// `time` in UTC, `level` and `message`); throws with Python's reason otherwise.
    public static func records(_ text: String) throws -> [[String: Any]] {
        let script = FakeServer.fixtures.appendingPathComponent("log_oracle.py").path
        let result = try Subprocess.run([FakeServer.venvPython, script], input: text)
        guard result.status == 0 else { throw Refused(description: "log_oracle.py: \(result.stderr)") }
        guard let records = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw Refused(description: "log_oracle.py printed \(result.stdout)")
        }
        return records
    }
}
