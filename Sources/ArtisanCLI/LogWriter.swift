import ArtisanCore
import Logging

/// The one logging path of the program: a record's message and fields redacted, rendered as one
/// text or JSON line, and written whole on stderr (flushed, so that a server's lines leave at
/// once and concurrent ones never interleave). swift-log's handler writes through it, and so do
/// the command's notes, the server's address and, in JSON, the error report.
struct LogWriter: Sendable {
    let sink: any TextSink
    var format: GlobalOptions.LogFormat
    let redactor: Redactor
    /// The application's clock: the real one, or `ARTISANCTL_NOW`'s instant, so that a line and
    /// the rows it tells about carry the same time.
    var clock: Clock

    func write(_ level: Logger.Level, _ message: String, fields: Logger.Metadata = [:], error: (any Error)? = nil) {
        var fields = fields
        if let error { fields["error"] = .string(String(describing: error)) }
        let redacted = redact(fields)
        let text = redactor.redact(message)
        switch format {
        case .text: sink.write(LogLine.text(level: level, message: text, fields: redacted) + "\n")
        case .json: sink.write(LogLine.json(time: clock.now(), level: level, message: text, fields: redacted) + "\n")
        }
        sink.flush()
    }

    private func redact(_ fields: Logger.Metadata) -> Logger.Metadata {
        fields.reduce(into: [:]) { result, field in
            result[field.key] = Redactor.isMaskedKey(field.key) ? .string(Redactor.mask) : redact(field.value)
        }
    }

    private func redact(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(redactor.redact(text))
        case .stringConvertible(let convertible):
            LogLine.literal(convertible) != nil ? value : .string(redactor.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let entries): .dictionary(redact(entries))
        }
    }
}
