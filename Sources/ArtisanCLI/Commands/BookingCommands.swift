import ArtisanCore
import ArtisanStore

/// `availability` and `bookings create | list | show | cancel | reschedule`.
enum BookingCommands {
    static let availability = Command(
        "availability", abstract: "The bookable slots of a service, day by day, in the artisan's time zone",
        discussion: """
            Slots start every slot-granularity minutes from opening and last the service's duration. A slot \
            overlapping a break, time off, another booking (with buffers) or an external calendar block is not \
            offered, nor one before the minimum notice or past the booking horizon.
            """,
        flags: [
            Flag("service", short: "s", value: "SERVICE", help: "The service's name, id or id prefix"),
            Flag("date", value: "DATE", help: "First day, YYYY-MM-DD (default today)"),
            Flag("days", value: "N", help: "How many days (default 7)"),
        ],
        examples: ["availability --service 'Coupe femme' --date 2026-12-01 --days 5"],
        run: { invocation, context in
            guard let reference = invocation.value("service") else { throw ArtisanError.usage("availability needs --service SERVICE") }
            let days = try invocation.value("days").map { try Validate.integer($0, field: "--days", in: 1...366, unit: "days") } ?? 7
            let from = try invocation.value("date").map { try Validate.date($0, field: "--date") }
            let (slots, zone) = try context.withServices { try $0.bookings.availability(service: reference, from: from, days: days) }
            struct SlotRecord: Encodable { let date: String; let time: String; let start: String; let end: String }
            let records = slots.map {
                SlotRecord(date: $0.date.description, time: TimeOfDay(minutes: $0.minuteOfDay)!.description,
                           start: $0.start.iso8601(offsetSeconds: $0.offsetSeconds), end: $0.end.iso8601(offsetSeconds: zone.offset(at: $0.end)))
            }
            if context.options.output == .table {
                struct DayRecord: Encodable { let date: String; let slots: [String] }
                var byDay: [(String, [String])] = []
                for record in records {
                    if byDay.last?.0 == record.date { byDay[byDay.count - 1].1.append(record.time) } else { byDay.append((record.date, [record.time])) }
                }
                try OutputWriter(context: context).list(byDay.map { DayRecord(date: $0.0, slots: $0.1) }, columns: [
                    Column("date", "DATE") { "\($0.date) \(Weekday(number: LocalDate($0.date)!.dayOfWeek)!)" },
                    Column("slots", "FREE SLOTS") { $0.slots.joined(separator: " ") },
                ], empty: "No free slot in those days.")
            } else {
                try OutputWriter(context: context).list(records, columns: [
                    Column("date", "DATE") { $0.date }, Column("time", "TIME") { $0.time },
                    Column("start", "START") { $0.start }, Column("end", "END") { $0.end },
                ])
            }
        }
    )

    static let command = Command(
        "bookings", abstract: "Book, list, show, cancel and reschedule appointments",
        discussion: """
            A booking copies the service's price, duration, buffers and deposit rate; its deposit is computed \
            in cents, rounded half-up. Each booking has a public code AC-XXXXXX that customers quote. Cancel and \
            reschedule refuse past the artisan's cancellation deadline unless --force.
            Deposits: with STRIPE_SECRET_KEY set, a new booking's deposit is requested from Stripe (a PaymentIntent \
            for the web front, or a pay link with --pay-link) and the slot is held until it is paid, for the \
            artisan's --payment-hold-minutes (pay links: --pay-link-hold-hours); --deposit-paid records a deposit \
            paid in person, --no-deposit waives it. Without Stripe, the deposit stays unpaid until 'payments \
            mark-paid'. Cancelling before the deadline refunds a deposit paid online; see 'payments'.
            """,
        subcommands: [create, list, show, cancel, reschedule]
    )

