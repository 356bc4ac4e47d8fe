import ArtisanCore

/// `timeoff list | add | remove`: holidays and closures, subtracted from availability.
enum TimeOffCommands {
    static let command = Command(
        "timeoff", abstract: "Holidays and closures",
        discussion: """
            Time off covers whole days from DATE to --to (default DATE), or, with --from-time and \
            --to-time, from that time on the first day to that time on the last, in the artisan's time zone.
            """,
        subcommands: [list, add, remove]
    )

    struct Record: Encodable {
        let id: String
        let startDate: String
        let endDate: String
        let startTime: String?
        let endTime: String?
        let reason: String?

        init(_ timeOff: TimeOff) {
            id = timeOff.id.lowercasedText
            startDate = timeOff.startDate.description
            endDate = timeOff.endDate.description
            startTime = timeOff.startTime?.description
            endTime = timeOff.endTime?.description
            reason = timeOff.reason
        }
    }

    static let columns: [Column<Record>] = [
        Column("startDate", "FROM") { $0.startDate + ($0.startTime.map { " \($0)" } ?? "") },
        Column("endDate", "TO") { $0.endDate + ($0.endTime.map { " \($0)" } ?? "") },
        Column("reason", "REASON") { $0.reason ?? "" },
        Column("id", "ID") { String($0.id.prefix(8)) },
    ]

    static let list = Command(
        "list", abstract: "List time off from today on (--all: past too)",
        flags: [Flag("all", help: "Include past time off")],
        run: { invocation, context in
            let entries = try context.withServices { try $0.week.timeOff(all: invocation.isSet("all")) }
            try OutputWriter(context: context).list(entries.map(Record.init), columns: columns,
                                                    empty: "No time off planned: add some with 'artisanctl timeoff add DATE'.")
        }
    )

    static let add = Command(
        "add", abstract: "Add time off",
        arguments: [Argument("date", help: "First day, YYYY-MM-DD")],
        flags: [
            Flag("to", value: "DATE", help: "Last day (default: the first)"),
            Flag("from-time", value: "HH:MM", help: "Start time on the first day (with --to-time)"),
            Flag("to-time", value: "HH:MM", help: "End time on the last day (with --from-time)"),
            Flag("reason", value: "TEXT", help: "Why (shown to the artisan only)"),
        ],
        examples: ["timeoff add 2026-12-24 --to 2027-01-02 --reason 'Congés de Noël'", "timeoff add 2026-12-07 --from-time 14:00 --to-time 18:00"],
        run: { invocation, context in
            let start = try Validate.date(invocation.argument("date")!, field: "DATE")
            let end = try invocation.value("to").map { try Validate.date($0, field: "--to") }
            let fromTime = try invocation.value("from-time").map { try Validate.timeOfDay($0, field: "--from-time") }
            let toTime = try invocation.value("to-time").map { try Validate.timeOfDay($0, field: "--to-time") }
            let reason = try invocation.value("reason").flatMap { try Validate.text($0, field: "--reason", maximum: 500) }
            let entry = try TimeOff.validated(start: start, end: end, from: fromTime, to: toTime, reason: reason)
            try context.withServices { try $0.week.addTimeOff(entry) }
            try OutputWriter(context: context).list([Record(entry)], columns: columns)
        }
    )

    static let remove = Command(
        "remove", abstract: "Remove time off by id (or a unique id prefix)",
        arguments: [Argument("id", help: "The entry's id, or a unique prefix of it (see 'timeoff list --all')")],
        run: { invocation, context in
            let removed = try context.withServices { try $0.week.removeTimeOff(invocation.argument("id")!) }
            context.note("Removed the time off \(removed.span).")
        }
    )
}
