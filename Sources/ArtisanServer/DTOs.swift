import ArtisanCore

/// What the API answers: camelCase records built from the domain, never a row. Money is given
/// in euros ("45.00") and in cents; instants in ISO 8601 with the artisan's offset. A field the
/// front always reads is `null` when empty, never left out; `clientSecret` only appears when set.
struct ServiceDTO: Encodable, Sendable {
    let id: String
    let name: String
    let description: Nullable<String>
    let durationMinutes: Int
    let price: String
    let priceCents: Int
    let deposit: String
    let depositCents: Int
    let depositPercent: String

    init(_ service: Service) {
        id = service.id.uuidString.lowercased()
        name = service.name
        description = Nullable(service.description)
        durationMinutes = service.durationMinutes
        price = service.price.description
        priceCents = service.price.cents
        deposit = service.deposit.description
        depositCents = service.deposit.cents
        // A whole percentage without `%`, as the OpenAPI document says (the page writes "30 %").
        depositPercent = String(service.depositRate.hundredths)
    }

}

struct SlotDTO: Encodable, Sendable {
    let date: String
    let time: String
    let start: String
    let end: String

    init(_ slot: AvailabilityEngine.Slot, zone: ZoneRules) {
        date = slot.date.description
        time = TimeOfDay(minutes: slot.minuteOfDay)?.description ?? ""
        start = slot.start.iso8601(offsetSeconds: slot.offsetSeconds)
        end = slot.end.iso8601(offsetSeconds: zone.offset(at: slot.end))
    }
}

struct AvailabilityDTO: Encodable, Sendable {
    let serviceId: String
    let timezone: String
    let date: String
    let days: Int
    let slots: [SlotDTO]
}

/// A booking as its customer sees it: no other customer's data, and the client secret only on
/// the answer to its creation.
struct BookingDTO: Encodable, Sendable {
    let code: String
    let status: String
    let serviceId: String
    let service: String
    let date: String
    let time: String
    let start: String
    let end: String
    let durationMinutes: Int
    let price: String
    let priceCents: Int
    let deposit: String
    let depositCents: Int
    let depositStatus: String
    let depositDueBy: Nullable<String>
    let payLink: Nullable<String>
    let clientSecret: String?

    init(_ placed: BookingService.Placed, clientSecret: String? = nil) {
        let booking = placed.booking, zone = placed.zone
        code = booking.publicCode
        status = booking.status.rawValue
        serviceId = booking.serviceID.uuidString.lowercased()
        service = booking.serviceName
        date = zone.localDate(at: booking.start).description
        time = TimeOfDay(minutes: zone.localMinuteOfDay(at: booking.start))?.description ?? ""
        start = booking.start.iso8601(offsetSeconds: zone.offset(at: booking.start))
        end = booking.end.iso8601(offsetSeconds: zone.offset(at: booking.end))
        durationMinutes = booking.durationMinutes
        price = booking.price.description
        priceCents = booking.price.cents
        deposit = booking.deposit.description
        depositCents = booking.deposit.cents
        depositStatus = booking.depositStatus.rawValue
        let unpaid = booking.depositStatus.isUnpaid && booking.status.isActive
        depositDueBy = Nullable(unpaid ? booking.payment.holdUntil.map { $0.iso8601(offsetSeconds: zone.offset(at: $0)) } : nil)
        payLink = Nullable(unpaid ? booking.payment.checkoutURL : nil)
        self.clientSecret = clientSecret
    }

}

/// An optional encoded as `null` rather than left out.
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    let value: Value?

    init(_ value: Value?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
