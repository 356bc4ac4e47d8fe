import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON form of a catalogue (`catalog export` / `catalog apply -f`), stable camelCase.
/// Reading it validates every value with the same rules as the commands; an error names its
/// place in the document (`services[1].price: …`).
struct CatalogueDocument: Codable, Equatable {
    struct ArtisanPart: Codable, Equatable {
        var displayName: String
        var email: String
        var phone: String?
        var timezone: String?
        var plan: String?
        var slotMinutes: WholeNumber?
        var minNoticeMinutes: WholeNumber?
        var horizonDays: WholeNumber?
        var cancellationDeadlineHours: WholeNumber?
        var paymentHoldMinutes: WholeNumber?
        var payLinkHoldHours: WholeNumber?
    }

    struct ServicePart: Codable, Equatable {
        var name: String
        var description: String?
        var durationMinutes: WholeNumber
        /// Euros as text, `45.50`: no floating point in the document either.
        var price: String
        var depositRate: String
        var bufferBeforeMinutes: WholeNumber?
        var bufferAfterMinutes: WholeNumber?
        var active: Bool?
    }

    struct BreakPart: Codable, Equatable {
        var day: String
        var hours: String
    }

    struct TimeOffPart: Codable, Equatable {
        var from: String
        var to: String?
        var fromTime: String?
        var toTime: String?
        var reason: String?
    }

    var artisan: ArtisanPart
    var services: [ServicePart]
    /// Day → `HH:MM-HH:MM`; a day not listed is closed.
    var hours: [String: String]
    var breaks: [BreakPart]
    var timeOff: [TimeOffPart]

    init(_ catalogue: Catalogue) {
        let artisan = catalogue.artisan
        self.artisan = ArtisanPart(
            displayName: artisan.displayName, email: artisan.email, phone: artisan.phone, timezone: artisan.timezone,
            plan: artisan.plan.rawValue, slotMinutes: WholeNumber(artisan.settings.slotMinutes),
            minNoticeMinutes: WholeNumber(artisan.settings.minimumNoticeMinutes), horizonDays: WholeNumber(artisan.settings.horizonDays),
            cancellationDeadlineHours: WholeNumber(artisan.settings.cancellationDeadlineHours),
            paymentHoldMinutes: WholeNumber(artisan.settings.paymentHoldMinutes), payLinkHoldHours: WholeNumber(artisan.settings.payLinkHoldHours))
        services = catalogue.services.map {
            ServicePart(name: $0.name, description: $0.description, durationMinutes: WholeNumber($0.durationMinutes), price: $0.price.description,
                        depositRate: $0.depositRate.description, bufferBeforeMinutes: WholeNumber($0.bufferBeforeMinutes),
                        bufferAfterMinutes: WholeNumber($0.bufferAfterMinutes), active: $0.isActive)
        }
        hours = Dictionary(uniqueKeysWithValues: catalogue.opening.map { ($0.day.description, $0.hours.description) })
        breaks = catalogue.breaks.map { BreakPart(day: $0.day.description, hours: $0.hours.description) }
        timeOff = catalogue.timeOff.map {
            TimeOffPart(from: $0.startDate.description, to: $0.endDate.description, fromTime: $0.startTime?.description,
                        toTime: $0.endTime?.description, reason: $0.reason)
        }
    }

