import ArtisanCore
import ArtisanIntegrations
import Foundation
import Testing
import TestSupport

/// Webhook signatures as Stripe documents them, every refusal rule, hostile headers by the
/// thousand, and both directions checked against the official `stripe` package.
@Suite("Stripe webhook signature")
struct StripeSignatureTests {
    static let secret = "whsec_test_5b1f0c2d9e8a7b6c"
    static let now = Timestamp(iso8601: "2026-03-10T08:00:00Z")!
    static let payload = Array(#"{"id":"evt_1","object":"event","type":"payment_intent.succeeded","created":1773129600}"#.utf8)

    static func verify(_ header: String, payload: [UInt8] = payload, secret: String = secret, now: Timestamp = now) throws {
        try StripeSignature.verify(header: header, payload: payload, secret: secret, now: now)
    }

    /// The refusal's message, checked to be a one-line WEBHOOK_SIGNATURE_INVALID without the secret.
    static func refusal(_ header: String, payload: [UInt8] = payload, secret: String = secret, now: Timestamp = now) -> String? {
        do {
            try verify(header, payload: payload, secret: secret, now: now)
            return nil
        } catch let error as ArtisanError {
            let wellFormed = error.kind == .permission && error.code == "WEBHOOK_SIGNATURE_INVALID" && !error.message.contains(secret)
                && !error.message.contains("\n")
            return wellFormed ? error.message : "ill-formed refusal: \(error)"
        } catch {
            return "not an ArtisanError: \(error)"
        }
    }

    @Test("a header made by sign is accepted, at the same second and up to 300 s on either side")
    func valid() throws {
        let header = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now)
        #expect(header.hasPrefix("t=\(Self.now.secondsSinceEpoch),v1="))
        #expect(header.count == "t=\(Self.now.secondsSinceEpoch),v1=".count + 64)
        try Self.verify(header)
        try Self.verify(header, now: Self.now.adding(seconds: 300))
        try Self.verify(header, now: Self.now.adding(seconds: -300))
        try Self.verify(" " + header.replacingOccurrences(of: ",", with: ", "))
    }

    @Test("v1 is hex(HMAC-SHA256(secret, \"<t>.<body>\")): a value computed by Python's hmac module")
    func knownVector() throws {
        let header = StripeSignature.sign(payload: Array("{}".utf8), secret: "whsec_test", timestamp: Timestamp(secondsSinceEpoch: 1_700_000_000))
        #expect(header == "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91")
    }

