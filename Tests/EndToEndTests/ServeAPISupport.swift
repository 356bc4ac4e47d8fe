import ArtisanStore
import Foundation
import Testing
import TestSupport

/// A JSON body as the exact text sent, keys sorted: the same value is always the same bytes
/// (an Idempotency-Key compares the request's bytes).
func jsonText(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
}

/// A query parameter's value, percent-encoded.
func queryValue(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
}

extension HTTPExchange.Answer {
    /// The fields named by a VALIDATION_ERROR, in its order.
    var errorFields: [String] {
        ((json["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }

    var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
}

/// A 400 VALIDATION_ERROR naming exactly `fields` in `error.fields`, and each in its message.
func expectValidation(_ answer: HTTPExchange.Answer, fields: Set<String>, _ rule: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(answer.status == 400 && answer.errorCode == "VALIDATION_ERROR", "\(rule): \(answer)", sourceLocation: sourceLocation)
    #expect(Set(answer.errorFields) == fields, "\(rule): fields \(answer.errorFields), expected \(fields.sorted())",
            sourceLocation: sourceLocation)
    for field in fields {
        #expect(answer.errorMessage.contains(field + ": "), "\(rule): message lacks \(field): \(answer.errorMessage)",
                sourceLocation: sourceLocation)
    }
}


extension ServeWorld {
    /// `POST /api/v1/bookings` of `body`, sent as its sorted-key text.
    func book(_ body: [String: Any], headers: [(String, String)] = []) throws -> HTTPExchange.Answer {
        try http.post("/api/v1/bookings", json: jsonText(body), headers: headers)
    }

    /// Books "Coupe femme" on `date` at `time` over HTTP, which must answer 201; its code.
    func bookCode(date: String = "2026-12-01", time: String = "10:00", email: String = "marie@example.com") throws -> String {
        let answer = try book(bookingBody(date: date, time: time, email: email))
        guard answer.status == 201, let code = answer.json["code"] as? String else { throw NotJSON(text: "\(answer)") }
        return code
    }

    /// A booking's row, by code.
    func bookingRow(_ code: String) throws -> Row {
        try world.connection.query("""
            SELECT id::text AS id, status, customer_name, customer_email, customer_phone, notifications_email, notifications_sms,
                   to_char(start_datetime AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI') AS local_start,
                   price_cents, deposit_amount_cents, deposit_payment_status
            FROM bookings WHERE public_code = \(code)
            """)[0]
    }

    /// Every row of idempotency_keys as text.
    func idempotencyRows() throws -> [String] {
        try world.connection.query("SELECT t::text AS row FROM idempotency_keys t ORDER BY key").map { try $0.decode("row", as: String.self) }
    }
}
