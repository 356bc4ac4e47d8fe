#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A customer's appointment, with the service's price, duration and deposit rate copied at
/// booking time (the spec's deliberate denormalisation: later price changes do not touch it).
public struct Booking: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case confirmed, cancelled, rescheduled

        public var isActive: Bool { self != .cancelled }
    }

    public enum DepositStatus: String, Sendable, CaseIterable { case pending, authorized, captured, refunded, failed, waived }

    public var id: UUID
    public var publicCode: String
    public var serviceID: UUID
    public var serviceName: String
    public var status: Status
    public var customer: Customer
    public var start: Timestamp
    public var durationMinutes: Int
    public var price: Money
    public var depositRate: DepositRate
    public var deposit: Money
    public var depositStatus: DepositStatus
    public var payment: DepositPayment
    public var bufferBeforeMinutes: Int
    public var bufferAfterMinutes: Int
    public var notifyByEmail: Bool
    public var notifyBySMS: Bool

    public init(id: UUID = .random(), publicCode: String, serviceID: UUID, serviceName: String, status: Status = .confirmed, customer: Customer,
                start: Timestamp, durationMinutes: Int, price: Money, depositRate: DepositRate, deposit: Money,
                depositStatus: DepositStatus = .pending, payment: DepositPayment = DepositPayment(), bufferBeforeMinutes: Int = 0,
                bufferAfterMinutes: Int = 0, notifyByEmail: Bool = true, notifyBySMS: Bool = false) {
        self.id = id
        self.publicCode = publicCode
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.status = status
        self.customer = customer
        self.start = start
        self.durationMinutes = durationMinutes
        self.price = price
        self.depositRate = depositRate
        self.deposit = deposit
        self.depositStatus = depositStatus
        self.payment = payment
        self.bufferBeforeMinutes = bufferBeforeMinutes
        self.bufferAfterMinutes = bufferAfterMinutes
        self.notifyByEmail = notifyByEmail
        self.notifyBySMS = notifyBySMS
    }

    public var end: Timestamp { start.adding(minutes: durationMinutes) }

    /// A new booking of `service` at `start`: price, duration, buffers and deposit rate copied,
    /// the deposit computed in cents (rounded half-up), status confirmed, deposit pending.
    public static func new(code: String, service: Service, customer: Customer, start: Timestamp, notifyByEmail: Bool, notifyBySMS: Bool) -> Booking {
        Booking(publicCode: code, serviceID: service.id, serviceName: service.name, customer: customer, start: start,
                durationMinutes: service.durationMinutes, price: service.price, depositRate: service.depositRate, deposit: service.deposit,
                bufferBeforeMinutes: service.bufferBeforeMinutes, bufferAfterMinutes: service.bufferAfterMinutes,
                notifyByEmail: notifyByEmail, notifyBySMS: notifyBySMS)
    }

    /// Whether `now` is still before the cancellation deadline.
    public func isBeforeDeadline(now: Timestamp, deadlineHours: Int) -> Bool {
        now <= start.adding(minutes: -deadlineHours * 60)
    }

    /// Refuses a change to a cancelled booking, and one past the cancellation deadline unless forced.
    public func checkChangeAllowed(_ what: String, now: Timestamp, deadlineHours: Int, force: Bool) throws {
        guard status.isActive else {
            throw ArtisanError(.invalid, code: "ILLEGAL_STATUS_CHANGE", "booking \(publicCode) is cancelled: it cannot be \(what)")
        }
        if !force, !isBeforeDeadline(now: now, deadlineHours: deadlineHours) {
            throw ArtisanError(.invalid, code: "CANCELLATION_DEADLINE_PASSED",
                               "booking \(publicCode) starts in less than \(deadlineHours) h: too late to be \(what)",
                               hint: "the artisan may override with --force")
        }
    }
}

/// Who booked: validated as the spec says (name 2–255 characters, e-mail, phone `+?digits{10,15}`).
/// Once the customer's data is erased (`customers forget`, spec 6.5) the name is `Anonymisé` and
/// the e-mail and phone are gone.
public struct Customer: Sendable, Equatable {
    public let name: String
    /// Nil only once erased.
    public let email: String?
    public let phone: String?

    /// What an erased customer is called (spec 6.5).
    public static let anonymisedName = "Anonymisé"
    public static let anonymised = Customer(name: anonymisedName, email: nil, phone: nil)

    public var isAnonymised: Bool { email == nil }

    public init(name: String, email: String?, phone: String?) {
        self.name = name
        self.email = email
        self.phone = phone
    }

    public static func validated(name: String, email: String, phone: String?) throws -> Customer {
        Customer(name: try validName(name), email: try Validate.email(email), phone: try validPhone(phone))
    }

    /// The name trimmed, 2 to 255 characters.
    public static func validName(_ name: String, field: String = "--name") throws -> String {
        let trimmedName = try Validate.name(name, field: field)
        guard trimmedName.count >= 2 else { throw ArtisanError.invalid(field: field, "must be 2 to 255 characters (got \(trimmedName.count))") }
        return trimmedName
    }

    /// The phone without spaces, dots, dashes or brackets: 10 to 15 digits, optionally after a +.
    public static func validPhone(_ phone: String?, field: String = "--phone") throws -> String? {
        guard let phone, !phone.isEmpty else { return nil }
        let compact = phone.filter { !" .-()".contains($0) }
        let digits = compact.hasPrefix("+") ? compact.dropFirst() : Substring(compact)
        guard (10...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ArtisanError.invalid(field: field, "must be 10 to 15 digits, optionally after a + (got '\(phone)')")
        }
        return compact
    }
}

/// `AC-XXXXXX`: six characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn from
/// the system's CSPRNG. 31^6 ≈ 887 million codes; a collision is retried by the caller.
public enum PublicCode {
    public static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return "AC-" + String((0..<6).map { _ in alphabet.randomElement(using: &generator)! })
    }

    public static func isWellFormed(_ code: String) -> Bool {
        code.count == 9 && code.hasPrefix("AC-") && code.dropFirst(3).allSatisfy { alphabet.contains($0) }
    }
}
