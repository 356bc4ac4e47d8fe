import ArtisanCore
import Foundation
import Testing

@Suite("Customer erasure: what each row becomes")
struct CustomerErasureTests {
    static let erasure = CustomerErasure(identity: CustomerIdentity(email: "marie@example.com", customers: [
        Customer(name: "Marie Curie", email: "marie@example.com", phone: "+33612345678"),
    ]))
    static let now = Timestamp(iso8601: "2030-01-07T08:00:00Z")!

    static func message(_ kind: NotificationKind, to recipient: String, status: OutboxMessage.Status = .sent) -> OutboxMessage {
        OutboxMessage(artisanID: UUID(), bookingID: UUID(), kind: kind, channel: .email, recipient: recipient, recipientName: "Marie Curie",
                      variables: ["customerName": "Marie Curie", "customerEmail": "marie@example.com", "customerPhone": "+33612345678",
                                  "code": "AC-AAAAAA", "note": "rappeler Marie Curie"],
                      status: status, nextAttemptAt: now, lastError: "550 <marie@example.com> unknown", idempotencyKey: "k")
    }

    @Test("a message to the customer loses its recipient and what it says of them; a waiting one is cancelled")
    func customerMessage() throws {
        let erased = try #require(Self.erasure.notification(Self.message(.confirmation, to: "marie@example.com", status: .pending)))
        #expect(erased.recipient == nil && erased.recipientName == nil)
        #expect(erased.variables == ["customerName": "Anonymisé", "customerEmail": "", "customerPhone": "", "code": "AC-AAAAAA",
                                     "note": "rappeler Anonymisé"])
        #expect(erased.status == .cancelled && erased.lastError == CustomerErasure.cancellationReason)
        let sent = try #require(Self.erasure.notification(Self.message(.reminder, to: "marie@example.com")))
        #expect(sent.status == .sent && sent.lastError == "550 <> unknown")
    }

    @Test("an alert to the artisan keeps its recipient (the artisan) but not the customer's name, e-mail or phone")
    func artisanAlert() throws {
        var alert = Self.message(.artisanNewBooking, to: "lea@example.com")
        alert.recipientName = "Léa Martin"
        let erased = try #require(Self.erasure.notification(alert))
        #expect(erased.recipient == "lea@example.com" && erased.recipientName == "Léa Martin")
        #expect(erased.variables["customerName"] == "Anonymisé" && erased.variables["customerEmail"] == "")
        #expect(Self.erasure.notification(erased) == nil)
    }

    @Test("an Idempotency-Key keeps its booking but not the digest of the customer's request; a key naming them goes")
    func idempotencyKeys() {
        let key = CustomerRows.IdempotencyKey(key: "retry-1", requestDigest: String(repeating: "a", count: 64), bookingID: UUID(), statusCode: nil,
                                              responseBody: nil, createdAt: Self.now)
        var expected = key
        expected.requestDigest = CustomerErasure.erasedDigest
        #expect(Self.erasure.idempotencyKey(key) == .save(expected))
        #expect(Self.erasure.idempotencyKey(expected) == .keep)
        var named = key
        named.key = "marie@example.com:retry-1"
        #expect(Self.erasure.idempotencyKey(named) == .delete)
    }

    @Test("audit details and imported summaries lose the customer; details that never named them are left alone")
    func detailsAndSummaries() {
        #expect(Self.erasure.details(["reason": "Marie Curie malade", "forced": "false"]) == ["reason": "Anonymisé malade", "forced": "false"])
        #expect(Self.erasure.details(["start": "2030-01-08T09:00:00Z"]) == nil)
        #expect(Self.erasure.summary("Couleur Marie Curie") == "Couleur Anonymisé")
        #expect(Self.erasure.summary("Dentiste") == nil)
    }
}
