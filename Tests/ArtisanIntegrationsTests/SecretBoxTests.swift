import ArtisanCore
import ArtisanIntegrations
import Testing

@Suite("SecretBox: AES-256-GCM for stored credentials")
struct SecretBoxTests {
    let key = "q6S0Yq8Kc4lqzq5mJ1m2qg3m2Vn8Wc2d3ZxQ0eTq1jE="

    @Test("seal then open gives the secret back; the sealed text does not contain it")
    func roundTrip() throws {
        let box = try SecretBox(environment: ["CALENDAR_ENCRYPTION_KEY": key])
        let sealed = try box.seal("ya29.refresh-token-value")
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains("refresh-token-value"))
        #expect(try box.open(sealed) == "ya29.refresh-token-value")
        #expect(try box.seal("same") != (try box.seal("same")))
    }

    @Test("a missing or malformed key is a permission error saying how to make one")
    func missingKey() {
        let missing = #expect(throws: ArtisanError.self) { try SecretBox(environment: [:]) }
        #expect(missing?.kind == .permission)
        #expect(missing?.hint?.contains("head -c 32 /dev/urandom | base64") == true)
        let short = #expect(throws: ArtisanError.self) { try SecretBox(environment: ["CALENDAR_ENCRYPTION_KEY": "c2hvcnQ="]) }
        #expect(short?.code == "ENCRYPTION_KEY_INVALID")
    }

    @Test("another key, or an altered value, cannot open it")
    func tamper() throws {
        let box = try SecretBox(environment: ["CALENDAR_ENCRYPTION_KEY": key])
        let other = try SecretBox(environment: ["CALENDAR_ENCRYPTION_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="])
        let sealed = try box.seal("secret")
        #expect(throws: ArtisanError.self) { try other.open(sealed) }
        var altered = Array(sealed)
        altered[10] = altered[10] == "A" ? "B" : "A"
        #expect(throws: ArtisanError.self) { try box.open(String(altered)) }
    }
}
