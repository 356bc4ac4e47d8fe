import ArtisanCore
import ArtisanStore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `catalog export | apply`: the artisan's settings, services and week as one JSON document.
enum CatalogCommands {
    static let command = Command(
        "catalog", abstract: "Export the catalogue as JSON, or make the database match a JSON file",
        discussion: """
            The document holds the artisan (with scheduling settings), the services, the opening hours \
            (day → HH:MM-HH:MM; days not listed are closed), the breaks and the time off. 'catalog apply' \
            matches services by name, archives the services the file no longer lists (never deletes them), \
            and replaces hours, breaks and time off by the file's, all in one transaction. Applying the same \
            file twice changes nothing the second time.
            """,
        subcommands: [export, apply]
    )

    static let export = Command(
        "export", abstract: "Print the catalogue as one JSON document",
        examples: ["catalog export > catalogue.json"],
        run: { _, context in
            let catalogue = try context.transaction(forArtisan: { connection, artisan in try load(connection, artisan) })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            context.stdout.line(String(decoding: try encoder.encode(CatalogueDocument(catalogue)), as: UTF8.self))
        }
    )

    static let apply = Command(
        "apply", abstract: "Make the database match a catalogue file, printing what changed",
        flags: [
            Flag("file", short: "f", value: "FILE", help: "The JSON document ('-' for stdin)", completion: .file),
            Flag("dry-run", help: "Print the plan only; change nothing"),
        ],
        examples: ["catalog apply -f catalogue.json --dry-run", "catalog apply -f catalogue.json"],
        run: { invocation, context in
            guard let file = invocation.value("file") else { throw ArtisanError.usage("catalog apply needs --file FILE") }
            let document = try CatalogueDocument.decode(try read(file), source: file)
            let desired = try document.catalogue(knownZone: context.timeZones.contains)
            let dryRun = invocation.isSet("dry-run")
            let connection = try context.connect()
            defer { connection.close() }
            try connection.execute("BEGIN")
            let plan: CataloguePlan
            do {
                let existing = try ArtisanRepository(connection: connection).find(email: desired.artisan.email)
                plan = CataloguePlan(current: try existing.map { try load(connection, $0) }, desired: desired)
                try perform(plan, artisan: existing?.id, on: connection)
                try connection.execute(dryRun ? "ROLLBACK" : "COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
            try report(plan, dryRun: dryRun, context: context)
        }
    )

    static func load(_ connection: PostgresConnection, _ artisan: Artisan) throws -> Catalogue {
        let week = WeekRepository(connection: connection, artisan: artisan.id)
        return Catalogue(
            artisan: artisan,
            services: try ServiceRepository(connection: connection, artisan: artisan.id).list(includeArchived: true),
            opening: try week.openingRules(), breaks: try week.breakRules(), timeOff: try week.timeOff(endingOnOrAfter: nil))
    }

    /// Carries out the plan; in a dry run too, so the database's own rules are checked before rolling back.
    /// `artisan` is the stored artisan the document names, nil when the plan creates it.
    static func perform(_ plan: CataloguePlan, artisan existing: UUID?, on connection: PostgresConnection) throws {
        var artisanID = existing
        for change in plan.changes {
            switch change {
            case .createArtisan(let artisan):
                try ArtisanRepository(connection: connection).insert(artisan)
                artisanID = artisan.id
            case .updateArtisan(let artisan, _):
                try ArtisanRepository(connection: connection).update(artisan)
                artisanID = artisan.id
            default:
                break
            }
        }
        guard let owner = artisanID else {
            if plan.changes.isEmpty { return }
            throw ArtisanError(.unexpected, code: "INTERNAL_ERROR", "catalog apply lost track of the artisan")
        }
        let services = ServiceRepository(connection: connection, artisan: owner)
        let week = WeekRepository(connection: connection, artisan: owner)
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

    struct ChangeRecord: Encodable {
        let change: String
    }

    static func report(_ plan: CataloguePlan, dryRun: Bool, context: Context) throws {
        if context.options.output != .table {
            try OutputWriter(context: context).list(plan.changes.map { ChangeRecord(change: $0.summary) }, columns: [
                Column("change", "CHANGE") { $0.change },
            ])
            return
        }
        if plan.changes.isEmpty {
            context.stdout.line("No change: the database already matches the catalogue.")
            return
        }
        if dryRun { context.stdout.line("Plan (dry run, nothing was changed):") }
        for change in plan.changes { context.stdout.line(change.summary) }
        if !dryRun { context.note("\(plan.changes.count) change\(plan.changes.count == 1 ? "" : "s") applied.") }
    }

    static func read(_ path: String) throws -> [UInt8] {
        let descriptor = path == "-" ? 0 : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ArtisanError.notFound("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { if descriptor != 0 { close(descriptor) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= 16 << 20 else { throw ArtisanError.invalid(field: "--file", "\(path) is larger than 16 MiB: not a catalogue") }
        }
        return bytes
    }
}
