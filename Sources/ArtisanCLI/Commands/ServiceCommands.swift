import ArtisanCore
import ArtisanStore

/// `services list | show | create | update | archive | restore | delete`.
enum ServiceCommands {
    static let command = Command(
        "services", abstract: "Manage the services the artisan sells",
        discussion: """
            Prices are entered and shown in euros (45, 45.5, 45.50 or 45,50) and kept in integer cents. The \
            deposit rate is 0.30 or 30%. A duration is a positive multiple of the artisan's slot granularity. \
            Names are unique among active services. --buffer-before and --buffer-after keep travel or set-up \
            time free around each booking. Archiving hides a service from new bookings and keeps its history.
            """,
        subcommands: [list, show, create, update, archive, restore, delete]
    )

    static let reference = Argument("service", help: "The service's name, id or id prefix")

    static let detailFlags = [
        Flag("description", value: "TEXT", help: "Description shown to customers (empty to remove)"),
        Flag("buffer-before", value: "MIN", help: "Minutes kept free before each booking (default 0)"),
        Flag("buffer-after", value: "MIN", help: "Minutes kept free after each booking (default 0)"),
    ]

    static let list = Command(
        "list", abstract: "List the active services (--all: archived too)",
        flags: [Flag("all", help: "Include archived services")],
        run: { invocation, context in
            let services = try context.withServices { try $0.services.list(includeArchived: invocation.isSet("all")) }
            try OutputWriter(context: context).list(services.map(Record.init), columns: [
                Column("name", "NAME") { $0.name },
                Column("durationMinutes", "DURATION") { "\($0.durationMinutes) min" },
                Column("price", "PRICE") { "\($0.price) €" },
                Column("depositRate", "DEPOSIT") { "\($0.depositPercent) (\($0.deposit) €)" },
                Column("buffers", "BUFFERS") { $0.buffers },
                Column("active", "STATE") { $0.active ? "active" : "archived" },
                Column("id", "ID") { String($0.id.prefix(8)) },
            ], empty: "No service yet: add one with 'artisanctl services create'.")
        }
    )

    static let show = Command(
        "show", abstract: "Show one service", arguments: [reference],
        run: { invocation, context in
            let service = try context.withServices { try $0.services.find(invocation.argument("service")!) }
            try print(service, context: context)
        }
    )

    static let create = Command(
        "create", abstract: "Add a service (asks for what is missing on a terminal)",
        flags: [
            Flag("name", value: "NAME", help: "Name, unique among active services"),
            Flag("duration", value: "MIN", help: "Duration in minutes, a multiple of the slot granularity"),
            Flag("price", value: "EUR", help: "Price in euros"),
            Flag("deposit-rate", value: "RATE", help: "Share paid as a deposit: 0.30 or 30%"),
        ] + detailFlags,
        examples: ["services create --name 'Coupe femme' --duration 60 --price 45,50 --deposit-rate 30%"],
        run: { invocation, context in
            // The granularity is needed to check a duration typed at the prompt.
            let granularity = try context.withServices { try $0.services.slotMinutes() }
            let values = try context.requiredValues(invocation, [
                PromptField(flag: "name", label: "Name") { _ = try Validate.name($0) },
                PromptField(flag: "duration", label: "Duration (minutes)") { _ = try Validate.duration($0, granularity: granularity) },
                PromptField(flag: "price", label: "Price (EUR)") { _ = try Validate.money($0) },
                PromptField(flag: "deposit-rate", label: "Deposit rate (0.30 or 30%)") { _ = try Validate.depositRate($0) },
            ])
            var fields = details(invocation)
            fields.name = values["name"]
            fields.duration = values["duration"]
            fields.price = values["price"]
            fields.depositRate = values["deposit-rate"]
            let service = try context.withServices { try $0.services.create(fields) }
            try print(service, context: context)
            warnBelowStripeMinimum(service, context: context)
        }
    )

