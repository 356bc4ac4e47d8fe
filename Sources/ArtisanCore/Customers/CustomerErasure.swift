/// What erasing a customer makes of each row held about them (spec 6.5): the name becomes
/// `Anonymisé`, the e-mail and phone go, wherever they were written; amounts, dates, statuses and
/// payment references stay for the accounts. Each function returns nil when the row has nothing
/// left to erase.
public struct CustomerErasure: Sendable {
    public let identity: CustomerIdentity

    /// No request body hashes to it: a retry with an erased key is refused as another request,
    /// never answered with the erased customer's booking.
    public static let erasedDigest = String(repeating: "0", count: 64)

    /// Why an erased customer's waiting messages were cancelled.
    public static let cancellationReason = "cancelled: the customer's data was erased"

    public init(identity: CustomerIdentity) { self.identity = identity }

    public func details(_ details: [String: String]) -> [String: String]? {
        let scrubbed = details.mapValues(identity.scrub)
        return scrubbed == details ? nil : scrubbed
    }

    /// A message to the customer loses its recipient and stops if it was waiting; an alert to the
    /// artisan keeps its recipient (the artisan) but not what it said of the customer.
    public func notification(_ message: OutboxMessage) -> OutboxMessage? {
        var erased = message
        if !message.kind.isForArtisan {
            erased.recipient = nil
            erased.recipientName = nil
        }
        var variables = message.variables.mapValues(identity.scrub)
        if variables["customerName"] != nil { variables["customerName"] = Customer.anonymisedName }
        for key in ["customerEmail", "customerPhone"] where variables[key] != nil { variables[key] = "" }
        erased.variables = variables
        erased.providerMessageID = message.providerMessageID.map(identity.scrub)
        erased.lastError = message.lastError.map(identity.scrub)
        if message.status == .pending {
            erased.status = .cancelled
            erased.lastError = Self.cancellationReason
        }
        return erased == message ? nil : erased
    }

    public enum KeyChange: Sendable, Equatable {
        case keep
        case save(CustomerRows.IdempotencyKey)
        /// The key itself names the customer: the row goes (a key is the table's primary key).
        case delete
    }

    public func idempotencyKey(_ record: CustomerRows.IdempotencyKey) -> KeyChange {
        if identity.isNamed(in: record.key) { return .delete }
        var erased = record
        erased.requestDigest = Self.erasedDigest
        erased.responseBody = record.responseBody.map(identity.scrub)
        return erased == record ? .keep : .save(erased)
    }

    /// An imported calendar block's summary without the customer (the artisan's calendar itself
    /// is theirs to edit: a later full import brings back what it still says).
    public func summary(_ summary: String) -> String? {
        identity.isNamed(in: summary) ? identity.scrub(summary) : nil
    }
}
