import ArtisanCore

/// `artisan init | show | set`: who the artisan is and the rules of their diary.
enum ArtisanCommands {
    static let command = Command(
        "artisan", abstract: "Set up and show the artisan and their scheduling settings",
        discussion: """
            An instance serves one artisan; when the database holds several, the global --artisan EMAIL \
            selects one. Scheduling settings: slot granularity (--slot-minutes, default 30), minimum notice \
            before a booking (--min-notice-minutes, default 120), booking horizon (--horizon-days, default 60), \
            cancellation deadline (--cancellation-hours, default 24), and how long a slot waits for its online \
            deposit before 'payments sync' releases it (--payment-hold-minutes, default 30; \
            --pay-link-hold-hours, default 24, for pay links; 0 never releases).
            """,
        subcommands: [initialize, show, set]
    )

    static let settingFlags = [
        Flag("phone", value: "PHONE", help: "Phone in international form, e.g. +33612345678 (empty to remove)"),
        Flag("timezone", value: "ZONE", help: "IANA time zone (default Europe/Paris)"),
        // Completion offers the plans; Validate.plan refuses others with 65, like every other rule.
        Flag("plan", value: "PLAN", help: "starter (default), pro or business",
             completion: .choices(Artisan.Plan.allCases.map(\.rawValue))),
        Flag("slot-minutes", value: "MIN", help: "Slot granularity: 5, 10, 15, 20, 30 or 60 minutes"),
        Flag("min-notice-minutes", value: "MIN", help: "Minimum notice before a booking starts, in minutes"),
        Flag("horizon-days", value: "DAYS", help: "How many days ahead bookings are offered"),
        Flag("cancellation-hours", value: "HOURS", help: "Cancellation deadline before the start, in hours"),
        Flag("payment-hold-minutes", value: "MIN", help: "Minutes an unpaid online deposit holds its slot (0: no limit)"),
        Flag("pay-link-hold-hours", value: "HOURS", help: "Hours an unpaid pay link holds its slot, at most 24 (0: no limit)"),
    ]

    static let initialize = Command(
        "init", abstract: "Create the artisan (asks for the name and e-mail on a terminal)",
        flags: [
            Flag("name", value: "NAME", help: "Display name"),
            Flag("email", value: "EMAIL", help: "E-mail address"),
        ] + settingFlags,
        examples: ["artisan init --name 'Léa Martin' --email lea@example.com --phone '+33 6 12 34 56 78'"],
        run: { invocation, context in
            let values = try context.requiredValues(invocation, [
                PromptField(flag: "name", label: "Name") { _ = try Validate.name($0) },
                PromptField(flag: "email", label: "E-mail") { _ = try Validate.email($0) },
            ])
            var fields = fieldFlags(invocation)
            fields.name = values["name"]
            fields.email = values["email"]
            let artisan = try context.withServices { try $0.profile.create(fields) }
            try print(artisan, context: context)
        }
    )

    static let show = Command(
        "show", abstract: "Show the artisan and their settings",
        flags: [Flag("all", help: "List every artisan of the database")],
        run: { invocation, context in
            if invocation.isSet("all") {
                let artisans = try context.withServices { try $0.profile.all() }
                try OutputWriter(context: context).list(artisans.map(Record.init), columns: [
                    Column("email", "EMAIL") { $0.email }, Column("displayName", "NAME") { $0.displayName },
                    Column("timezone", "TIME ZONE") { $0.timezone }, Column("plan", "PLAN") { $0.plan },
                ], empty: "No artisan yet: create one with 'artisanctl artisan init'.")
                return
            }
            let artisan = try context.withServices { try $0.profile.current() }
            try print(artisan, context: context)
        }
    )

    static let set = Command(
        "set", abstract: "Change the artisan's details or settings",
        flags: [
            Flag("name", value: "NAME", help: "Display name"),
            Flag("email", value: "EMAIL", help: "E-mail address"),
        ] + settingFlags,
        examples: ["artisan set --slot-minutes 15 --min-notice-minutes 60"],
        run: { invocation, context in
            var fields = fieldFlags(invocation)
            fields.name = invocation.value("name")
            fields.email = invocation.value("email")
            let artisan = try context.withServices { try $0.profile.update(fields) }
            try print(artisan, context: context)
        }
    )

    /// The optional flags shared by init and set, as typed.
    static func fieldFlags(_ invocation: Invocation) -> ArtisanProfile.Fields {
        ArtisanProfile.Fields(phone: invocation.value("phone"), timezone: invocation.value("timezone"), plan: invocation.value("plan"),
                              slotMinutes: invocation.value("slot-minutes"), minimumNoticeMinutes: invocation.value("min-notice-minutes"),
                              horizonDays: invocation.value("horizon-days"), cancellationHours: invocation.value("cancellation-hours"),
                              paymentHoldMinutes: invocation.value("payment-hold-minutes"), payLinkHoldHours: invocation.value("pay-link-hold-hours"))
    }

    struct Record: Encodable {
        let id: String
        let displayName: String
        let email: String
        let phone: String?
        let timezone: String
        let plan: String
        let slotMinutes: Int
        let minNoticeMinutes: Int
        let horizonDays: Int
        let cancellationDeadlineHours: Int
        let paymentHoldMinutes: Int
        let payLinkHoldHours: Int

        init(_ artisan: Artisan) {
            id = artisan.id.lowercasedText
            displayName = artisan.displayName
            email = artisan.email
            phone = artisan.phone
            timezone = artisan.timezone
            plan = artisan.plan.rawValue
            slotMinutes = artisan.settings.slotMinutes
            minNoticeMinutes = artisan.settings.minimumNoticeMinutes
            horizonDays = artisan.settings.horizonDays
            cancellationDeadlineHours = artisan.settings.cancellationDeadlineHours
            paymentHoldMinutes = artisan.settings.paymentHoldMinutes
            payLinkHoldHours = artisan.settings.payLinkHoldHours
        }
    }

    static func print(_ artisan: Artisan, context: Context) throws {
        try OutputWriter(context: context).show(Record(artisan), fields: [
            Column("displayName", "NAME") { $0.displayName },
            Column("email", "E-MAIL") { $0.email },
            Column("phone", "PHONE") { $0.phone ?? "" },
            Column("timezone", "TIME ZONE") { $0.timezone },
            Column("plan", "PLAN") { $0.plan },
            Column("slotMinutes", "SLOT") { "\($0.slotMinutes) min" },
            Column("minNoticeMinutes", "MINIMUM NOTICE") { "\($0.minNoticeMinutes) min" },
            Column("horizonDays", "HORIZON") { "\($0.horizonDays) days" },
            Column("cancellationDeadlineHours", "CANCELLATION DEADLINE") { "\($0.cancellationDeadlineHours) h before" },
            Column("paymentHoldMinutes", "PAYMENT HOLD") { $0.paymentHoldMinutes == 0 ? "no limit" : "\($0.paymentHoldMinutes) min" },
            Column("payLinkHoldHours", "PAY LINK HOLD") { $0.payLinkHoldHours == 0 ? "no limit" : "\($0.payLinkHoldHours) h" },
            Column("id", "ID") { $0.id },
        ])
    }
}