    static let create = Command(
        "create", abstract: "Book a slot for a customer (asks for what is missing on a terminal)",
        flags: [
            Flag("service", short: "s", value: "SERVICE", help: "The service's name, id or id prefix"),
            Flag("date", value: "DATE", help: "Day, YYYY-MM-DD, in the artisan's time zone"),
            Flag("time", value: "HH:MM", help: "Start time, a slot of that day"),
            Flag("name", value: "NAME", help: "Customer's name (2 to 255 characters)"),
            Flag("email", value: "EMAIL", help: "Customer's e-mail"),
            Flag("phone", value: "PHONE", help: "Customer's phone: 10 to 15 digits, optionally after +"),
            Flag("sms", help: "Send SMS notifications too"),
            Flag("no-email", help: "Send no e-mail notifications"),
            Flag("pay-link", help: "Create a Stripe pay link (Checkout) for the deposit and print it"),
            Flag("deposit-paid", help: "The deposit was paid in person (cash, card terminal)"),
            Flag("no-deposit", help: "Waive the deposit"),
        ],
        examples: ["bookings create --service 'Coupe femme' --date 2026-12-01 --time 10:00 --name 'Marie Curie' --email marie@example.com",
                   "bookings create -s 'Coupe femme' --date 2026-12-01 --time 11:00 --name 'Jean Roux' --email jean@example.com --pay-link"],
        run: { invocation, context in
            let values = try context.requiredValues(invocation, [
                PromptField(flag: "service", label: "Service"),
                PromptField(flag: "date", label: "Date (YYYY-MM-DD)") { _ = try Validate.date($0, field: "--date") },
                PromptField(flag: "time", label: "Time (HH:MM)") { _ = try Validate.timeOfDay($0, field: "--time") },
                PromptField(flag: "name", label: "Customer name") { _ = try Customer.validated(name: $0, email: "x@example.com", phone: nil) },
                PromptField(flag: "email", label: "Customer e-mail") { _ = try Validate.email($0) },
            ])
            let date = try Validate.date(values["date"]!, field: "--date")
            let time = try Validate.timeOfDay(values["time"]!, field: "--time")
            let customer = try Customer.validated(name: values["name"]!, email: values["email"]!, phone: invocation.value("phone"))
            let request = BookingService.Request(service: values["service"]!, date: date, time: time, customer: customer,
                                                 notifyByEmail: !invocation.isSet("no-email"), notifyBySMS: invocation.isSet("sms"),
                                                 deposit: try depositChoice(invocation))
            let placed = try context.withServices { try $0.bookings.book(request) }
            try print(placed, context: context)
        }
    )

    static let list = Command(
        "list", abstract: "List bookings, chronologically (default: today to 30 days ahead)",
        flags: [
            Flag("from", value: "DATE", help: "First day (default today)"),
            Flag("to", value: "DATE", help: "Last day, included (default 30 days after --from)"),
            Flag("status", value: "STATUS", choices: Booking.Status.allCases.map(\.rawValue), help: "confirmed, cancelled or rescheduled"),
            Flag("service", short: "s", value: "SERVICE", help: "Only this service"),
            Flag("customer", value: "TEXT", help: "Customer's name, e-mail or phone contains TEXT"),
            Flag("all", help: "Every booking, whatever its date"),
        ],
        examples: ["bookings list", "bookings list --from 2026-12-01 --to 2026-12-07 --status confirmed", "bookings list --all --output csv > bookings.csv"],
        run: { invocation, context in
            var listing = BookingService.Listing(all: invocation.isSet("all"), status: invocation.value("status").flatMap(Booking.Status.init(rawValue:)),
                                                 service: invocation.value("service"), customer: invocation.value("customer"))
            if !listing.all {
                listing.from = try invocation.value("from").map { try Validate.date($0, field: "--from") }
                listing.to = try invocation.value("to").map { try Validate.date($0, field: "--to") }
            }
            try context.withServices { services in
                try OutputWriter(context: context).stream(columns: columns, empty: "No booking in that period.") { emit in
                    try services.bookings.list(listing) { booking, zone in try emit(Record(booking, zone: zone)) }
                }
            }
        }
    )

