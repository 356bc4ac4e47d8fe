import ArtisanCore
import Testing

@Suite("EmailAddress")
struct EmailAddressTests {
    @Test("EMAIL_FROM as Name <address>, a quoted name, <address> or a bare address")
    func parses() throws {
        #expect(try EmailAddress(parsing: "Léa Martin <lea@example.com>") == EmailAddress(address: "lea@example.com", name: "Léa Martin"))
        #expect(try EmailAddress(parsing: "  \"Martin, Léa \\\"L\\\"\" <lea@example.com> ").name == "Martin, Léa \"L\"")
        #expect(try EmailAddress(parsing: "<lea@example.com>") == EmailAddress(address: "lea@example.com"))
        #expect(try EmailAddress(parsing: "lea.martin+rdv@mail.example.co.uk").address == "lea.martin+rdv@mail.example.co.uk")
        #expect(try EmailAddress(parsing: "lea@example.com").name == nil)
        #expect(try EmailAddress(parsing: "Léa Martin <lea@example.com>").description == "Léa Martin <lea@example.com>")
    }

    @Test("anything malformed is refused as .invalid naming EMAIL_FROM",
          arguments: ["", " ", "lea", "lea@", "@example.com", "lea@example", "lea@@example.com", "lé@example.com", "lea@exa mple.com",
                      "lea..m@example.com", ".lea@example.com", "lea@-example.com", "lea@example..com", "Léa <lea@example.com", "Léa lea@example.com>",
                      "Léa, Martin <lea@example.com>", "\"Léa <lea@example.com>", "Léa\r\nBcc: x <lea@example.com>", "lea@example.com\r\nBcc: x@y.z",
                      "<lea@example.com>, <evil@example.com>", String(repeating: "a", count: 65) + "@example.com",
                      "a@" + String(repeating: "b", count: 250) + ".com"])
    func refuses(text: String) {
        let error = #expect(throws: ArtisanError.self) { try EmailAddress(parsing: text) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.hasPrefix("EMAIL_FROM:") == true)
        #expect(error?.message.contains("\n") == false)
    }
}
