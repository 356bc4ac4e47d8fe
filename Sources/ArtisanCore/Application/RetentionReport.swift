/// What one `data purge` did (or, in a dry run, would do), category by category.
public struct RetentionReport: Sendable {
    public struct Entry: Sendable {
        public let category: RetentionCategory
        /// Rows before this instant were removed.
        public let cutoff: Timestamp
        /// How many rows of the category were removed; nil when it failed (then none were).
        public let removed: Int?
        /// What went with the bookings (the bookings category only).
        public let alongside: PurgedBookings?
        public let failure: (any Error)?

        init(_ category: RetentionCategory, cutoff: Timestamp, removed: Int?, alongside: PurgedBookings? = nil, failure: (any Error)? = nil) {
            self.category = category
            self.cutoff = cutoff
            self.removed = removed
            self.alongside = alongside
            self.failure = failure
        }
    }

    /// The clock's reading every cut-off counts from.
    public let now: Timestamp
    public let period: RetentionPeriod
    /// Counted in transactions that were rolled back: nothing was removed.
    public let dryRun: Bool
    public internal(set) var entries: [Entry] = []

    public var failures: [Entry] { entries.filter { $0.failure != nil } }
}
