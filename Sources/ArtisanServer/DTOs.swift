import ArtisanCore

/// What the API answers: camelCase records built from the domain, never a row. Money is given
/// in euros ("45.00") and in cents; instants in ISO 8601 with the artisan's offset.
struct ServiceDTO: Encodable, Sendable {
    let id: String
    let name: String
    let description: String?
    let durationMinutes: Int
    let price: String
    let priceCents: Int
    let deposit: String
    let depositCents: Int
    let depositPercent: String

    init(_ service: Service) {
        id = service.id.uuidString.lowercased()
        name = service.name
        description = service.description
        durationMinutes = service.durationMinutes
        price = service.price.description
        priceCents = service.price.cents
        deposit = service.deposit.description
        depositCents = service.deposit.cents
        // A whole percentage without `%`, as the OpenAPI document says (the page writes "30 %").
        depositPercent = String(service.depositRate.hundredths)
    }

    /// Encodes `description` as null rather than leaving it out: the front reads one shape.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(durationMinutes, forKey: .durationMinutes)
        try container.encode(price, forKey: .price)
        try container.encode(priceCents, forKey: .priceCents)
        try container.encode(deposit, forKey: .deposit)
        try container.encode(depositCents, forKey: .depositCents)
        try container.encode(depositPercent, forKey: .depositPercent)
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, description, durationMinutes, price, priceCents, deposit, depositCents, depositPercent
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
    let depositDueBy: String?
    let payLink: String?
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
        depositDueBy = unpaid ? booking.payment.holdUntil.map { $0.iso8601(offsetSeconds: zone.offset(at: $0)) } : nil
        payLink = unpaid ? booking.payment.checkoutURL : nil
        self.clientSecret = clientSecret
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [(CodingKeys.code, code), (.status, status), (.serviceId, serviceId), (.service, service), (.date, date),
                             (.time, time), (.start, start), (.end, end), (.price, price), (.deposit, deposit), (.depositStatus, depositStatus)] {
            try container.encode(value, forKey: key)
        }
        try container.encode(durationMinutes, forKey: .durationMinutes)
        try container.encode(priceCents, forKey: .priceCents)
        try container.encode(depositCents, forKey: .depositCents)
        try container.encode(depositDueBy, forKey: .depositDueBy)
        try container.encode(payLink, forKey: .payLink)
        try container.encodeIfPresent(clientSecret, forKey: .clientSecret)
    }

    private enum CodingKeys: String, CodingKey {
        case code, status, serviceId, service, date, time, start, end, durationMinutes, price, priceCents, deposit, depositCents,
             depositStatus, depositDueBy, payLink, clientSecret
    }
}