    static let update = Command(
        "update", abstract: "Change a service", arguments: [reference],
        flags: [
            Flag("name", value: "NAME", help: "New name"),
            Flag("duration", value: "MIN", help: "Duration in minutes"),
            Flag("price", value: "EUR", help: "Price in euros"),
            Flag("deposit-rate", value: "RATE", help: "Deposit rate: 0.30 or 30%"),
        ] + detailFlags,
        examples: ["services update 'Coupe femme' --price 48 --buffer-after 15"],
        run: { invocation, context in
            var fields = details(invocation)
            fields.name = invocation.value("name")
            fields.duration = invocation.value("duration")
            fields.price = invocation.value("price")
            fields.depositRate = invocation.value("deposit-rate")
            let service = try context.withServices { try $0.services.update(invocation.argument("service")!, fields) }
            try print(service, context: context)
            warnBelowStripeMinimum(service, context: context)
        }
    )

    static let archive = Command(
        "archive", abstract: "Archive a service: no new bookings, history kept", arguments: [reference],
        run: { invocation, context in try setActive(false, invocation, context) }
    )

    static let restore = Command(
        "restore", abstract: "Make an archived service active again", arguments: [reference],
        run: { invocation, context in try setActive(true, invocation, context) }
    )

    static let delete = Command(
        "delete", abstract: "Delete a service that no booking refers to (asks first; --yes without a terminal)",
        arguments: [reference],
        run: { invocation, context in
            let service = try context.withServices {
                try $0.services.delete(invocation.argument("service")!) { try context.confirm("delete the service '\($0.name)'") }
            }
            context.note("Deleted the service '\(service.name)'.")
        }
    )

    // MARK: - Helpers

    /// The optional detail flags, as typed.
    static func details(_ invocation: Invocation) -> ServiceCatalogue.Fields {
        ServiceCatalogue.Fields(description: invocation.value("description"), bufferBefore: invocation.value("buffer-before"),
                                bufferAfter: invocation.value("buffer-after"))
    }

    static func setActive(_ active: Bool, _ invocation: Invocation, _ context: Context) throws {
        let service = try context.withServices { try $0.services.setActive(invocation.argument("service")!, active) }
        context.note("Service '\(service.name)' is \(active ? "active" : "archived").")
    }

    struct Record: Encodable {
        let id: String
        let name: String
        let description: String?
        let durationMinutes: Int
        let price: String
        let priceCents: Int
        let depositRate: String
        let depositPercent: String
        let deposit: String
        let depositCents: Int
        let bufferBeforeMinutes: Int
        let bufferAfterMinutes: Int
        let active: Bool

        init(_ service: Service) {
            id = service.id.lowercasedText
            name = service.name
            description = service.description
            durationMinutes = service.durationMinutes
            price = service.price.description
            priceCents = service.price.cents
            depositRate = service.depositRate.description
            depositPercent = service.depositRate.percent
            deposit = service.deposit.description
            depositCents = service.deposit.cents
            bufferBeforeMinutes = service.bufferBeforeMinutes
            bufferAfterMinutes = service.bufferAfterMinutes
            active = service.isActive
        }

        var buffers: String {
            bufferBeforeMinutes == 0 && bufferAfterMinutes == 0 ? "-" : "\(bufferBeforeMinutes)/\(bufferAfterMinutes) min"
        }
    }

    static func print(_ service: Service, context: Context) throws {
        try OutputWriter(context: context).show(Record(service), fields: [
            Column("name", "NAME") { $0.name },
            Column("description", "DESCRIPTION") { $0.description ?? "" },
            Column("durationMinutes", "DURATION") { "\($0.durationMinutes) min" },
            Column("price", "PRICE") { "\($0.price) €" },
            Column("depositRate", "DEPOSIT") { "\($0.depositPercent) = \($0.deposit) €" },
            Column("bufferBeforeMinutes", "BUFFER BEFORE") { "\($0.bufferBeforeMinutes) min" },
            Column("bufferAfterMinutes", "BUFFER AFTER") { "\($0.bufferAfterMinutes) min" },
            Column("active", "STATE") { $0.active ? "active" : "archived" },
            Column("id", "ID") { $0.id },
        ])
    }

    /// Said when Stripe collects deposits and this one is too small for it.
    static func warnBelowStripeMinimum(_ service: Service, context: Context) {
        if PaymentGatewayFactory.isConfigured(context), let warning = service.stripeDepositWarning { context.note("warning: \(warning)") }
    }
}
