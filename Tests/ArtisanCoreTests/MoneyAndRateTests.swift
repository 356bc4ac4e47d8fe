import ArtisanCore
import Testing

@Suite("Money and deposit rates, in integers only")
struct MoneyAndRateTests {
    @Test("euros parse to cents", arguments: [("45", 4500), ("45.5", 4550), ("45.50", 4550), ("45,50", 4550), ("0", 0), ("0.05", 5), ("1234567.89", 123_456_789)])
    func euros(text: String, cents: Int) {
        #expect(Money(euros: text)?.cents == cents)
    }

    @Test("malformed amounts are refused", arguments: ["-1", "45.555", "abc", "1e3", "", "45.", ".5", "4 500", "12345678"])
    func badEuros(text: String) {
        #expect(Money(euros: text) == nil)
    }

    @Test("deposit rates parse as hundredths", arguments: [("0.30", 30), ("0.3", 30), ("30%", 30), ("1", 100), ("0", 0), ("100%", 100), ("0,25", 25)])
    func rates(text: String, hundredths: Int) {
        #expect(DepositRate(text)?.hundredths == hundredths)
    }

    @Test("rates outside 0…1 or finer than a hundredth are refused", arguments: ["1.5", "150%", "0.333", "-0.1", "abc", "12.5%", ""])
    func badRates(text: String) {
        #expect(DepositRate(text) == nil)
    }

    @Test("the deposit is rounded half-up to the cent", arguments: [(4555, 30, 1367), (4550, 30, 1365), (1, 50, 1), (3, 50, 2), (999, 33, 330), (10_000, 100, 10_000), (4500, 0, 0)])
    func deposit(cents: Int, rate: Int, expected: Int) throws {
        #expect(try #require(DepositRate(hundredths: rate)).deposit(on: Money(cents: cents)).cents == expected)
    }

    @Test("amounts and rates print the database's way")
    func printing() throws {
        #expect(Money(cents: 4550).description == "45.50")
        #expect(Money(cents: 5).description == "0.05")
        #expect(try #require(DepositRate("30%")).description == "0.30")
        #expect(try #require(DepositRate("0.05")).percent == "5%")
    }
}

@Suite("Week values")
struct WeekValueTests {
    @Test("day sets in English, French and numbers, wrapping ranges", arguments: [
        ("mon", [1]), ("mon-fri", [1, 2, 3, 4, 5]), ("lun-ven", [1, 2, 3, 4, 5]), ("sat,sun", [6, 0]), ("0", [0]),
        ("Dimanche", [0]), ("fri-mon", [1, 5, 6, 0]), ("tuesday,thu", [2, 4]),
    ])
    func daySets(text: String, numbers: [Int]) throws {
        #expect(try #require(Weekday.parseSet(text)).map(\.number) == numbers)
    }

    @Test("unknown days are refused", arguments: ["funday", "mon-", "7", "", "mon,,tue"])
    func badDays(text: String) {
        #expect(Weekday.parseSet(text) == nil)
    }

    @Test("times are HH:MM from 00:00 to 24:00", arguments: [("00:00", 0), ("08:30", 510), ("23:59", 1439), ("24:00", 1440)])
    func times(text: String, minutes: Int) {
        #expect(TimeOfDay(text)?.minutes == minutes)
    }

    @Test("impossible times are refused", arguments: ["25:00", "9:5", "24:01", "12:60", "1200", "ab:cd", ""])
    func badTimes(text: String) {
        #expect(TimeOfDay(text) == nil)
    }

    @Test("ranges end after they start")
    func ranges() throws {
        #expect(throws: ArtisanError.self) { try Validate.timeRange("18:00-08:30") }
        #expect(throws: ArtisanError.self) { try Validate.timeRange("10:00-10:00") }
        #expect(try Validate.timeRange("00:00-24:00").description == "00:00-24:00")
    }
}

@Suite("Validation messages name the field and the rule")
struct ValidateTests {
    @Test("e-mail addresses", arguments: [("Lea@Example.com", true), ("a.b+c@mail.example.fr", true), ("no-at.example.com", false),
                                         ("two@@example.com", false), ("space @example.com", false), ("x@localhost", false),
                                         ("x@-bad.com", false), ("x@example.c0m", false), (".x@example.com", false)])
    func email(text: String, valid: Bool) {
        #expect(((try? Validate.email(text)) != nil) == valid)
    }

    @Test("e-mail is stored lower-case and a refusal names --email")
    func emailMessage() throws {
        #expect(try Validate.email(" Lea@Example.COM ") == "lea@example.com")
        let error = #expect(throws: ArtisanError.self) { try Validate.email("nope") }
        #expect(error?.message.hasPrefix("--email: ") == true)
        #expect(error?.kind == .invalid)
    }

    @Test("phones in international form are normalised", arguments: [("+33 6 12 34 56 78", "+33612345678"), ("0033612345678", "+33612345678"),
                                                                     ("+1 (212) 555-0100", "+12125550100")])
    func phones(text: String, normalized: String) throws {
        #expect(try Validate.internationalPhone(text) == normalized)
    }

    @Test("phones that are not international are refused", arguments: ["06 12 34 56 78", "+33", "+33 6 12 34 56 78 90 12 34", "+0612345678", "phone"])
    func badPhones(text: String) {
        #expect(throws: ArtisanError.self) { try Validate.internationalPhone(text) }
    }

    @Test("a duration is a positive multiple of the slot")
    func durations() throws {
        #expect(try Validate.duration("90", granularity: 30) == 90)
        #expect(try Validate.duration("45", granularity: 15) == 45)
        for bad in ["45", "0", "-30", "1470", "sixty"] {
            let error = #expect(throws: ArtisanError.self) { try Validate.duration(bad, granularity: 30) }
            #expect(error?.message.hasPrefix("--duration: ") == true)
        }
    }

    @Test("names: trimmed, 1 to 255 characters, Unicode welcome")
    func names() throws {
        #expect(try Validate.name("  Électricité générale ⚡ ") == "Électricité générale ⚡")
        #expect(throws: ArtisanError.self) { try Validate.name("   ") }
        #expect(throws: ArtisanError.self) { try Validate.name(String(repeating: "é", count: 256)) }
        #expect(try Validate.name(String(repeating: "é", count: 255)).count == 255)
    }

    @Test("time zones must be known and well-formed")
    func zones() throws {
        let known: (String) -> Bool = { $0 == "Europe/Paris" }
        #expect(try Validate.timezone("Europe/Paris", known: known) == "Europe/Paris")
        #expect(throws: ArtisanError.self) { try Validate.timezone("Mars/Olympus", known: known) }
        #expect(throws: ArtisanError.self) { try Validate.timezone("../../etc/passwd", known: { _ in true }) }
    }
}
