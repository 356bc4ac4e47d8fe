import ArtisanCore

/// A Stripe request body: `application/x-www-form-urlencoded` pairs in the order they were added,
/// nested parameters spelled with brackets as Stripe reads them (`metadata[booking_id]`,
/// `line_items[0][price_data][currency]`).
struct StripeForm: Sendable {
    private var pairs: [(String, String)] = []

    mutating func add(_ key: String, _ value: String) {
        pairs.append((key, value))
    }

    mutating func add(_ key: String, _ value: Int) {
        pairs.append((key, String(value)))
    }

    /// The booking's metadata, under `prefix` (`metadata` or `payment_intent_data[metadata]`):
    /// what ties an intent, a charge or a session back to the booking in events and the dashboard.
    mutating func addMetadata(of charge: DepositCharge, under prefix: String) {
        add(prefix + "[booking_id]", charge.bookingID.lowercasedText)
        add(prefix + "[public_code]", charge.publicCode)
    }

    var body: [UInt8] { Array(URLEncoding.form(pairs).utf8) }
}
