import ArtisanCore
import Logging

/// swift-log handler writing one line per message on stderr, as text or JSON, secrets redacted.
struct StderrLogHandler: LogHandler {
    let sink: any TextSink
    let format: GlobalOptions.LogFormat
    let redactor: Redactor
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(sink: any TextSink, format: GlobalOptions.LogFormat, level: Logger.Level, redactor: Redactor) {
        self.sink = sink
        self.format = format
        self.logLevel = level
        self.redactor = redactor
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
            .map { ($0.key, redactor.redact("\($0.value)")) }
            .sorted { $0.0 < $1.0 }
        let message = redactor.redact(event.message.description)
        switch format {
        case .text:
            let suffix = fields.map { " \($0.0)=\($0.1)" }.joined()
            sink.line("artisanctl: \(event.level): \(message)\(suffix)")
        case .json:
            let pairs = [("level", "\(event.level)"), ("message", message)] + fields
            sink.line("{" + pairs.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",") + "}")
        }
    }
}
