import ArtisanCore
import Crypto

/// The `Stripe-Signature` header of a webhook, as Stripe documents it: `t=<unix seconds>,v1=<hex>`
/// (several `v1` while a secret is being rolled; other schemes such as `v0` ignored), where each
/// `v1` is hex(HMAC-SHA256(endpoint secret, "<t>." + raw body)). A delivery is accepted when any
/// `v1` matches (compared in constant time) and `t` is within `tolerance` seconds of now, on
/// either side. Nothing here traps, whatever the header, body or clock.
public enum StripeSignature {
    public static func verify(header: String, payload: [UInt8], secret: String, now: Timestamp, tolerance: Int64 = 300) throws {
        guard !secret.isEmpty else {
            // Anyone can compute an HMAC with an empty key.
            throw ArtisanError.configuration("the Stripe webhook secret is empty", hint: "set STRIPE_WEBHOOK_SECRET")
        }
        var timestamps: [Int64] = []
        var signatures: [[UInt8]] = []
        for item in header.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw refusal("the header is malformed (an item without `=`)") }
            switch parts[0].trimmingWhitespace {
            case "t":
                guard let seconds = ASCIIDigits.value(parts[1].trimmingWhitespace.utf8) else {
                    throw refusal("the header is malformed (t is not a number of seconds)")
                }
                timestamps.append(Int64(seconds))
            case "v1":
                // Not 64 hex digits: kept as a signature that matches nothing.
                signatures.append(hexBytes(parts[1].trimmingWhitespace) ?? [])
            default:
                continue
            }
        }
        guard timestamps.count == 1, let timestamp = timestamps.first else {
            throw refusal("the header is malformed (it needs exactly one t)")
        }
        guard !signatures.isEmpty else { throw refusal("the header has no v1 signature") }
        let expected = code(payload: payload, secret: secret, timestamp: timestamp)
        guard signatures.contains(where: { expected == $0 }) else { throw refusal("no v1 signature matches the payload") }
        let (age, overflow) = now.secondsSinceEpoch.subtractingReportingOverflow(timestamp)
        guard !overflow, age.magnitude <= UInt64(max(tolerance, 0)) else {
            throw refusal("the timestamp is outside the tolerance of \(max(tolerance, 0)) s")
        }
    }

    /// The header Stripe would send for `payload` signed at `timestamp`.
    public static func sign(payload: [UInt8], secret: String, timestamp: Timestamp) -> String {
        let seconds = timestamp.secondsSinceEpoch
        return "t=\(seconds),v1=" + hex(code(payload: payload, secret: secret, timestamp: seconds))
    }

    private static func code(payload: [UInt8], secret: String, timestamp: Int64) -> HMAC<SHA256>.MAC {
        var authenticator = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        authenticator.update(data: Array("\(timestamp).".utf8))
        authenticator.update(data: payload)
        return authenticator.finalize()
    }

    private static func refusal(_ rule: String) -> ArtisanError {
        ArtisanError(.permission, code: "WEBHOOK_SIGNATURE_INVALID", "Stripe-Signature refused: \(rule)")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ mac: HMAC<SHA256>.MAC) -> String {
        var text = ""
        for byte in mac {
            text.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte >> 4)]))
            text.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte & 0x0F)]))
        }
        return text
    }

    /// Lowercase hex, as Stripe writes it, into bytes; nil for anything else.
    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexDigits.firstIndex(of: digits[index]), let low = hexDigits.firstIndex(of: digits[index + 1]) else { return nil }
            bytes.append(UInt8(high << 4 | low))
        }
        return bytes
    }
}
