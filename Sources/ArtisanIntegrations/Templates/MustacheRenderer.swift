import ArtisanCore
import Mustache
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Our French templates, or the artisan's own: a file `<kind>.<part>.mustache` in the overrides
/// directory (NOTIFY_TEMPLATES_DIR) replaces that part, where part is subject, text or html for
/// e-mail and sms for SMS. Logic-less Mustache: `{{{name}}}` inserts a variable as it is (text),
/// `{{name}}` HTML-escaped, `{{#name}}…{{/name}}` only when it is set.
public struct MustacheRenderer: MessageRenderer {
    let overrides: String?

    public init(overridesDirectory: String?) {
        overrides = overridesDirectory.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func render(_ kind: NotificationKind, channel: OutgoingMessage.Channel, variables: [String: String]) throws -> RenderedMessage {
        let context = variables.filter { !$0.value.isEmpty }
        if channel == .sms {
            return RenderedMessage(subject: nil, text: SMSText.fit(try part(kind, "sms", context).trimmingCharacters(in: .whitespacesAndNewlines)),
                                   html: nil)
        }
        let subject = try part(kind, "subject", context).split(whereSeparator: \.isNewline).joined(separator: " ")
        return RenderedMessage(subject: subject, text: try part(kind, "text", context), html: try part(kind, "html", context))
    }

    private func part(_ kind: NotificationKind, _ name: String, _ context: [String: String]) throws -> String {
        let source = try override(kind, name) ?? DefaultTemplates.text(kind, name)
        do {
            return try MustacheTemplate(string: source).render(context)
        } catch {
            throw ArtisanError.configuration("the template \(kind.rawValue).\(name).mustache is not valid Mustache: \(error)")
        }
    }

    private func override(_ kind: NotificationKind, _ name: String) throws -> String? {
        guard let overrides else { return nil }
        let path = overrides + "/" + kind.rawValue + "." + name + ".mustache"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20,
              let text = String(data: data, encoding: .utf8) else {
            throw ArtisanError.configuration("cannot read the template \(path) (UTF-8, at most 1 MiB)")
        }
        return text
    }
}
