import ArtisanCore

/// `payments list | show | mark-paid | sync`: the deposits, as the artisan and their accountant see them.
enum PaymentCommands {
    static let command = Command(
        "payments", abstract: "Deposits: list, show, record a payment in person, sync with Stripe",
        discussion: """
            A deposit is pending (unpaid), authorized, captured (paid), refunded, failed (the customer may retry) \
            or waived (not asked for, or below Stripe's minimum charge of 0.50 €). Online deposits go through \
            Stripe (STRIPE_SECRET_KEY); their events arrive by 'webhooks stripe' and by 'payments sync', and are \
            applied once each, never moving a status backwards.
            """,
        subcommands: [list, show, markPaid, sync]
    )

    static let list = Command(
        "list", abstract: "Each booking's deposit, with totals per status (default: every booking)",
        flags: [
            Flag("from", value: "DATE", help: "Bookings from this day (default: the first)"),
            Flag("to", value: "DATE", help: "Bookings until this day, included (default: the last)"),
            Flag("status", value: "STATUS", choices: Booking.DepositStatus.allCases.map(\.rawValue),
                 help: "pending, authorized, captured, refunded, failed or waived"),
        ],
        examples: ["payments list --from 2026-11-01 --to 2026-11-30", "payments list --status captured --output csv > deposits.csv"],
        run: { invocation, context in
            let from = try invocation.value("from").map { try Validate.date($0, field: "--from") }
            let to = try invocation.value("to").map { try Validate.date($0, field: "--to") }
            let listing = BookingService.Listing(from: from ?? LocalDate(year: 1970, month: 1, day: 1), to: to ?? LocalDate(year: 9998, month: 12, day: 31),
                                                 all: from == nil && to == nil)
            let status = invocation.value("status").flatMap(Booking.DepositStatus.init(rawValue:))
            var totals = DepositTotals()
            try context.withServices { services in
                try OutputWriter(context: context).stream(columns: columns, empty: "No booking in that period.") { emit in
                    try services.payments.list(listing, deposit: status) { booking, zone in
                        totals.add(booking)
                        try emit(Record(booking, zone: zone))
                    }
                }
            }
            if context.options.output == .table, !totals.isEmpty { totals.lines().forEach { context.stdout.line($0) } }
        }
    )

    static let show = Command(
        "show", abstract: "Show a booking's deposit (with --client-secret, only the secret the web front pays with)",
        arguments: [Argument("code", help: "The public code, AC-XXXXXX")],
        flags: [Flag("client-secret", help: "Print the PaymentIntent's client secret, read from Stripe, and nothing else")],
        run: { invocation, context in
            let code = invocation.argument("code")!
            if invocation.isSet("client-secret") {
                context.stdout.line(try context.withServices { try $0.payments.clientSecret(code: code) })
                return
            }
            let placed = try context.withServices { try $0.payments.show(code: code) }
            try OutputWriter(context: context).show(Record(placed.booking, zone: placed.zone), fields: fields)
        }
    )

    static let markPaid = Command(
        "mark-paid", abstract: "Record a deposit paid in person (cash, card terminal)",
        arguments: [Argument("code", help: "The public code, AC-XXXXXX")],
        run: { invocation, context in
            let placed = try context.withServices { try $0.payments.markPaid(code: invocation.argument("code")!) }
            try OutputWriter(context: context).show(Record(placed.booking, zone: placed.zone), fields: fields)
            for note in placed.notes { context.note("note: \(note)") }
        }
    )

    static let sync = Command(
        "sync", abstract: "Apply missed Stripe events, release unpaid holds, request missing deposits, retry refunds (for cron)",
        discussion: """
            Reads Stripe's event list from where the last run stopped (every page) and applies what the webhook \
            missed; cancels, with reason payment_timeout, the bookings whose online deposit is still unpaid after \
            the artisan's hold, and withdraws their payment at Stripe (a payment arriving later is refunded); \
            requests the deposits Stripe could not take at booking time; retries refunds that failed. One run per \
            artisan at a time. Exit 0 when all succeeded, 75 when something temporary failed (or another run is \
            going on), 77 when Stripe refused the secret key.
            Crontab, every 5 minutes:
              */5 * * * * artisanctl payments sync --quiet
            """,
        flags: [Flag("wait", help: "Wait for a running sync to finish instead of exiting 75")],
        examples: ["payments sync", "payments sync --json"],
        run: { invocation, context in
            let report = try context.withServices { try $0.payments.sync(locks: $0.store, wait: invocation.isSet("wait")) }
            struct SyncRecord: Encodable {
                let outcome: String, eventsRead: Int, eventsApplied: Int, requested: Int, released: Int, refunded: Int, messages: [String]
            }
            let record = SyncRecord(outcome: report.outcome.rawValue, eventsRead: report.eventsRead, eventsApplied: report.eventsApplied,
                                    requested: report.requested, released: report.released, refunded: report.refunded, messages: report.messages)
            if context.options.output == .table {
                if !context.options.quiet {
                    context.stdout.line("events read \(record.eventsRead), applied \(record.eventsApplied); requested \(record.requested), "
                                        + "released \(record.released), refunded \(record.refunded): \(record.outcome)")
                }
            } else {
                try OutputWriter(context: context).writeJSON(record)
            }
            if let failure = report.failure { throw failure }
        }
    )

