import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Stripe events (`{"id":"evt_…","type","created","data":{"object":{…}}}`) read into
/// `PaymentEvent`s, the same way for a webhook's body and for each event of `GET /v1/events`.
/// An object of a kind we do not act on (a customer, an invoice…) gives an event with nil fields,
/// never a failure: only a missing id, type, created time or object is one.
public enum StripeEvent {
    /// One event, as a webhook delivers it (after its signature was checked).
    public static func decode(_ bytes: [UInt8]) throws -> PaymentEvent {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch {
            throw ArtisanError(.invalid, code: "WEBHOOK_PAYLOAD_INVALID", "the Stripe event is not a JSON object (\(bytes.count) bytes)")
        }
        do {
            return try wire.event()
        } catch let missing as Missing {
            throw ArtisanError(.invalid, code: "WEBHOOK_PAYLOAD_INVALID", "the Stripe event has no \(missing.field)")
        }
    }

    /// The part of the event that must be there, named for the message.
    struct Missing: Error {
        let field: String
    }

    /// An event as sent, every field optional and of the expected type or absent, so that one odd
    /// field never hides the rest.
    struct Wire: Decodable {
        let id: String?
        let type: String?
        let created: Int64?
        let object: Object?

        private enum Keys: String, CodingKey { case id, type, created, data }
        private enum DataKeys: String, CodingKey { case object }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            id = try? container.decode(String.self, forKey: .id)
            type = try? container.decode(String.self, forKey: .type)
            created = try? container.decode(Int64.self, forKey: .created)
            object = try? container.nestedContainer(keyedBy: DataKeys.self, forKey: .data).decode(Object.self, forKey: .object)
        }

        func event() throws -> PaymentEvent {
            guard let id, !id.isEmpty else { throw Missing(field: "id") }
            guard let type, !type.isEmpty else { throw Missing(field: "type") }
            guard let seconds = created else { throw Missing(field: "created time") }
            guard let object else { throw Missing(field: "data.object") }
            let created = Timestamp(secondsSinceEpoch: seconds)
            switch object.kind {
            case "payment_intent":
                return PaymentEvent(id: id, type: type, created: created, intentID: object.id, checkoutSessionID: nil, bookingID: object.bookingID,
                                    paymentStatus: nil)
            case "charge":
                return PaymentEvent(id: id, type: type, created: created, intentID: object.paymentIntent, checkoutSessionID: nil,
                                    bookingID: object.bookingID, paymentStatus: nil)
            case "checkout.session":
                return PaymentEvent(id: id, type: type, created: created, intentID: object.paymentIntent, checkoutSessionID: object.id,
                                    bookingID: object.bookingID, paymentStatus: object.paymentStatus)
            default:
                return PaymentEvent(id: id, type: type, created: created, intentID: nil, checkoutSessionID: nil, bookingID: nil, paymentStatus: nil)
            }
        }
    }

    /// `data.object`: a PaymentIntent, a Charge, a Checkout Session or anything else.
    struct Object: Decodable {
        let kind: String?
        let id: String?
        let paymentIntent: String?
        let paymentStatus: String?
        let bookingID: UUID?

        private enum Keys: String, CodingKey {
            case kind = "object", id, paymentIntent = "payment_intent", paymentStatus = "payment_status", metadata
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            kind = try? container.decode(String.self, forKey: .kind)
            id = try? container.decode(String.self, forKey: .id)
            // An expanded `payment_intent` (an object, not an id) is not read.
            paymentIntent = try? container.decode(String.self, forKey: .paymentIntent)
            paymentStatus = try? container.decode(String.self, forKey: .paymentStatus)
            let metadata = try? container.decode([String: String].self, forKey: .metadata)
            bookingID = metadata?["booking_id"].flatMap(UUID.init(text:))
        }
    }
}
