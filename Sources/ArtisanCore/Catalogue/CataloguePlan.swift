#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's whole catalogue: who they are, their services and their week.
public struct Catalogue: Sendable, Equatable {
    public var artisan: Artisan
    public var services: [Service]
    public var opening: [OpeningRule]
    public var breaks: [BreakRule]
    public var timeOff: [TimeOff]

    public init(artisan: Artisan, services: [Service], opening: [OpeningRule], breaks: [BreakRule], timeOff: [TimeOff]) {
        self.artisan = artisan
        self.services = services
        self.opening = opening
        self.breaks = breaks
        self.timeOff = timeOff
    }
}

/// What it takes to make the stored catalogue match a desired one (`catalog apply`). Services
/// are matched by name, whatever the case; a service missing from the desired catalogue is
/// archived, never deleted (its bookings keep their history). Breaks and time off are matched by value.
public struct CataloguePlan: Sendable {
    public enum Change: Sendable, Equatable {
        case createArtisan(Artisan)
        case updateArtisan(Artisan, fields: [String])
        case createService(Service)
        case updateService(Service, fields: [String])
        case archiveService(Service)
        case setOpening(Weekday, TimeRange, was: TimeRange?)
        case clearOpening(Weekday, was: TimeRange)
        case addBreak(BreakRule)
        case removeBreak(BreakRule)
        case addTimeOff(TimeOff)
        case removeTimeOff(TimeOff)
    }

    public let changes: [Change]

    /// `current` is nil when the desired artisan does not exist yet.
    public init(current: Catalogue?, desired: Catalogue) {
        var changes: [Change] = []
        var artisan = desired.artisan
        if let current {
            artisan.id = current.artisan.id
            let fields = Self.artisanDifferences(current.artisan, artisan)
            if !fields.isEmpty { changes.append(.updateArtisan(artisan, fields: fields)) }
        } else {
            changes.append(.createArtisan(artisan))
        }

        let existing = current?.services ?? []
        // An archived service may share its name with an active one (or another archived one):
        // each stored service matches at most one of the document's, the same state first.
        var matched = Set<UUID>()
        for var service in desired.services {
            let candidates = existing.filter { $0.name.lowercased() == service.name.lowercased() && !matched.contains($0.id) }
            if let match = candidates.first(where: { $0.isActive == service.isActive }) ?? candidates.first {
                matched.insert(match.id)
                service.id = match.id
                let fields = Self.serviceDifferences(match, service)
                if !fields.isEmpty { changes.append(.updateService(service, fields: fields)) }
            } else {
                changes.append(.createService(service))
            }
        }
        for service in existing where service.isActive && !matched.contains(service.id) {
            changes.append(.archiveService(service))
        }

        let currentOpening = current?.opening ?? []
        for day in Weekday.mondayFirst {
            let was = currentOpening.first { $0.day == day }?.hours
            let wanted = desired.opening.first { $0.day == day }?.hours
            switch (was, wanted) {
            case let (was, wanted?) where was != wanted: changes.append(.setOpening(day, wanted, was: was))
            case let (was?, nil): changes.append(.clearOpening(day, was: was))
            default: break
            }
        }

        let currentBreaks = current?.breaks ?? []
        for rule in currentBreaks where !desired.breaks.contains(where: { $0.day == rule.day && $0.hours == rule.hours }) {
            changes.append(.removeBreak(rule))
        }
        for rule in desired.breaks where !currentBreaks.contains(where: { $0.day == rule.day && $0.hours == rule.hours }) {
            changes.append(.addBreak(rule))
        }

        let currentTimeOff = current?.timeOff ?? []
        for entry in currentTimeOff where !desired.timeOff.contains(where: { Self.sameTimeOff($0, entry) }) {
            changes.append(.removeTimeOff(entry))
        }
        for entry in desired.timeOff where !currentTimeOff.contains(where: { Self.sameTimeOff($0, entry) }) {
            changes.append(.addTimeOff(entry))
        }
        self.changes = changes
    }

    static func sameTimeOff(_ a: TimeOff, _ b: TimeOff) -> Bool {
        a.startDate == b.startDate && a.endDate == b.endDate && a.startTime == b.startTime && a.endTime == b.endTime && a.reason == b.reason
    }

    static func artisanDifferences(_ a: Artisan, _ b: Artisan) -> [String] {
        var fields: [String] = []
        if a.displayName != b.displayName { fields.append("displayName") }
        if a.phone != b.phone { fields.append("phone") }
        if a.timezone != b.timezone { fields.append("timezone") }
        if a.plan != b.plan { fields.append("plan") }
        if a.settings.slotMinutes != b.settings.slotMinutes { fields.append("slotMinutes") }
        if a.settings.minimumNoticeMinutes != b.settings.minimumNoticeMinutes { fields.append("minNoticeMinutes") }
        if a.settings.horizonDays != b.settings.horizonDays { fields.append("horizonDays") }
        if a.settings.cancellationDeadlineHours != b.settings.cancellationDeadlineHours { fields.append("cancellationDeadlineHours") }
        if a.settings.paymentHoldMinutes != b.settings.paymentHoldMinutes { fields.append("paymentHoldMinutes") }
        if a.settings.payLinkHoldHours != b.settings.payLinkHoldHours { fields.append("payLinkHoldHours") }
        return fields
    }

    static func serviceDifferences(_ a: Service, _ b: Service) -> [String] {
        var fields: [String] = []
        if a.name != b.name { fields.append("name") }
        if a.description != b.description { fields.append("description") }
        if a.durationMinutes != b.durationMinutes { fields.append("durationMinutes") }
        if a.price != b.price { fields.append("price") }
        if a.depositRate != b.depositRate { fields.append("depositRate") }
        if a.bufferBeforeMinutes != b.bufferBeforeMinutes { fields.append("bufferBeforeMinutes") }
        if a.bufferAfterMinutes != b.bufferAfterMinutes { fields.append("bufferAfterMinutes") }
        if a.isActive != b.isActive { fields.append("active") }
        return fields
    }
}

extension CataloguePlan.Change {
    /// One line for people: `+ service Coupe`, `~ hours mon 09:00-17:00 → 09:00-18:00`.
    public var summary: String {
        switch self {
        case .createArtisan(let artisan): "+ artisan \(artisan.email)"
        case .updateArtisan(let artisan, let fields): "~ artisan \(artisan.email): \(fields.joined(separator: ", "))"
        case .createService(let service): "+ service \(service.name)" + (service.isActive ? "" : " (archived)")
        case .updateService(let service, let fields): "~ service \(service.name): \(fields.joined(separator: ", "))"
        case .archiveService(let service): "- service \(service.name) (archived, bookings kept)"
        case .setOpening(let day, let hours, let was): "~ hours \(day) \(was.map { "\($0) → " } ?? "closed → ")\(hours)"
        case .clearOpening(let day, let was): "~ hours \(day) \(was) → closed"
        case .addBreak(let rule): "+ break \(rule.day) \(rule.hours)"
        case .removeBreak(let rule): "- break \(rule.day) \(rule.hours)"
        case .addTimeOff(let entry): "+ time off \(entry.span)" + (entry.reason.map { " (\($0))" } ?? "")
        case .removeTimeOff(let entry): "- time off \(entry.span)" + (entry.reason.map { " (\($0))" } ?? "")
        }
    }
}
