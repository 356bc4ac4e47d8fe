import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Mail Send request body: our text and HTML (and the invitation as `invite.ics`), or a
/// dynamic template and its data, which then writes the subject and the content itself.
struct SendGridMail: Encodable {
    struct Address: Encodable {
        let email: String
        let name: String?
    }

    struct Personalization: Encodable {
        let to: [Address]
        let dynamicTemplateData: [String: String]?

        enum CodingKeys: String, CodingKey {
            case to
            case dynamicTemplateData = "dynamic_template_data"
        }
    }

    struct Content: Encodable {
        let type: String
        let value: String
    }

    struct Attachment: Encodable {
        let content: String
        let type: String
        let filename: String
        let disposition: String
    }

    let personalizations: [Personalization]
    let from: Address
    let subject: String?
    let content: [Content]?
    let attachments: [Attachment]?
    let templateID: String?
    let customArgs: [String: String]

    enum CodingKeys: String, CodingKey {
        case personalizations, from, subject, content, attachments
        case templateID = "template_id"
        case customArgs = "custom_args"
    }

    init(_ message: OutgoingMessage, from sender: EmailAddress) {
        let templated = message.templateID != nil
        personalizations = [Personalization(to: [Address(email: message.to, name: message.toName)],
                                            dynamicTemplateData: templated ? message.templateData : nil)]
        from = Address(email: sender.address, name: sender.name)
        templateID = message.templateID
        subject = templated ? nil : message.subject
        content = templated ? nil : [Content(type: "text/plain", value: message.text)] + (message.html.map { [Content(type: "text/html", value: $0)] } ?? [])
        // SendGrid refuses a type with parameters ("The attachment type cannot contain ';', or CRLF
        // characters."): the METHOD stays inside the .ics, where calendar clients read it.
        attachments = message.calendar.map { calendar in
            [Attachment(content: Data(calendar.content.utf8).base64EncodedString(), type: "text/calendar", filename: "invite.ics",
                        disposition: "attachment")]
        }
        customArgs = ["notification_key": message.idempotencyKey]
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// SendGrid's first `errors[].message` (with its `field`), nil when the body says nothing readable.
    static func firstError(_ body: [UInt8]) -> String? {
        struct Errors: Decodable {
            struct Item: Decodable {
                let message: String?
                let field: String?
            }
            let errors: [Item]
        }
        guard let first = (try? JSONDecoder().decode(Errors.self, from: Data(body)))?.errors.first, let message = first.message else { return nil }
        return first.field.map { "\($0): \(message)" } ?? message
    }
}
