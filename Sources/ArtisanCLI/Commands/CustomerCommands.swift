import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `customers export | forget`: a customer's right of access and right to be forgotten (spec 6.5).
enum CustomerCommands {
    static let command = Command(
        "customers", abstract: "A customer's data: export everything held about them, or erase it (GDPR)",
        discussion: """
            A customer is known by the e-mail of their bookings with the artisan (compared whatever its case). \
            'customers export' prints every datum held about them as one JSON document: their bookings with \
            their payment references, the bookings' audit trail, the messages sent or waiting for them \
            (recipients and the variables the templates render), the Stripe events applied to their deposits, \
            the API's Idempotency-Keys of their requests, and the calendar blocks of their bookings or naming them. \
            'artisanctl serve' answers the same document at /api/v1/customers/data?email=EMAIL&code=CODE to whoever \
            holds one of the customer's booking codes.
            'customers forget' erases them, in one transaction: each booking's customer becomes 'Anonymisé' \
            without e-mail or phone (amounts, dates, statuses and payment references stay, for the accounts), \
            and the name, e-mail and phone go from the audit trail, the messages (waiting ones are cancelled), \
            the Idempotency-Keys and the imported calendar blocks; the events exported to the artisan's \
            calendars are written again, without them, by the next 'sync calendars'. It refuses while the \
            customer has a booking that is not over, unless --cancel, which first cancels those as \
            'bookings cancel --force' would (refunds included). Afterwards nothing finds the customer by \
            e-mail, name or phone, and a second 'forget' exits 66.
            """,
        subcommands: [export, forget]
    )

    static let emailArgument = Argument("email", help: "The e-mail the customer booked with")

    static let export = Command(
        "export", abstract: "Print everything held about a customer as one JSON document",
        arguments: [emailArgument],
        examples: ["customers export marie@example.com > marie.json"],
        run: { invocation, context in
            let email = try Validate.email(invocation.argument("email")!, field: "EMAIL")
            let document = try context.withServices { try $0.customers.export(email: email) }
            try OutputWriter(context: context).writeJSON(document)
        }
    )

    static let forget = Command(
        "forget", abstract: "Erase a customer's name, e-mail and phone everywhere (asks first; --yes without a terminal)",
        arguments: [emailArgument],
        flags: [Flag("cancel", help: "Cancel the customer's bookings that are not over first (refunds as 'bookings cancel')")],
        examples: ["customers forget marie@example.com", "customers forget marie@example.com --cancel --yes --json"],
        run: { invocation, context in
            let email = try Validate.email(invocation.argument("email")!, field: "EMAIL")
            let report = try context.withServices { services in
                try services.customers.forget(email: email, cancelUpcoming: invocation.isSet("cancel")) { plan in
                    try context.confirm(question(plan))
                }
            }
            try OutputWriter(context: context).show(report, fields: fields)
            for note in report.notes { context.note("note: \(note)") }
        }
    )

    static func question(_ plan: CustomerData.ErasurePlan) -> String {
        let count = plan.bookings.count
        var question = "erase the customer's \(count) booking\(count == 1 ? "" : "s") and everything about them"
        if !plan.upcoming.isEmpty { question += ", cancelling \(plan.upcoming.map(\.publicCode).joined(separator: ", ")) first" }
        return question
    }

    static let fields: [Column<ErasureReport>] = [
        Column("cancelled", "CANCELLED FIRST") { $0.cancelled.isEmpty ? "none" : $0.cancelled.joined(separator: ", ") },
        Column("bookings", "BOOKINGS") { "\($0.bookings) anonymised" },
        Column("bookingEvents", "BOOKING EVENTS") { "\($0.bookingEvents) cleaned" },
        Column("notifications", "NOTIFICATIONS") { "\($0.notifications) cleaned, \($0.notificationsCancelled) waiting ones cancelled" },
        Column("idempotencyKeys", "IDEMPOTENCY KEYS") { "\($0.idempotencyKeys) cleaned, \($0.idempotencyKeysDeleted) deleted" },
        Column("calendarEvents", "CALENDAR EVENTS") { "\($0.calendarEvents) to rewrite at the next 'sync calendars'" },
        Column("calendarBlocks", "CALENDAR BLOCKS") { "\($0.calendarBlocks) cleaned" },
    ]
}
