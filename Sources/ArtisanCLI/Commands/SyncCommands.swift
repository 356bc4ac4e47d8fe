import ArtisanCore
import ArtisanIntegrations
import ArtisanStore

/// `sync calendars`: the cron job.
enum SyncCommands {
    static let command = Command(
        "sync", abstract: "Synchronise with external systems (for cron)",
        subcommands: [calendars]
    )

    /// Arbitrary, fixed: the advisory lock key of `sync calendars`.
    static let lockKey: Int64 = 0x4152_5449_5341_4E02

    static let calendars = Command(
        "calendars", abstract: "Import busy time from the connected calendars and export bookings to them",
        discussion: """
            For each connected calendar: its busy time from now to the booking horizon (or --days) replaces the \
            blocks imported before, in one transaction, once the whole fetch succeeded (a failed fetch keeps \
            them); then every active booking gets an event, a rescheduled one's event moves and a cancelled \
            one's is deleted. One provider failing never stops the others. Exit 0 when all succeeded, 75 when \
            something temporary failed (or another sync holds the lock), 77 when a grant was revoked.
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
            let box = try SecretBox(environment: context.environment)
            let days = try invocation.value("days").map { try Validate.integer($0, field: "--days", in: 1...730, unit: "days") }
            let connection = try context.connect()
            defer { connection.close() }
            if invocation.isSet("wait") {
                try connection.execute("SELECT pg_advisory_lock(\(lockKey))")
            } else {
                let locked: Bool = try connection.query("SELECT pg_try_advisory_lock(\(lockKey)) AS locked")[0].decode("locked")
                guard locked else {
                    throw ArtisanError(.temporary, code: "SYNC_RUNNING", "another 'sync calendars' is running", hint: "pass --wait to wait for it")
                }
            }
            defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(lockKey))") }
            let artisan = try context.currentArtisan(connection)
            let loader = ZoneRulesLoader(timeZones: context.timeZones)
            let zone = try loader.rules(for: artisan.timezone)
            let factory = ProviderFactory(context: context, box: box, zone: zone, loader: loader)
            let repository = CalendarConnectionRepository(connection: connection, artisan: artisan.id)
            let wanted = invocation.value("provider").flatMap(CalendarProviderID.init(rawValue:))
            let records = try repository.all().filter { wanted == nil || $0.provider == wanted }
            let sync = CalendarSync(connection: connection, artisan: artisan, zone: zone, now: context.clock.now())
            var reports: [CalendarSync.Report] = []
            for record in records {
                let provider: any CalendarProvider
                do {
                    provider = try factory.provider(for: record)
                } catch {
                    // One provider that cannot even start never stops the others.
                    var report = CalendarSync.Report(provider: record.provider)
                    report.outcome = .temporary
                    report.message = ErrorReporter.describe(error).message
                    reports.append(report)
                    continue
                }
                let report = try sync.run(record, provider: provider, days: days ?? artisan.settings.horizonDays) { renewed in
                    try repository.storeCredentials(record.id, access: try box.seal(renewed.accessToken),
                                                    refresh: try renewed.refreshToken.map(box.seal), expiresAt: renewed.expiresAt)
                }
                context.logger.info("synced \(record.provider.rawValue)", metadata: ["outcome": "\(report.outcome.rawValue)"])
                reports.append(report)
            }
            try print(reports, context: context)
            if records.isEmpty { context.note("No calendar connected: nothing to sync.") }
            if let revoked = reports.first(where: { $0.outcome == .revoked }) {
                throw ArtisanError(.permission, code: "CALENDAR_REAUTH_NEEDED", "the \(revoked.provider.rawValue) calendar refused our credentials",
                                   hint: "reconnect it: artisanctl calendars connect \(revoked.provider.rawValue)")
            }
            if let failed = reports.first(where: { $0.outcome == .temporary }) {
                throw ArtisanError(.temporary, code: "CALENDAR_SYNC_INCOMPLETE", "the \(failed.provider.rawValue) sync failed: \(failed.message ?? "unknown error")",
                                   hint: "the blocks already imported are kept; the next run tries again")
            }
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

    static func print(_ reports: [CalendarSync.Report], context: Context) throws {
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
