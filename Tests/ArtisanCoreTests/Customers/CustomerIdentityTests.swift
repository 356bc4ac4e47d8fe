import ArtisanCore
import Testing

@Suite("Customer identity: how a customer is found in stored text")
struct CustomerIdentityTests {
    static let identity = CustomerIdentity(email: "Marie@Example.com", customers: [
        Customer(name: "Marie Curie", email: "marie@example.com", phone: "0612345678"),
        Customer(name: "Al", email: "marie@example.com", phone: nil),
    ])

    @Test("the e-mail, each name and each phone (also in E.164) are replaced whatever their case; names by Anonymisé")
    func scrubs() {
        let identity = Self.identity
        #expect(identity.scrub("Client : MARIE CURIE <marie@EXAMPLE.com>, 0612345678 / +33612345678")
                == "Client : Anonymisé <>,  / ")
        #expect(identity.scrub("Al malade") == "Anonymisé malade")
        #expect(identity.phones.contains("+33612345678") && identity.phones.contains("0612345678"))
    }

    @Test("a term inside a longer word is someone else: annemarie@example.com, Alain, a longer number or domain")
    func wordEdges() {
        let identity = Self.identity
        for text in ["annemarie@example.com", "marie@example.com.au", "marie@example.community", "Alain", "Salut", "106123456789",
                     "Marie Curies", "x.marie@example.com"] {
            #expect(identity.scrub(text) == text, "\(text)")
            #expect(!identity.isNamed(in: text), "\(text)")
        }
        for text in ["(marie@example.com)", "Marie Curie.", "Al,", "tel:0612345678;"] { #expect(identity.isNamed(in: text), "\(text)") }
    }

    @Test("outside the customer's own rows only the e-mail, a phone or a full name count: a single word names no one")
    func mentions() {
        let identity = Self.identity
        #expect(!identity.searchTerms.contains("Al") && identity.searchTerms.contains("Marie Curie"))
        #expect(identity.searchTerms.contains("marie@example.com"))
        #expect(!identity.mentions(in: "Al chez le dentiste"))
        #expect(identity.mentions(in: "Coupe pour marie curie"))
        #expect(identity.mentions(in: "rappeler le +33612345678"))
    }

    @Test("an erased customer's name is no name: Anonymisé is never searched for")
    func anonymisedIsNoName() {
        let identity = CustomerIdentity(email: "marie@example.com", customers: [.anonymised])
        #expect(identity.names.isEmpty && identity.phones.isEmpty)
        #expect(identity.scrub("Anonymisé") == "Anonymisé")
    }
}