    @Test("a wrong secret, a body changed by one byte: no signature matches")
    func tampered() throws {
        let header = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now)
        #expect(Self.refusal(header, secret: "whsec_other")?.contains("no v1 signature matches") == true)
        for index in [0, Self.payload.count / 2, Self.payload.count - 1] {
            var changed = Self.payload
            changed[index] ^= 0x01
            #expect(Self.refusal(header, payload: changed)?.contains("no v1 signature matches") == true)
        }
        #expect(Self.refusal(header, payload: Self.payload + [0x0A])?.contains("no v1 signature matches") == true)
        #expect(Self.refusal(header, payload: [])?.contains("no v1 signature matches") == true)
    }

    @Test("a timestamp 301 s old or 301 s ahead is outside the tolerance, even correctly signed")
    func staleAndFuture() throws {
        let old = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now.adding(seconds: -301))
        #expect(Self.refusal(old)?.contains("outside the tolerance of 300 s") == true)
        let ahead = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now.adding(seconds: 301))
        #expect(Self.refusal(ahead)?.contains("outside the tolerance") == true)
        let ancient = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Timestamp(secondsSinceEpoch: 0))
        #expect(Self.refusal(ancient)?.contains("outside the tolerance") == true)
        #expect(throws: Never.self) {
            try StripeSignature.verify(header: old, payload: Self.payload, secret: Self.secret, now: Self.now, tolerance: 301)
        }
    }

    @Test("several v1 (a secret being rolled) pass when one matches, whatever its place; v0 and unknown schemes are ignored")
    func severalSignatures() throws {
        let good = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now).split(separator: ",")[1]
        let bad = StripeSignature.sign(payload: Self.payload, secret: "whsec_old", timestamp: Self.now).split(separator: ",")[1]
        let t = "t=\(Self.now.secondsSinceEpoch)"
        try Self.verify([t, String(bad), String(good)].joined(separator: ","))
        try Self.verify([String(good), t, String(bad), "v1=zz"].joined(separator: ","))
        try Self.verify([t, "v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39", String(good), "v2=abc", "x=1"].joined(separator: ","))
        #expect(Self.refusal([t, String(bad), "v1=", "v1=00"].joined(separator: ","))?.contains("no v1 signature matches") == true)
    }

    @Test("no v1, no t, two t, a t that is not a number of seconds: each refused with its own rule")
    func malformed() throws {
        let good = String(StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now).split(separator: ",")[1])
        let t = "t=\(Self.now.secondsSinceEpoch)"
        #expect(Self.refusal(t)?.contains("no v1 signature") == true)
        #expect(Self.refusal(t + ",v0=abcdef")?.contains("no v1 signature") == true)
        #expect(Self.refusal(good)?.contains("exactly one t") == true)
        #expect(Self.refusal("\(t),\(t),\(good)")?.contains("exactly one t") == true)
        for header in ["", ",", "t", "garbage", "\(t),,\(good)", "\(t);\(good)"] {
            #expect(Self.refusal(header)?.contains("malformed") == true, "\(header)")
        }
        for time in ["", "-1", "+1773129600", "1773129600.5", "1e9", "99999999999999999999", "0x10", "١٢٣", " "] {
            #expect(Self.refusal("t=\(time),\(good)")?.contains("malformed") == true, "t=\(time)")
        }
    }

    @Test("extreme clocks, timestamps and tolerances are refused or accepted, never trapped on")
    func extremes() throws {
        let good = String(StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now).split(separator: ",")[1])
        let clocks = [Timestamp(microsecondsSinceEpoch: .min), Timestamp(microsecondsSinceEpoch: .max), Timestamp(secondsSinceEpoch: 0)]
        for clock in clocks {
            for time in ["0", "9223372036854775807", "9223372036854775806", "253402300799", "1773129600"] {
                #expect(Self.refusal("t=\(time),\(good)", now: clock) != nil)
            }
        }
        // A negative tolerance counts as none: only the very second is accepted.
        let header = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now)
        for tolerance in [Int64.min, -1, 0, .max] {
            #expect(throws: Never.self) {
                try StripeSignature.verify(header: header, payload: Self.payload, secret: Self.secret, now: Self.now, tolerance: tolerance)
            }
            let nextSecond = (try? StripeSignature.verify(header: header, payload: Self.payload, secret: Self.secret, now: Self.now.adding(seconds: 1),
                                                          tolerance: tolerance)) != nil
            #expect(nextSecond == (tolerance > 0))
            let farAway = "t=9223372036854775807,v1=" + String(repeating: "0", count: 64)
            #expect(throws: ArtisanError.self) {
                try StripeSignature.verify(header: farAway, payload: Self.payload, secret: Self.secret, now: Self.now, tolerance: tolerance)
            }
        }
        let farFuture = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Timestamp(microsecondsSinceEpoch: .max))
        #expect(Self.refusal(farFuture)?.contains("outside the tolerance") == true)
    }

    @Test("an empty secret is a configuration error: anyone could sign with it")
    func emptySecret() throws {
        let header = StripeSignature.sign(payload: Self.payload, secret: "", timestamp: Self.now)
        let error = #expect(throws: ArtisanError.self) { try Self.verify(header, secret: "") }
        #expect(error?.kind == .configuration)
    }

    @Test("a huge header, a huge body and a body that is not UTF-8 are handled")
    func huge() throws {
        let body = (0..<2_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) } + [0xFF, 0xFE, 0xC0, 0x80]
        let header = StripeSignature.sign(payload: body, secret: Self.secret, timestamp: Self.now)
        try Self.verify(header, payload: body)
        let crowded = Array(repeating: "v1=" + String(repeating: "ab", count: 32), count: 50_000).joined(separator: ",") + "," + header
        try Self.verify(crowded, payload: body)
        #expect(Self.refusal(String(repeating: "t=1,", count: 100_000)) != nil)
        #expect(Self.refusal("t=1773129600,v1=" + String(repeating: "a", count: 1_000_000)) != nil)
    }

    @Test("3000 random and mutated headers and bodies: a refusal with a rule each time, acceptance only with the genuine signature")
    func fuzz() throws {
        let genuine = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now)
        let signature = String(genuine.split(separator: ",")[1].dropFirst(3))
        var random = SeededGenerator(seed: 0x5EED_57A1)
        for round in 0..<3000 {
            let header = random.chance(50) ? random.garbage() : random.mutate(genuine)
            let body = random.chance(80) ? Self.payload : random.bytes()
            let now = random.chance(80) ? Self.now : Timestamp(microsecondsSinceEpoch: Int64.random(in: .min ... .max, using: &random))
            do {
                try StripeSignature.verify(header: header, payload: body, secret: Self.secret, now: now)
                #expect(header.contains(signature) && body == Self.payload, "round \(round): accepted \(header.debugDescription)")
            } catch let error as ArtisanError {
                let oneRule = ["malformed", "no v1 signature", "outside the tolerance", "no v1 signature matches"].contains { error.message.contains($0) }
                #expect(error.code == "WEBHOOK_SIGNATURE_INVALID" && oneRule && !error.message.contains(Self.secret), "round \(round): \(error)")
            }
        }
    }

    // MARK: - The official stripe package as oracle

    @Test("a header made by the official stripe package is accepted by ours, and refused for another body")
    func stripeSignsWeVerify() throws {
        let timestamp = Self.now.secondsSinceEpoch
        let signed = try StripeOracle.run(["sign", "--secret", Self.secret, "--timestamp", String(timestamp)], stdin: Self.payload)
        #expect(signed.status == 0)
        try Self.verify(signed.output)
        #expect(Self.refusal(signed.output, payload: Array("{}".utf8))?.contains("no v1 signature matches") == true)
    }

    @Test("a header made by ours is accepted by the official stripe package, and refused there for another body")
    func weSignStripeVerifies() throws {
        // Tolerance 0 turns off the package's check against the real clock: only the signature is compared.
        let header = StripeSignature.sign(payload: Self.payload, secret: Self.secret, timestamp: Self.now)
        let arguments = ["verify", "--secret", Self.secret, "--header", header, "--tolerance", "0"]
        #expect(try StripeOracle.run(arguments, stdin: Self.payload).status == 0)
        #expect(try StripeOracle.run(arguments, stdin: Array("{}".utf8)).status == 1)
        #expect(try StripeOracle.run(["verify", "--secret", "whsec_other", "--header", header, "--tolerance", "0"], stdin: Self.payload).status == 1)
    }
}

/// The draws the Stripe fuzz tests need.
extension SeededGenerator {
    /// The pieces a signature header is made of, and the ones that break it.
    static let headerAtoms = [
        "t", "v1", "v0", "=", ",", ",,", "==", " ", "\t", "\n", "\u{0}", "-", "+", "1773129600", "0", "9223372036854775807",
        "99999999999999999999", "ab", "ff", "00", "é", "٣", "９", "\u{FEFF}", "t=", "v1=", "whsec_", "%", ";",
    ]

    mutating func garbage() -> String { garbage(Self.headerAtoms, count: 12) }

    mutating func mutate(_ text: String) -> String { mutate(text, atoms: Self.headerAtoms) }

    mutating func bytes() -> [UInt8] { (0..<int(0...64)).map { _ in UInt8.random(in: 0...255, using: &self) } }
}
