import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON shapes of the Stripe API that the client reads: only the fields the records carry.
enum StripeWire {
    struct PaymentIntent: Decodable {
        let id: String
        let status: String
        let amount: Int
        let client_secret: String?

        var record: PaymentIntentRecord { PaymentIntentRecord(id: id, status: status, amountCents: amount, clientSecret: client_secret) }
    }

    struct CheckoutSession: Decodable {
        let id: String
        let url: String?
        let status: String
        let payment_status: String
        let payment_intent: String?

        var record: CheckoutRecord {
            CheckoutRecord(id: id, url: url, status: status, paymentStatus: payment_status, paymentIntentID: payment_intent)
        }
    }

    struct Refund: Decodable {
        let id: String
        let status: String

        var record: RefundRecord { RefundRecord(id: id, status: status) }
    }

    struct EventList: Decodable {
        let data: [StripeEvent.Wire]
        let has_more: Bool
    }

    /// `{"error":{"type","code","message",…}}`: what a refusal says, if it says it in that shape.
    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let type: String?
            let code: String?
            let message: String?
        }
        let error: Detail

        static func parse(_ body: [UInt8]) -> Detail? {
            (try? JSONDecoder().decode(ErrorBody.self, from: Data(body)))?.error
        }
    }
}