    static let show = Command(
        "show", abstract: "Show a booking by its public code (with --email, both must match)",
        arguments: [Argument("code", help: "The public code, AC-XXXXXX")],
        flags: [Flag("email", value: "EMAIL", help: "The customer's e-mail: a mismatch is 'not found', as in the public lookup")],
        run: { invocation, context in
            let placed = try context.withServices { try $0.bookings.find(code: invocation.argument("code")!, email: invocation.value("email")) }
            try print(placed, context: context)
        }
    )

    static let cancel = Command(
        "cancel", abstract: "Cancel a booking; its slot is free at once",
        arguments: [Argument("code", help: "The public code, AC-XXXXXX")],
        flags: [
            Flag("reason", value: "TEXT", help: "Why (kept in the booking's history)"),
            Flag("force", help: "Cancel even past the cancellation deadline"),
            Flag("refund", help: "Refund a deposit paid online even past the deadline"),
            Flag("no-refund", help: "Keep the deposit even before the deadline"),
        ],
        examples: ["bookings cancel AC-7KQ2MX --reason 'customer ill'", "bookings cancel AC-7KQ2MX --force --refund"],
        run: { invocation, context in
            let reason = try invocation.value("reason").flatMap { try Validate.text($0, field: "--reason", maximum: 500) }
            guard !(invocation.isSet("refund") && invocation.isSet("no-refund")) else {
                throw ArtisanError.usage("--refund and --no-refund cannot be combined")
            }
            let refund: BookingService.RefundChoice = invocation.isSet("refund") ? .refund : invocation.isSet("no-refund") ? .keep : .automatic
            let placed = try context.withServices {
                try $0.bookings.cancel(code: invocation.argument("code")!, reason: reason, force: invocation.isSet("force"), refund: refund)
            }
            try print(placed, context: context)
        }
    )

    static let reschedule = Command(
        "reschedule", abstract: "Move a booking to another slot (same public code)",
        arguments: [Argument("code", help: "The public code, AC-XXXXXX")],
        flags: [
            Flag("date", value: "DATE", help: "New day, YYYY-MM-DD"),
            Flag("time", value: "HH:MM", help: "New start time"),
            Flag("force", help: "Reschedule even past the cancellation deadline"),
        ],
        run: { invocation, context in
            guard let dateText = invocation.value("date"), let timeText = invocation.value("time") else {
                throw ArtisanError.usage("bookings reschedule needs --date and --time")
            }
            let date = try Validate.date(dateText, field: "--date")
            let time = try Validate.timeOfDay(timeText, field: "--time")
            let placed = try context.withServices {
                try $0.bookings.reschedule(code: invocation.argument("code")!, date: date, time: time, force: invocation.isSet("force"))
            }
            try print(placed, context: context)
        }
    )

    // MARK: - Helpers

    static func depositChoice(_ invocation: Invocation) throws -> DepositChoice {
        let chosen = [("pay-link", DepositChoice.payLink), ("deposit-paid", .paidInPerson), ("no-deposit", .waived)]
            .filter { invocation.isSet($0.0) }
        guard chosen.count <= 1 else {
            throw ArtisanError.usage("--\(chosen[0].0) and --\(chosen[1].0) cannot be combined: pick one way to pay the deposit")
        }
        return chosen.first?.1 ?? .automatic
    }

    struct Record: Encodable {
        let code: String
        let status: String
        let service: String
        let date: String
        let time: String
        let start: String
        let end: String
        let durationMinutes: Int
        let customerName: String
        let customerEmail: String?
        let customerPhone: String?
        let price: String
        let priceCents: Int
        let depositRate: String
        let deposit: String
        let depositCents: Int
        let depositStatus: String
        let depositProvider: String?
        let depositMethod: String?
        let payLink: String?
        /// An unpaid online deposit's deadline: the slot is released after it.
        let depositDueBy: String?
        let refundStatus: String?
        let notifyByEmail: Bool
        let notifyBySMS: Bool

