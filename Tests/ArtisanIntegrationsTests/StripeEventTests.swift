import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing
import TestSupport

/// Webhook bodies read into `PaymentEvent`s: each object kind we act on, the ones we do not, and
/// bodies that are broken or hostile.
@Suite("Stripe event decoding")
struct StripeEventTests {
    static let booking = "0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f"
    static let metadata = #""metadata":{"booking_id":"0b9d1c8e-3f2a-4c55-9e0d-7a1b2c3d4e5f","public_code":"AC-7K2Q"}"#

    static func body(type: String, object: String, id: String = "evt_1Nq", created: String = "1773129600") -> [UInt8] {
        Array(#"{"id":"\#(id)","object":"event","api_version":"2024-06-20","created":\#(created),"type":"\#(type)","#.utf8)
            + Array(#""livemode":false,"data":{"object":\#(object)}}"#.utf8)
    }

    @Test("payment_intent.succeeded: the intent's own id and the booking of its metadata")
    func paymentIntent() throws {
        let object = #"{"id":"pi_3Abc","object":"payment_intent","amount":4500,"status":"succeeded",\#(Self.metadata)}"#
        let event = try StripeEvent.decode(Self.body(type: "payment_intent.succeeded", object: object))
        #expect(event == PaymentEvent(id: "evt_1Nq", type: "payment_intent.succeeded", created: Timestamp(secondsSinceEpoch: 1_773_129_600),
                                      intentID: "pi_3Abc", checkoutSessionID: nil, bookingID: UUID(uuidString: Self.booking), paymentStatus: nil))
    }

    @Test("charge.refunded: the intent is the charge's payment_intent")
    func charge() throws {
        let object = #"{"id":"ch_3Abc","object":"charge","payment_intent":"pi_3Abc","refunded":true,"#
            + #""metadata":{"booking_id":"\#(Self.booking.uppercased())"}}"#
        let event = try StripeEvent.decode(Self.body(type: "charge.refunded", object: object))
        #expect(event.intentID == "pi_3Abc")
        #expect(event.checkoutSessionID == nil && event.paymentStatus == nil)
        #expect(event.bookingID == UUID(uuidString: Self.booking))
    }

    @Test("checkout.session.completed: the session, its intent and its payment status; an expired one has no intent")
    func checkoutSession() throws {
        let completed = #"{"id":"cs_test_a1","object":"checkout.session","payment_intent":"pi_3Abc","payment_status":"paid","status":"complete","#
            + #"\#(Self.metadata)}"#
        let event = try StripeEvent.decode(Self.body(type: "checkout.session.completed", object: completed))
        #expect(event.checkoutSessionID == "cs_test_a1" && event.intentID == "pi_3Abc" && event.paymentStatus == "paid")
        #expect(event.bookingID == UUID(uuidString: Self.booking))

        let expired = #"{"id":"cs_test_a2","object":"checkout.session","payment_intent":null,"payment_status":"unpaid","status":"expired"}"#
        let gone = try StripeEvent.decode(Self.body(type: "checkout.session.expired", object: expired))
        #expect(gone.checkoutSessionID == "cs_test_a2" && gone.intentID == nil && gone.paymentStatus == "unpaid" && gone.bookingID == nil)
    }

    @Test("objects we do not act on, odd metadata and an expanded intent give nil fields, never a failure")
    func lenient() throws {
        let customer = try StripeEvent.decode(Self.body(type: "customer.created", object: #"{"id":"cus_1","object":"customer",\#(Self.metadata)}"#))
        #expect(customer == PaymentEvent(id: "evt_1Nq", type: "customer.created", created: Timestamp(secondsSinceEpoch: 1_773_129_600),
                                         intentID: nil, checkoutSessionID: nil, bookingID: nil, paymentStatus: nil))
        let objects = [
            #"{"object":"payment_intent","id":"pi_1","metadata":{"booking_id":"AC-7K2Q"}}"#,
            #"{"object":"payment_intent","id":"pi_1","metadata":{"booking_id":42}}"#,
            #"{"object":"payment_intent","id":"pi_1","metadata":[]}"#,
            #"{"object":"charge","id":"ch_1","payment_intent":{"id":"pi_1","object":"payment_intent"}}"#,
            #"{"object":42}"#, #"{}"#, #"{"object":"checkout.session","payment_status":7}"#,
        ]
        for object in objects {
            let event = try StripeEvent.decode(Self.body(type: "payment_intent.succeeded", object: object))
            #expect(event.bookingID == nil, "\(object)")
            #expect(event.id == "evt_1Nq")
        }
    }

    @Test("a body without id, type, created time or object is .invalid and names what is missing; not JSON at all too")
    func malformed() throws {
        let object = #"{"id":"pi_1","object":"payment_intent"}"#
        let cases: [([UInt8], String)] = [
            (Self.body(type: "payment_intent.succeeded", object: object, id: ""), "no id"),
            (Array(#"{"type":"x","created":1,"data":{"object":{}}}"#.utf8), "no id"),
            (Array(#"{"id":"evt_1","created":1,"data":{"object":{}}}"#.utf8), "no type"),
            (Self.body(type: "payment_intent.succeeded", object: object, created: "\"yesterday\""), "no created time"),
            (Self.body(type: "payment_intent.succeeded", object: object, created: "1e99"), "no created time"),
            (Self.body(type: "payment_intent.succeeded", object: object, created: "99999999999999999999"), "no created time"),
            (Self.body(type: "payment_intent.succeeded", object: "null"), "no data.object"),
            (Array(#"{"id":"evt_1","type":"x","created":1}"#.utf8), "no data.object"),
            ([], "not a JSON object"), (Array("[]".utf8), "not a JSON object"), (Array("null".utf8), "not a JSON object"),
            ([0xFF, 0xFE, 0x7B], "not a JSON object"), (Array(#"{"id":"evt_1""#.utf8), "not a JSON object"),
        ]
        for (body, expected) in cases {
            let error = #expect(throws: ArtisanError.self) { try StripeEvent.decode(body) }
            #expect(error?.kind == .invalid && error?.code == "WEBHOOK_PAYLOAD_INVALID")
            #expect(error?.message.contains(expected) == true, "\(String(decoding: body, as: UTF8.self)): \(error?.message ?? "")")
        }
    }

    @Test("extreme created times are clamped, not trapped on")
    func extremeCreated() throws {
        let object = #"{"id":"pi_1","object":"payment_intent"}"#
        for created in ["9223372036854775807", "-9223372036854775808", "0", "-1"] {
            let event = try StripeEvent.decode(Self.body(type: "t", object: object, created: created))
            #expect(Timestamp.range.contains(event.created.microseconds))
        }
    }

    @Test("3000 mutated bodies decode or are refused as .invalid, never a trap")
    func fuzz() throws {
        let session = #"{"id":"cs_1","object":"checkout.session","payment_intent":"pi_1","payment_status":"paid",\#(Self.metadata)}"#
        let valid = String(decoding: Self.body(type: "checkout.session.completed", object: session), as: UTF8.self)
        var random = SeededGenerator(seed: 0x5EED_E7E7)
        for round in 0..<3000 {
            var body = Array(random.mutate(valid).utf8)
            if random.chance(20) { body += random.bytes() }
            do {
                _ = try StripeEvent.decode(body)
            } catch let error as ArtisanError {
                #expect(error.kind == .invalid && error.code == "WEBHOOK_PAYLOAD_INVALID", "round \(round): \(error)")
            }
        }
    }
}
