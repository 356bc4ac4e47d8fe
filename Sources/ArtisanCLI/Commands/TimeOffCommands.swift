import ArtisanCore
import ArtisanStore

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
            id = timeOff.id.uuidString.lowercased()
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
            let entries = try context.transaction(forArtisan: { connection, artisan in
                let today = try ZoneRulesLoader(timeZones: context.timeZones).today(in: artisan.timezone, at: context.clock.now())
                return try PostgresWeekRepository(connection: connection, artisan: artisan.id)
                    .timeOff(endingOnOrAfter: invocation.isSet("all") ? nil : today)
            })
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
            let end = try invocation.value("to").map { try Validate.date($0, field: "--to") } ?? start
            guard end >= start else { throw ArtisanError.invalid(field: "--to", "must be on or after \(start) (got \(end))") }
            let fromTime = try invocation.value("from-time").map { try Validate.timeOfDay($0, field: "--from-time") }
            let toTime = try invocation.value("to-time").map { try Validate.timeOfDay($0, field: "--to-time") }
            guard (fromTime == nil) == (toTime == nil) else {
                throw ArtisanError.invalid(field: fromTime == nil ? "--from-time" : "--to-time", "is needed with \(fromTime == nil ? "--to-time" : "--from-time")")
            }
            if let fromTime, let toTime {
                guard fromTime.minutes < 1440 else { throw ArtisanError.invalid(field: "--from-time", "must be before 24:00") }
                guard start < end || fromTime < toTime else {
                    throw ArtisanError.invalid(field: "--to-time", "must be after --from-time on a single day")
                }
            }
            let reason = try invocation.value("reason").flatMap { try Validate.text($0, field: "--reason", maximum: 500) }
            let entry = TimeOff(startDate: start, endDate: end, startTime: fromTime, endTime: toTime, reason: reason)
            try context.transaction(forArtisan: { connection, artisan in
                try PostgresWeekRepository(connection: connection, artisan: artisan.id).addTimeOff(entry)
            })
            try OutputWriter(context: context).list([Record(entry)], columns: columns)
        }
    )

    static let remove = Command(
        "remove", abstract: "Remove time off by id (or a unique id prefix)",
        arguments: [Argument("id", help: "The entry's id, or a unique prefix of it (see 'timeoff list --all')")],
        run: { invocation, context in
            let removed = try context.transaction(forArtisan: { connection, artisan in
                let week = PostgresWeekRepository(connection: connection, artisan: artisan.id)
                let entry = try resolve(invocation.argument("id")!, among: try week.timeOff(endingOnOrAfter: nil), id: \.id, what: "time off")
                try week.removeTimeOff(entry.id)
                return entry
            })
            context.note("Removed the time off \(removed.span).")
        }
    )
}