        init(_ booking: Booking, zone: ZoneRules) {
            let offset = zone.offset(at: booking.start)
            code = booking.publicCode
            status = booking.status.rawValue
            service = booking.serviceName
            date = zone.localDate(at: booking.start).description
            time = TimeOfDay(minutes: zone.localMinuteOfDay(at: booking.start))!.description
            start = booking.start.iso8601(offsetSeconds: offset)
            end = booking.end.iso8601(offsetSeconds: zone.offset(at: booking.end))
            durationMinutes = booking.durationMinutes
            customerName = booking.customer.name
            customerEmail = booking.customer.email
            customerPhone = booking.customer.phone
            price = booking.price.description
            priceCents = booking.price.cents
            depositRate = booking.depositRate.description
            deposit = booking.deposit.description
            depositCents = booking.deposit.cents
            depositStatus = booking.depositStatus.rawValue
            depositProvider = booking.payment.provider?.rawValue
            depositMethod = booking.payment.method?.rawValue
            payLink = booking.depositStatus.isUnpaid ? booking.payment.checkoutURL : nil
            depositDueBy = booking.depositStatus.isUnpaid && booking.status.isActive
                ? booking.payment.holdUntil.map { $0.iso8601(offsetSeconds: zone.offset(at: $0)) } : nil
            refundStatus = booking.payment.refundStatus?.rawValue
            notifyByEmail = booking.notifyByEmail
            notifyBySMS = booking.notifyBySMS
        }
    }

    static let columns: [Column<Record>] = [
        Column("code", "CODE") { $0.code },
        Column("date", "DATE") { $0.date },
        Column("time", "TIME") { $0.time },
        Column("service", "SERVICE") { $0.service },
        Column("customerName", "CUSTOMER") { $0.customerName },
        Column("status", "STATUS") { $0.status },
        Column("deposit", "DEPOSIT") { "\($0.deposit) € \($0.depositStatus)" },
    ]

    static func print(_ placed: BookingService.Placed, context: Context) throws {
        try OutputWriter(context: context).show(Record(placed.booking, zone: placed.zone), fields: [
            Column("code", "CODE") { $0.code },
            Column("status", "STATUS") { $0.status },
            Column("service", "SERVICE") { $0.service },
            Column("start", "WHEN") { "\($0.date) \($0.time) (\($0.durationMinutes) min)" },
            Column("customerName", "CUSTOMER") { $0.customerName },
            Column("customerEmail", "E-MAIL") { $0.customerEmail ?? "" },
            Column("customerPhone", "PHONE") { $0.customerPhone ?? "" },
            Column("price", "PRICE") { "\($0.price) €" },
            Column("deposit", "DEPOSIT") { "\($0.deposit) € (\(depositSummary($0)))" },
            Column("payLink", "PAY LINK") { $0.payLink ?? "" },
            Column("depositDueBy", "PAY BY") { $0.depositDueBy.map { "\($0) (the slot is released after it)" } ?? "" },
            Column("notifyByEmail", "NOTIFICATIONS") { [$0.notifyByEmail ? "e-mail" : nil, $0.notifyBySMS ? "sms" : nil].compactMap { $0 }.joined(separator: ", ") },
        ])
        for note in placed.notes { context.note("note: \(note)") }
    }

    /// The deposit's status with how it was paid and its refund, as the artisan reads it.
    static func depositSummary(_ record: Record) -> String {
        var parts = [record.depositStatus]
        if record.depositProvider == "manual" { parts.append("in person") }
        if record.depositProvider == "stripe" { parts.append(record.depositMethod == "checkout_session" ? "pay link" : "online") }
        if let refund = record.refundStatus, record.depositStatus != "refunded" { parts.append("refund \(refund)") }
        return parts.joined(separator: ", ")
    }
}
