#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The catalogue as code: export it whole, or make the store match a desired catalogue in one
/// transaction (`catalog export | apply`).
public struct CatalogueService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    public func export() throws -> Catalogue {
        try context.store.transaction { repositories in try Self.load(context.artisan(in: repositories), repositories) }
    }

    /// Plans and carries out the changes; with `dryRun` they are carried out too (so the store's
    /// own rules are checked) and then rolled back. The artisan is the one the catalogue names.
    public func apply(_ desired: Catalogue, dryRun: Bool) throws -> CataloguePlan {
        try context.store.transaction(rollingBack: dryRun) { repositories in
            let existing = try repositories.artisans.find(email: desired.artisan.email)
            let plan = CataloguePlan(current: try existing.map { try Self.load($0, repositories) }, desired: desired)
            try Self.perform(plan, artisan: existing?.id, repositories)
            return plan
        }
    }

    static func load(_ artisan: Artisan, _ repositories: any Repositories) throws -> Catalogue {
        let week = try repositories.week(of: artisan.id).schedule()
        return Catalogue(artisan: artisan, services: try repositories.services(of: artisan.id).list(includeArchived: true),
                         opening: week.opening, breaks: week.breaks, timeOff: week.timeOff)
    }

    /// `existing` is the stored artisan the catalogue names, nil when the plan creates it.
    static func perform(_ plan: CataloguePlan, artisan existing: UUID?, _ repositories: any Repositories) throws {
        var artisanID = existing
        for change in plan.changes {
            switch change {
            case .createArtisan(let artisan):
                try repositories.artisans.insert(artisan)
                artisanID = artisan.id
            case .updateArtisan(let artisan, _):
                try repositories.artisans.update(artisan)
                artisanID = artisan.id
            default:
                break
            }
        }
        guard let owner = artisanID else {
            if plan.changes.isEmpty { return }
            throw ArtisanError(.unexpected, code: "INTERNAL_ERROR", "catalog apply lost track of the artisan")
        }
        let services = repositories.services(of: owner)
        let week = repositories.week(of: owner)
        // Archive first, so a renamed service can take a freed name.
        for case .archiveService(var service) in plan.changes {
            service.isActive = false
            try services.update(service)
        }
        for change in plan.changes {
            switch change {
            case .createService(let service): try services.insert(service)
            case .updateService(let service, _): try services.update(service)
            case .setOpening(let day, let hours, _): try week.setOpening(day, hours)
            case .clearOpening(let day, _): try week.clearOpening(day)
            case .addBreak(let rule): try week.addBreak(rule)
            case .removeBreak(let rule): try week.removeBreak(rule.id)
            case .addTimeOff(let entry): try week.addTimeOff(entry)
            case .removeTimeOff(let entry): try week.removeTimeOff(entry.id)
            case .createArtisan, .updateArtisan, .archiveService: break
            }
        }
    }
}
