import ArtisanCore

/// `data purge`: spec 6.5's retention rule, for a monthly cron job.
enum DataCommands {
    static let command = Command(
        "data", abstract: "The data kept about customers and bookings: purge what is past the retention period (for cron)",
        subcommands: [purge]
    )

    static let purge = Command(
        "purge", abstract: "Delete the bookings, messages and records past the retention period (default 2 years)",
        discussion: """
            Spec 6.5's retention rule, across every artisan of the database (--artisan does not narrow it). The \
            period (--older-than, default 2y) counts back from the clock (ARTISANCTL_NOW when set) on the UTC \
            calendar: a month or a year back keeps the day and the time, and a day the month lacks falls back to \
            its last (1y before 2028-02-29 is 2027-02-28, 1m before 03-31 the end of February). Removed, each \
            category in one transaction of its own:
              bookings          over (start + duration) before the cut-off, any status, with
                                their events, messages and calendar export records (not one
                                whose refund is still owed, nor one whose exported event still
                                waits for sync to write it again without a forgotten customer)
              notifications     sent, failed or cancelled before the cut-off (not pending
                                ones, nor those of a booking not yet over)
              busy blocks       imported from calendars and over before now, whatever the period
              webhook events    Stripe events applied before the cut-off and 30 days ago
              idempotency keys  Idempotency-Keys older than 24 hours, whatever the period
            A row exactly at its cut-off stays. Stripe events and Idempotency-Keys that named a deleted booking lose \
            the link; events already written to the artisan's calendars stay there. A category that fails is left \
            whole, the others still run, and the exit status is that of the failure (75: a lock, try again). \
            --dry-run counts in transactions that are rolled back: the counts a real run would remove, nothing removed. \
            Without a terminal, a real run needs --yes.
            Crontab, at 04:00 on the first of each month:
              0 4 1 * * artisanctl data purge --yes --quiet
            """,
        flags: [
            Flag("older-than", value: "AGE", help: "How long data is kept: 2y (default), 18m, 6w or 90d; from 1d to 100y"),
            Flag("dry-run", help: "Count what would be removed; remove nothing"),
        ],
        examples: ["data purge --dry-run", "data purge --older-than 18m --yes", "data purge --yes --quiet --json"],
        run: { invocation, context in
            let period = try invocation.value("older-than").map { try RetentionPeriod.parse($0, field: "--older-than") } ?? .standard
            let policy = RetentionPolicy(period: period)
            let dryRun = invocation.isSet("dry-run")
            if !dryRun {
                let cutoff = policy.cutoff(for: .bookings, at: context.clock.now())
                try context.confirm("purge the data older than \(period) (bookings over before \(cutoff.iso8601()))")
            }
            let report = try context.withServices { $0.retention.purge(policy, dryRun: dryRun) }
            try print(report, context: context)
            if let failure = failure(of: report) { throw failure }
        }
    )

    struct Record: Encodable {
        struct Alongside: Encodable {
            let bookingEvents: Int
            let notifications: Int
            let calendarExports: Int
        }

        let category: String
        /// The cut-off: rows before it are removed.
        let before: String
        /// Nil when the category failed.
        let count: Int?
        let dryRun: Bool
        /// removed, wouldRemove or failed.
        let outcome: String
        let alongside: Alongside?
        let error: String?

        init(_ entry: RetentionReport.Entry, dryRun: Bool) {
            category = entry.category.rawValue
            before = entry.cutoff.iso8601()
            count = entry.removed
            self.dryRun = dryRun
            outcome = entry.failure != nil ? "failed" : dryRun ? "wouldRemove" : "removed"
            alongside = entry.alongside.map {
                Alongside(bookingEvents: $0.events, notifications: $0.notifications, calendarExports: $0.calendarExports)
            }
            error = entry.failure.map { ErrorReporter.describe($0).message }
        }

        var label: String { RetentionCategory(rawValue: category)?.label ?? category }

        var alongsideText: String {
            guard let alongside else { return "" }
            func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
            return [count(alongside.bookingEvents, "booking event"), count(alongside.notifications, "notification"),
                    count(alongside.calendarExports, "calendar export record")].joined(separator: ", ")
        }
    }

    static func print(_ report: RetentionReport, context: Context) throws {
        let records = report.entries.map { Record($0, dryRun: report.dryRun) }
        if context.options.output == .table && context.options.quiet { return }
        try OutputWriter(context: context).list(records, columns: [
            Column("category", "WHAT") { $0.label },
            Column("before", "BEFORE") { $0.before },
            Column("count", report.dryRun ? "WOULD REMOVE" : "REMOVED") { $0.count.map(String.init) ?? "failed" },
            Column("alongside", "WITH") { $0.alongsideText },
        ])
        if report.dryRun, context.options.output == .table { context.note("Dry run: nothing was removed.") }
    }

    /// The first category that failed, as the command's error (its own exit status: 75 for a lock).
    static func failure(of report: RetentionReport) -> ArtisanError? {
        let failures = report.failures
        guard let first = failures.first, let error = first.failure else { return nil }
        let described = ErrorReporter.describe(error)
        let more = failures.count > 1 ? " (and \(failures.count - 1) more categories)" : ""
        let what = report.dryRun ? "could not be counted" : "were not purged"
        let kept = report.dryRun ? nil : "nothing of them was removed, the other categories were"
        let hint = [kept, described.hint].compactMap { $0 }.joined(separator: "; ")
        return ArtisanError(described.kind, code: described.code, "\(first.category.label) \(what): \(described.message)\(more)",
                            hint: hint.isEmpty ? nil : hint)
    }
}
