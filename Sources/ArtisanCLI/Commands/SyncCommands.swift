import ArtisanCore
import ArtisanIntegrations
import ArtisanStore

/// `sync calendars`: the cron job.
enum SyncCommands {
    static let command = Command(
        "sync", abstract: "Synchronise with external systems (for cron)",
        subcommands: [calendars]
    )

    static let calendars = Command(
        "calendars", abstract: "Import busy time from the connected calendars and export bookings to them",
        discussion: """
            For each connected calendar: its busy time from now to the booking horizon (or --days) replaces the \
            blocks imported before, in one transaction, once the whole fetch succeeded (a failed fetch keeps \
            them); then every active booking gets an event, a rescheduled one's event moves and a cancelled \
            one's is deleted. Incremental fetches are trusted only while the horizon stays within the reach of \
            the last full fetch (the horizon, or --days, plus 7 days), so events that come into the horizon as days pass are \
            imported. A failure of any kind in one calendar never stops the others, and renewed tokens are \
            always stored. One sync per artisan at a time. Exit 0 when all succeeded, 75 when something \
            temporary failed (or another sync of the same artisan runs), 77 when a calendar needs reconnecting \
            (grant revoked, password refused, calendar gone).
            Crontab, every 15 minutes:
              */15 * * * * artisanctl sync calendars --quiet
            """,
        flags: [
            Flag("provider", value: "PROVIDER", choices: CalendarProviderID.allCases.map(\.rawValue), help: "Only this provider"),
            Flag("days", value: "N", help: "How many days ahead (default: the booking horizon)"),
            Flag("wait", help: "Wait for a running sync to finish instead of exiting 75"),
        ],
        examples: ["sync calendars", "sync calendars --provider apple --json"],
        run: { invocation, context in
            let providers = ProviderFactory(context: context, box: try SecretBox(environment: context.environment))
            let days = try invocation.value("days").map { try Validate.integer($0, field: "--days", in: 1...730, unit: "days") }
            let wanted = invocation.value("provider").flatMap(CalendarProviderID.init(rawValue:))
            let reports = try context.withServices {
                try $0.calendarSync(providers: providers).sync(provider: wanted, days: days, wait: invocation.isSet("wait"))
            }
            for report in reports {
                context.logger.info("synced \(report.provider.rawValue)", metadata: ["outcome": "\(report.outcome.rawValue)"])
            }
            try print(reports, context: context)
            if reports.isEmpty { context.note("No calendar connected: nothing to sync.") }
            if let failure = CalendarSyncReport.failure(of: reports) { throw failure }
        }
    )

    struct Record: Encodable {
        let provider: String
        let outcome: String
        let imported: Int
        let removed: Int
        let exported: Int
        let moved: Int
        let deleted: Int
        let durationMs: Int
        let message: String?
    }

    static func print(_ reports: [CalendarSyncReport], context: Context) throws {
        let records = reports.map {
            Record(provider: $0.provider.rawValue, outcome: $0.outcome.rawValue, imported: $0.imported, removed: $0.removed, exported: $0.exported,
                   moved: $0.moved, deleted: $0.deleted, durationMs: $0.milliseconds, message: $0.message)
        }
        if context.options.output == .table {
            guard !context.options.quiet else { return }
            for record in records {
                context.stdout.line("\(record.provider.padding(to: 8)) imported \(record.imported), removed \(record.removed), exported \(record.exported), "
                                    + "moved \(record.moved), deleted \(record.deleted) in \(record.durationMs) ms: \(record.outcome)")
            }
            return
        }
        try OutputWriter(context: context).list(records, columns: [
            Column("provider", "PROVIDER") { $0.provider }, Column("outcome", "OUTCOME") { $0.outcome },
            Column("imported", "IMPORTED") { "\($0.imported)" }, Column("removed", "REMOVED") { "\($0.removed)" },
            Column("exported", "EXPORTED") { "\($0.exported)" }, Column("moved", "MOVED") { "\($0.moved)" },
            Column("deleted", "DELETED") { "\($0.deleted)" }, Column("durationMs", "MS") { "\($0.durationMs)" },
        ])
    }
}
