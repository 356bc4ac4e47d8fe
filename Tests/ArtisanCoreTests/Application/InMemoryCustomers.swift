import ArtisanCore
import Foundation

extension InMemoryStore {
    /// A customer's bookings and messages (the rows the in-memory store keeps), and their erasure.
    struct Customers: CustomerDataRepository {
        let store: InMemoryStore
        let artisan: UUID

        func bookings(email: String, forUpdate: Bool) throws -> [CustomerRows.Booking] {
            store.state.bookings[artisan, default: []].filter { $0.customer.email?.lowercased() == email.lowercased() }
                .sorted { $0.start < $1.start }
                .map { CustomerRows.Booking(booking: $0, createdAt: $0.payment.requestedAt ?? $0.start, updatedAt: $0.start, anonymisedAt: nil) }
        }

        func rows(linkedTo bookings: [UUID]) throws -> CustomerRows {
            var rows = CustomerRows()
            rows.notifications = store.state.outbox.filter { $0.bookingID.map(bookings.contains) ?? false }
                .map { CustomerRows.Notification(message: $0, sentAt: nil) }
            return rows
        }

        func rows(mentioning terms: [String], notLinkedTo bookings: [UUID]) throws -> CustomerRows { CustomerRows() }

        func anonymise(booking: UUID, at: Timestamp) throws {
            if store.failingErasure { throw ArtisanError(.temporary, code: "LOCKED", "the row is locked") }
            store.state.bookings[artisan] = store.state.bookings[artisan, default: []].map { row in
                guard row.id == booking else { return row }
                var erased = row
                erased.customer = .anonymised
                erased.notifyByEmail = false
                erased.notifyBySMS = false
                return erased
            }
        }

        func saveDetails(ofEvent id: UUID, _ details: [String: String]) throws {}

        func saveErased(_ notification: OutboxMessage) throws {
            store.state.outbox = store.state.outbox.map { $0.id == notification.id ? notification : $0 }
        }

        func saveErased(_ key: CustomerRows.IdempotencyKey) throws {}
        func saveSummary(ofBlock id: UUID, _ summary: String?) throws {}
        func requestRewrite(ofEventsOf bookings: [UUID]) throws -> Int { 0 }
    }
}
