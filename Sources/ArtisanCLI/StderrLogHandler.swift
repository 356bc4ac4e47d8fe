import Logging

/// swift-log's handler for the CLI and `serve`: the level threshold, then the `LogWriter`.
struct StderrLogHandler: LogHandler {
    let writer: LogWriter
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(writer: LogWriter, level: Logger.Level) {
        self.writer = writer
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
        writer.write(event.level, event.message.description, fields: fields, error: event.error)
    }
}
