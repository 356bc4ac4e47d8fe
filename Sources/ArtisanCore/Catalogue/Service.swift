#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A service the artisan sells: its length, its price in cents and the share paid as a deposit.
public struct Service: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String?
    public var durationMinutes: Int
    public var price: Money
    public var depositRate: DepositRate
    /// Travel or set-up time kept free before and after each booking of it.
    public var bufferBeforeMinutes: Int
    public var bufferAfterMinutes: Int
    public var isActive: Bool

    public init(id: UUID = .random(), name: String, description: String? = nil, durationMinutes: Int, price: Money,
                depositRate: DepositRate, bufferBeforeMinutes: Int = 0, bufferAfterMinutes: Int = 0, isActive: Bool = true) {
        self.id = id
        self.name = name
        self.description = description
        self.durationMinutes = durationMinutes
        self.price = price
        self.depositRate = depositRate
        self.bufferBeforeMinutes = bufferBeforeMinutes
        self.bufferAfterMinutes = bufferAfterMinutes
        self.isActive = isActive
    }

    /// The deposit for this service's price, in cents, rounded half-up.
    public var deposit: Money { depositRate.deposit(on: price) }

    /// Refuses an archived service: it takes no new booking and offers no slot.
    public func requireBookable() throws {
        guard isActive else {
            throw ArtisanError(.invalid, code: "SERVICE_ARCHIVED", "--service: '\(name)' is archived and takes no new booking")
        }
    }
}

/// An amount of euros kept as integer cents: entered as `45`, `45.5`, `45.50` or `45,50`, never a float.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let cents: Int

    public init(cents: Int) { self.cents = cents }

    /// Parses euros, at most 9,999,999.99; nil for anything else (negative, more than two
    /// decimals, letters, separators, too many digits).
    public init?(euros text: String) {
        guard let hundredths = Self.hundredths(text.replacing(",", with: "."), wholeDigits: 7) else { return nil }
        cents = hundredths
    }

    /// `W`, `W.F` or `W.FF` with at most `wholeDigits` digits before the point, in hundredths:
    /// small enough never to overflow.
    static func hundredths(_ text: String, wholeDigits: Int) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (1...wholeDigits).contains(parts[0].utf8.count),
              let whole = ASCIIDigits.value(parts[0].utf8) else { return nil }
        var fraction = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].utf8.count), let value = ASCIIDigits.value(parts[1].utf8) else { return nil }
            fraction = parts[1].utf8.count == 1 ? value * 10 : value
        }
        return whole * 100 + fraction
    }

    /// `45.50`
    public var description: String { "\(cents / 100).\(ASCIIDigits.padded(cents % 100, width: 2))" }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
}

/// The share of the price paid as a deposit, in hundredths (the spec's DECIMAL(3,2)): `0.30` or `30%`.
public struct DepositRate: Sendable, Hashable, CustomStringConvertible {
    public let hundredths: Int

    public init?(hundredths: Int) {
        guard (0...100).contains(hundredths) else { return nil }
        self.hundredths = hundredths
    }

    /// Parses `0.30`, `0,3`, `1`, `30%`; nil when not between 0 and 1 with at most two decimals.
    public init?(_ text: String) {
        if text.hasSuffix("%") {
            let digits = text.dropLast().utf8
            guard digits.count <= 3, let percent = ASCIIDigits.value(digits) else { return nil }
            self.init(hundredths: percent)
        } else {
            guard let hundredths = Money.hundredths(text.replacing(",", with: "."), wholeDigits: 1) else { return nil }
            self.init(hundredths: hundredths)
        }
    }

    /// The deposit on `price`, in cents, rounded half-up: 30% of 45.55 € is 13.665 € → 13.67 €.
    public func deposit(on price: Money) -> Money {
        Money(cents: (price.cents * hundredths + 50) / 100)
    }

    /// `0.30`, as stored in the database.
    public var description: String { "\(hundredths / 100).\(ASCIIDigits.padded(hundredths % 100, width: 2))" }

    /// `30%`, as shown to people.
    public var percent: String { "\(hundredths)%" }
}
