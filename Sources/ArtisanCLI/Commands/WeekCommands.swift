import ArtisanCore

/// `hours list | set | clear` and `breaks list | add | remove`: the artisan's week.
enum WeekCommands {
    static let days = Argument("days", help: "Days: mon, mon-fri, sat,sun; French names too (lun-ven); 0 = Sunday")
    static let range = Argument("range", help: "Hours HH:MM-HH:MM, e.g. 08:30-18:00 (the end may be 24:00)")

    static let hours = Command(
        "hours", abstract: "Show and set the opening hours of each day of the week",
        discussion: "One opening range per day. Days not set are closed.",
        subcommands: [hoursList, hoursSet, hoursClear]
    )

    static let breaks = Command(
        "breaks", abstract: "Recurring breaks within the week (lunch, coffee)",
        subcommands: [breaksList, breaksAdd, breaksRemove]
    )

    struct DayRecord: Encodable {
        let day: String
        let dayOfWeek: Int
        let open: Bool
        let start: String?
        let end: String?
        let breaks: [String]
    }

    static let hoursList = Command(
        "list", abstract: "The week as a table, Monday first, with each day's breaks",
        run: { _, context in
            let (opening, breaks) = try context.withServices { try $0.week.week() }
            let records = Weekday.mondayFirst.map { day in
                let rule = opening.first { $0.day == day }
                return DayRecord(day: day.description, dayOfWeek: day.number, open: rule != nil, start: rule?.hours.start.description,
                                 end: rule?.hours.end.description, breaks: breaks.filter { $0.day == day }.map(\.hours.description))
            }
            try OutputWriter(context: context).list(records, columns: [
                Column("day", "DAY") { Weekday(number: $0.dayOfWeek)!.fullName },
                Column("hours", "HOURS") { $0.open ? "\($0.start!)-\($0.end!)" : "closed" },
                Column("breaks", "BREAKS") { $0.breaks.joined(separator: " ") },
            ])
        }
    )

    static let hoursSet = Command(
        "set", abstract: "Open the given days at the given hours", arguments: [days, range],
        examples: ["hours set mon-fri 09:00-17:00", "hours set sam 08:30-12:00"],
        run: { invocation, context in
            let days = try Validate.weekdays(invocation.argument("days")!)
            let hours = try Validate.timeRange(invocation.argument("range")!)
            try context.withServices { try $0.week.setHours(days, hours) }
            context.note("Open \(days.map(\.description).joined(separator: ", ")) \(hours).")
        }
    )

    static let hoursClear = Command(
        "clear", abstract: "Close the given days", arguments: [days],
        examples: ["hours clear sun"],
        run: { invocation, context in
            let days = try Validate.weekdays(invocation.argument("days")!)
            try context.withServices { try $0.week.clearHours(days) }
            context.note("Closed \(days.map(\.description).joined(separator: ", ")).")
        }
    )

    struct BreakRecord: Encodable {
        let id: String
        let day: String
        let dayOfWeek: Int
        let start: String
        let end: String

        init(_ rule: BreakRule) {
            id = rule.id.lowercasedText
            day = rule.day.description
            dayOfWeek = rule.day.number
            start = rule.hours.start.description
            end = rule.hours.end.description
        }
    }

    static let breakColumns: [Column<BreakRecord>] = [
        Column("day", "DAY") { Weekday(number: $0.dayOfWeek)!.fullName },
        Column("hours", "HOURS") { "\($0.start)-\($0.end)" },
        Column("id", "ID") { String($0.id.prefix(8)) },
    ]

    static let breaksList = Command(
        "list", abstract: "List the breaks, Monday first",
        run: { _, context in
            let breaks = try context.withServices { try $0.week.week().breaks }
            try OutputWriter(context: context).list(breaks.map(BreakRecord.init), columns: breakColumns,
                                                    empty: "No break: add one with 'artisanctl breaks add tue 12:00-13:00'.")
        }
    )

    static let breaksAdd = Command(
        "add", abstract: "Add a break on the given days", arguments: [days, range],
        examples: ["breaks add mon-fri 12:00-13:00"],
        run: { invocation, context in
            let days = try Validate.weekdays(invocation.argument("days")!)
            let hours = try Validate.timeRange(invocation.argument("range")!)
            let added = try context.withServices { try $0.week.addBreaks(days, hours) }
            try OutputWriter(context: context).list(added.map(BreakRecord.init), columns: breakColumns,
                                                    empty: "Those breaks already exist: nothing added.")
        }
    )

    static let breaksRemove = Command(
        "remove", abstract: "Remove a break by id (or a unique id prefix)",
        arguments: [Argument("id", help: "The break's id, or a unique prefix of it (see 'breaks list')")],
        run: { invocation, context in
            let removed = try context.withServices { try $0.week.removeBreak(invocation.argument("id")!) }
            context.note("Removed the break \(removed.day) \(removed.hours).")
        }
    )
}
