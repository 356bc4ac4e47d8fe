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
        id = service.id.lowercasedText
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

/// GET /availability's answer, written byte by byte: a month of slots is thousands of short
/// strings, which JSONEncoder took a fifth of the request's time to write. Keys sorted, as the
/// encoder writes them everywhere else.
enum AvailabilityJSON {
    static func render(serviceID: String, zone: ZoneRules, date: LocalDate, days: Int, slots: [AvailabilityEngine.Slot]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + 112 * slots.count)
        func text(_ literal: String) { bytes.append(contentsOf: literal.utf8) }
        text("{\"date\":\"")
        date.append(to: &bytes)
        text("\",\"days\":\(days),\"serviceId\":" + JSONText.quoted(serviceID) + ",\"slots\":[")
        for (index, slot) in slots.enumerated() {
            text(index == 0 ? "{\"date\":\"" : ",{\"date\":\"")
            slot.date.append(to: &bytes)
            text("\",\"end\":\"")
            slot.end.appendISO8601(offsetSeconds: zone.offset(at: slot.end), to: &bytes)
            text("\",\"start\":\"")
            slot.start.appendISO8601(offsetSeconds: slot.offsetSeconds, to: &bytes)
            text("\",\"time\":\"")
            ASCIIDigits.append(slot.minuteOfDay / 60, width: 2, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            ASCIIDigits.append(slot.minuteOfDay % 60, width: 2, to: &bytes)
            text("\"}")
        }
        text("],\"timezone\":" + JSONText.quoted(zone.name) + "}")
        return String(decoding: bytes, as: UTF8.self)
    }
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
        serviceId = booking.serviceID.lowercasedText
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