    static func decode(_ data: [UInt8], source: String) throws -> CatalogueDocument {
        do {
            return try JSONDecoder().decode(CatalogueDocument.self, from: Data(data))
        } catch let DecodingError.keyNotFound(key, context) {
            throw ArtisanError.invalid(field: path(context.codingPath + [key]), "is missing in \(source)")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ArtisanError.invalid(field: path(context.codingPath), "must be \(describe(type)) in \(source)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ArtisanError.invalid(field: path(context.codingPath), "must be \(describe(type)), not null, in \(source)")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw ArtisanError.invalid(field: path(context.codingPath), "must be a whole number in \(source) (got a fraction or a number too large)")
        } catch {
            throw ArtisanError.invalid(field: source, "is not valid JSON")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "document" : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: "of another type"
        }
    }

    /// The catalogue this document describes, every value checked.
    func catalogue(knownZone: (String) -> Bool) throws -> Catalogue {
        var settings = SchedulingSettings()
        if let slot = artisan.slotMinutes { settings.slotMinutes = try Validate.slotMinutes(String(slot.value), field: "artisan.slotMinutes") }
        if let notice = artisan.minNoticeMinutes {
            settings.minimumNoticeMinutes = try Validate.integer(String(notice.value), field: "artisan.minNoticeMinutes", in: 0...43_200, unit: "minutes")
        }
        if let horizon = artisan.horizonDays {
            settings.horizonDays = try Validate.integer(String(horizon.value), field: "artisan.horizonDays", in: 1...730, unit: "days")
        }
        if let hours = artisan.cancellationDeadlineHours {
            settings.cancellationDeadlineHours = try Validate.integer(String(hours.value), field: "artisan.cancellationDeadlineHours", in: 0...720, unit: "hours")
        }
        if let hold = artisan.paymentHoldMinutes {
            settings.paymentHoldMinutes = try Validate.integer(String(hold.value), field: "artisan.paymentHoldMinutes", in: 0...10_080, unit: "minutes")
        }
        if let hold = artisan.payLinkHoldHours {
            settings.payLinkHoldHours = try Validate.integer(String(hold.value), field: "artisan.payLinkHoldHours", in: 0...24, unit: "hours")
        }
        let person = Artisan(
            displayName: try Validate.name(artisan.displayName, field: "artisan.displayName"),
            email: try Validate.email(artisan.email, field: "artisan.email"),
            phone: try artisan.phone.map { try Validate.internationalPhone($0, field: "artisan.phone") },
            timezone: try Validate.timezone(artisan.timezone ?? "Europe/Paris", field: "artisan.timezone", known: knownZone),
            plan: try Validate.plan(artisan.plan ?? "starter", field: "artisan.plan"),
            settings: settings)

        var services: [Service] = []
        for (index, part) in self.services.enumerated() {
            let field = "services[\(index)]"
            let service = Service(
                name: try Validate.name(part.name, field: "\(field).name"),
                description: try part.description.flatMap { try Validate.text($0, field: "\(field).description", maximum: 2000) },
                durationMinutes: try Validate.duration(String(part.durationMinutes.value), granularity: settings.slotMinutes, field: "\(field).durationMinutes"),
                price: try Validate.money(part.price, field: "\(field).price"),
                depositRate: try Validate.depositRate(part.depositRate, field: "\(field).depositRate"),
                bufferBeforeMinutes: try Validate.buffer(String(part.bufferBeforeMinutes?.value ?? 0), field: "\(field).bufferBeforeMinutes"),
                bufferAfterMinutes: try Validate.buffer(String(part.bufferAfterMinutes?.value ?? 0), field: "\(field).bufferAfterMinutes"),
                isActive: part.active ?? true)
            // Names are unique among active services; archived ones may repeat a name.
            if service.isActive, services.contains(where: { $0.isActive && $0.name.lowercased() == service.name.lowercased() }) {
                throw ArtisanError.invalid(field: "\(field).name", "'\(service.name)' appears twice among active services")
            }
            services.append(service)
        }

        var opening: [OpeningRule] = []
        for (dayText, rangeText) in hours.sorted(by: { $0.key < $1.key }) {
            let days = try Validate.weekdays(dayText, field: "hours.\(dayText)")
            let range = try Validate.timeRange(rangeText, field: "hours.\(dayText)")
            for day in days {
                if opening.contains(where: { $0.day == day }) {
                    throw ArtisanError.invalid(field: "hours.\(dayText)", "\(day) is given twice")
                }
                opening.append(OpeningRule(day: day, hours: range))
            }
        }

        var breaks: [BreakRule] = []
        for (index, part) in self.breaks.enumerated() {
            let range = try Validate.timeRange(part.hours, field: "breaks[\(index)].hours")
            for day in try Validate.weekdays(part.day, field: "breaks[\(index)].day")
            where !breaks.contains(where: { $0.day == day && $0.hours == range }) {
                breaks.append(BreakRule(day: day, hours: range))
            }
        }

        var timeOff: [TimeOff] = []
        for (index, part) in self.timeOff.enumerated() {
            let field = "timeOff[\(index)]"
            let start = try Validate.date(part.from, field: "\(field).from")
            let end = try part.to.map { try Validate.date($0, field: "\(field).to") } ?? start
            guard end >= start else { throw ArtisanError.invalid(field: "\(field).to", "must be on or after \(start)") }
            let fromTime = try part.fromTime.map { try Validate.timeOfDay($0, field: "\(field).fromTime") }
            let toTime = try part.toTime.map { try Validate.timeOfDay($0, field: "\(field).toTime") }
            guard (fromTime == nil) == (toTime == nil) else { throw ArtisanError.invalid(field: field, "fromTime and toTime go together") }
            if let fromTime, let toTime, start == end, toTime <= fromTime {
                throw ArtisanError.invalid(field: "\(field).toTime", "must be after fromTime on a single day")
            }
            timeOff.append(TimeOff(startDate: start, endDate: end, startTime: fromTime, endTime: toTime,
                                   reason: try part.reason.flatMap { try Validate.text($0, field: "\(field).reason", maximum: 500) }))
        }
        return Catalogue(artisan: person, services: services, opening: opening, breaks: breaks, timeOff: timeOff)
    }
}

/// A whole number of the document. Foundation reports a fraction, or a number past `Int`, as "not
/// valid JSON" with no place; read as a double first, such a number is refused where it stands.
struct WholeNumber: Codable, Equatable {
    let value: Int

    init(_ value: Int) { self.value = value }

    init(from decoder: any Decoder) throws {
        guard let value = Int(exactly: try decoder.singleValueContainer().decode(Double.self)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a whole number"))
        }
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
