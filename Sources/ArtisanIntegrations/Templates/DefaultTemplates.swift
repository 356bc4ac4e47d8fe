import ArtisanCore

/// The messages as the spec writes them, in French. `{{{…}}}` in text, `{{…}}` (escaped) in HTML.
enum DefaultTemplates {
    static func text(_ kind: NotificationKind, _ part: String) -> String {
        switch part {
        case "subject": subjects[kind] ?? ""
        case "sms": sms[kind] ?? ""
        case "html": html(body(kind))
        default: body(kind) + signature
        }
    }

    static let subjects: [NotificationKind: String] = [
        .confirmation: "Réservation confirmée : {{{serviceName}}} le {{{date}}}",
        .cancellation: "Réservation annulée : {{{serviceName}}} du {{{date}}}",
        .reschedule: "Réservation déplacée : {{{serviceName}}} le {{{date}}}",
        .reminder: "Rappel : {{{serviceName}}} demain, {{{date}}} à {{{time}}}",
        .payLink: "Votre acompte : {{{serviceName}}} le {{{date}}}",
        .artisanNewBooking: "Nouvelle réservation {{{code}}} : {{{customerName}}}, {{{dateTime}}}",
        .artisanCancellation: "Réservation annulée {{{code}}} : {{{customerName}}}, {{{dateTime}}}",
        .artisanReschedule: "Réservation déplacée {{{code}}} : {{{customerName}}}, {{{dateTime}}}",
    ]

    static func body(_ kind: NotificationKind) -> String {
        switch kind {
        case .confirmation: """
            Bonjour {{{customerName}}},

            Votre réservation {{{code}}} est confirmée : {{{serviceName}}} avec {{{artisanName}}}, le {{{dateTime}}} ({{{durationMinutes}}} min).
            Prix : {{{price}}}.
            {{#depositPaid}}Acompte réglé : {{{depositPaid}}}.
            {{/depositPaid}}{{#depositDue}}Acompte à régler : {{{depositDue}}}.
            {{/depositDue}}{{#payLink}}Pour régler l'acompte : {{{payLink}}}
            {{/payLink}}{{#manageURL}}Pour modifier ou annuler votre réservation : {{{manageURL}}}
            {{/manageURL}}
            """
        case .cancellation: """
            Bonjour {{{customerName}}},

            Votre réservation {{{code}}} ({{{serviceName}}} du {{{dateTime}}}) est annulée.
            {{#refund}}Votre acompte de {{{refund}}} vous est remboursé.
            {{/refund}}
            """
        case .reschedule: """
            Bonjour {{{customerName}}},

            Votre réservation {{{code}}} ({{{serviceName}}}) est déplacée au {{{dateTime}}} (au lieu du {{{previousDateTime}}}).
            {{#manageURL}}Pour la modifier ou l'annuler : {{{manageURL}}}
            {{/manageURL}}
            """
        case .reminder: """
            Bonjour {{{customerName}}},

            Rappel : {{{serviceName}}} avec {{{artisanName}}} demain, le {{{dateTime}}} (réservation {{{code}}}).
            {{#depositDue}}Acompte à régler : {{{depositDue}}}.
            {{/depositDue}}{{#payLink}}Pour régler l'acompte : {{{payLink}}}
            {{/payLink}}{{#manageURL}}Pour modifier ou annuler : {{{manageURL}}}
            {{/manageURL}}
            """
        case .payLink: """
            Bonjour {{{customerName}}},

            Pour régler l'acompte{{#depositDue}} de {{{depositDue}}}{{/depositDue}} de votre réservation {{{code}}} ({{{serviceName}}}, le {{{dateTime}}}) : {{{payLink}}}

            """
        case .artisanNewBooking: """
            Nouvelle réservation {{{code}}} : {{{serviceName}}} le {{{dateTime}}}.
            Client : {{{customerName}}}, {{{customerEmail}}}{{#customerPhone}}, {{{customerPhone}}}{{/customerPhone}}.
            Acompte : {{{deposit}}} ({{{depositStatus}}}).

            """
        case .artisanCancellation: """
            Réservation annulée {{{code}}} : {{{serviceName}}} du {{{dateTime}}}, {{{customerName}}}.
            {{#refund}}Acompte remboursé : {{{refund}}}.
            {{/refund}}
            """
        case .artisanReschedule: """
            Réservation déplacée {{{code}}} : {{{serviceName}}}, {{{customerName}}}, le {{{dateTime}}} (au lieu du {{{previousDateTime}}}).

            """
        }
    }

    static let signature = "\nÀ bientôt,\n{{{artisanName}}}{{#artisanPhone}}\n{{{artisanPhone}}}{{/artisanPhone}}\n"

    /// The HTML part: the same words, each line a paragraph, every variable escaped.
    static func html(_ body: String) -> String {
        let escaped = body.replacing("{{{", with: "{{").replacing("}}}", with: "}}")
        let paragraphs = escaped.split(separator: "\n", omittingEmptySubsequences: true).map { "<p>\($0)</p>" }.joined(separator: "\n")
        return "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"></head><body>\n\(paragraphs)\n"
            + "<p>À bientôt,<br>{{artisanName}}</p>\n</body></html>\n"
    }

    static let sms: [NotificationKind: String] = [
        .confirmation: "RDV {{{code}}} confirmé le {{{dateTime}}}.{{#payLink}} Acompte : {{{payLink}}}{{/payLink}} {{{artisanName}}}",
        .cancellation: "RDV {{{code}}} du {{{dateTime}}} annulé.{{#refund}} Acompte remboursé : {{{refund}}}.{{/refund}} {{{artisanName}}}",
        .reschedule: "RDV {{{code}}} déplacé au {{{dateTime}}}. {{{artisanName}}}",
        .reminder: "Rappel : RDV {{{code}}} demain {{{dateTime}}}. {{{artisanName}}}",
        .payLink: "Acompte du RDV {{{code}}} : {{{payLink}}} {{{artisanName}}}",
    ]
}