    // MARK: - Output

    struct Record: Encodable {
        let code: String
        let status: String
        let date: String
        let service: String
        let customerName: String
        let deposit: String
        let depositCents: Int
        let depositStatus: String
        let provider: String?
        let method: String?
        let paymentIntentId: String?
        let checkoutSessionId: String?
        let payLink: String?
        let holdUntil: String?
        let refundStatus: String?
        let refundId: String?

        init(_ booking: Booking, zone: ZoneRules) {
            code = booking.publicCode
            status = booking.status.rawValue
            date = zone.localDate(at: booking.start).description
            service = booking.serviceName
            customerName = booking.customer.name
            deposit = booking.deposit.description
            depositCents = booking.deposit.cents
            depositStatus = booking.depositStatus.rawValue
            provider = booking.payment.provider?.rawValue
            method = booking.payment.method?.rawValue
            paymentIntentId = booking.payment.intentID
            checkoutSessionId = booking.payment.checkoutSessionID
            payLink = booking.depositStatus.isUnpaid ? booking.payment.checkoutURL : nil
            holdUntil = booking.payment.holdUntil.map { $0.iso8601(offsetSeconds: zone.offset(at: $0)) }
            refundStatus = booking.payment.refundStatus?.rawValue
            refundId = booking.payment.refundID
        }
    }

    static let columns: [Column<Record>] = [
        Column("code", "CODE") { $0.code },
        Column("date", "DATE") { $0.date },
        Column("customerName", "CUSTOMER") { $0.customerName },
        Column("deposit", "DEPOSIT") { "\($0.deposit) €" },
        Column("depositStatus", "STATUS") { $0.depositStatus },
        Column("provider", "PAID THROUGH") { $0.provider ?? "" },
        Column("paymentIntentId", "STRIPE ID") { $0.paymentIntentId ?? $0.checkoutSessionId ?? "" },
        Column("refundStatus", "REFUND") { $0.refundStatus ?? "" },
    ]

    static let fields: [Column<Record>] = [
        Column("code", "CODE") { $0.code },
        Column("status", "BOOKING") { $0.status },
        Column("customerName", "CUSTOMER") { $0.customerName },
        Column("deposit", "DEPOSIT") { "\($0.deposit) €" },
        Column("depositStatus", "STATUS") { $0.depositStatus },
        Column("provider", "PAID THROUGH") { [$0.provider, $0.method].compactMap { $0 }.joined(separator: ", ") },
        Column("paymentIntentId", "PAYMENT INTENT") { $0.paymentIntentId ?? "" },
        Column("checkoutSessionId", "CHECKOUT SESSION") { $0.checkoutSessionId ?? "" },
        Column("payLink", "PAY LINK") { $0.payLink ?? "" },
        Column("holdUntil", "HELD UNTIL") { $0.holdUntil ?? "" },
        Column("refundStatus", "REFUND") { [$0.refundStatus, $0.refundId].compactMap { $0 }.joined(separator: ", ") },
    ]
}

/// Counts and amounts per deposit status, for the accountant.
struct DepositTotals {
    private var byStatus: [Booking.DepositStatus: (count: Int, cents: Int)] = [:]

    var isEmpty: Bool { byStatus.isEmpty }

    mutating func add(_ booking: Booking) {
        let current = byStatus[booking.depositStatus] ?? (0, 0)
        byStatus[booking.depositStatus] = (current.count + 1, current.cents + booking.deposit.cents)
    }

    func lines() -> [String] {
        ["", "TOTAL"] + Booking.DepositStatus.allCases.compactMap { status in
            byStatus[status].map { "\(status.rawValue.padding(to: 10)) \(String($0.count).padding(to: 6)) \(Money(cents: $0.cents)) €" }
        }
    }
}
