/// An optional encoded as `null` rather than left out: documents whose readers expect every field.
public struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    public let value: Value?

    public init(_ value: Value?) { self.value = value }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
