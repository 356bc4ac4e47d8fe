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
            let catalogue = try context.withServices { try $0.catalogue.export() }
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
            let document = try CatalogueDocument.decode(try InputFile.read(file, field: "--file", what: "a catalogue"), source: file)
            let desired = try document.catalogue(knownZone: context.timeZones.contains)
            let dryRun = invocation.isSet("dry-run")
            let plan = try context.withServices { try $0.catalogue.apply(desired, dryRun: dryRun) }
            try report(plan, dryRun: dryRun, context: context)
        }
    )

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
}
