import ArtisanCore
import Foundation

/// The bodies of the booking endpoints, read as the spec's Joi schemas (section 6.3) say.
enum BookingForms {
    static func create(_ body: JSONValue, idempotencyKey: String?) throws -> BookingService.Request {
        var form = FormReader(body, allowed: ["serviceId", "date", "time", "customer", "notifications"])
        let service = form.string("serviceId") { text, field in try uuid(text, field: field) }
        let date = form.string("date") { try Validate.date($0, field: $1) }
        let time = form.string("time", time)
        var customerForm = FormReader(form.value("customer"), field: "customer", allowed: ["name", "email", "phone"],
                                      required: form.present, problems: form.problems)
        let name = customerForm.string("name") { try Customer.validName($0, field: $1) }
        let email = customerForm.string("email") { try Validate.email($0, field: $1) }
        let phone = customerForm.string("phone", required: false) { try Customer.validPhone($0, field: $1) }
        form.absorb(customerForm)
        var choice = FormReader(form.value("notifications"), field: "notifications", allowed: ["email", "sms"], problems: form.problems)
        let byEmail = choice.bool("email", default: true)
        let bySMS = choice.bool("sms", default: false)
        form.absorb(choice)
        try form.finish()
        guard let service, let date, let time, let name, let email else { throw APIError.validation(form.problems) }
        return BookingService.Request(service: service.lowercasedText, date: date, time: time,
                                      customer: Customer(name: name, email: email, phone: phone ?? nil),
                                      notifyByEmail: byEmail, notifyBySMS: bySMS, idempotencyKey: idempotencyKey)
    }

    static func cancel(_ body: JSONValue) throws -> (email: String, reason: String?) {
        var form = FormReader(body, allowed: ["email", "reason"])
        let email = form.string("email") { try Validate.email($0, field: $1) }
        let reason = form.string("reason", required: false) { try Validate.text($0, field: $1, maximum: 500) }
        try form.finish()
        guard let email else { throw APIError.validation(form.problems) }
        return (email, reason ?? nil)
    }

    static func reschedule(_ body: JSONValue) throws -> (email: String, date: LocalDate, time: TimeOfDay) {
        var form = FormReader(body, allowed: ["email", "date", "time"])
        let email = form.string("email") { try Validate.email($0, field: $1) }
        let date = form.string("date") { try Validate.date($0, field: $1) }
        let time = form.string("time", time)
        try form.finish()
        guard let email, let date, let time else { throw APIError.validation(form.problems) }
        return (email, date, time)
    }

    /// `HH:MM` exactly, as the spec's pattern; 24:00 is no start.
    static func time(_ text: String, field: String) throws -> TimeOfDay {
        guard text.utf8.count == 5, let time = TimeOfDay(text), time.minutes < 24 * 60 else {
            throw ArtisanError.invalid(field: field, "must be a time HH:MM from 00:00 to 23:59")
        }
        return time
    }

    static func uuid(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(text: text) else { throw ArtisanError.invalid(field: field, "must be a UUID") }
        return id
    }

    /// `?code=&email=`, both required: what proves a customer holds a booking. The code is
    /// checked last, so that a malformed one is the same 404 as a wrong one.
    static func codeAndEmail(_ query: JSONValue) throws -> (code: String, email: String) {
        var form = FormReader(query, allowed: ["code", "email"])
        let code = form.string("code") { text, _ in text }
        let email = form.string("email") { try Validate.email($0, field: $1) }
        try form.finish()
        guard let code, let email else { throw APIError.validation(form.problems) }
        return (try Self.code(code), email)
    }

    /// A public code `AC-XXXXXX` (any case); anything else is simply not found.
    static func code(_ text: String) throws -> String {
        guard PublicCode.isWellFormed(text.uppercased()) else {
            throw ArtisanError.notFound(code: "BOOKING_NOT_FOUND", "no booking matches \(text.prefix(20)) and that e-mail")
        }
        return text.uppercased()
    }
}
