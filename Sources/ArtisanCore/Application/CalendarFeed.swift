/// The artisan's bookings as one iCalendar document (`calendars feed`, and `GET /calendar.ics`
/// for calendar apps that subscribe to a URL, behind a secret token).
public struct CalendarFeed {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// What the feed shows: the active bookings from `from` (default today) to `to` (default:
    /// the booking horizon), local days of the artisan's zone.
    public struct Feed: Sendable {
        public let artisan: Artisan
        public let zone: ZoneRules
        public let bookings: [Booking]
        public let stamp: Timestamp

        /// The RFC 5545 document; DTSTAMP is when the feed was read.
        public var document: String {
            let events = bookings.map { BookingEvent.forBooking($0, artisanTimeZone: artisan.timezone) }
            return ICalendar.calendar(events, zone: zone, stamp: stamp, name: artisan.displayName)
        }
    }

    /// The feed of the artisan acted for.
    public func feed(from: LocalDate?, to: LocalDate?) throws -> Feed {
        try context.store.read { repositories in
            try feed(of: try context.artisan(in: repositories), from: from, to: to, in: repositories)
        }
    }

    /// The feed of the artisan whose token this is; the same "not found" for any wrong token.
    public func feed(token: String) throws -> Feed {
        try context.store.read { repositories in
            guard FeedToken.isWellFormed(token), let artisan = try repositories.artisans.find(feedToken: token) else {
                throw ArtisanError.notFound(code: "CALENDAR_NOT_FOUND", "no calendar feed answers to this token")
            }
            return try feed(of: artisan, from: nil, to: nil, in: repositories)
        }
    }

    /// Draws a new secret token for the artisan's feed URL; the previous one stops working.
    public func rotateToken() throws -> (artisan: Artisan, token: String) {
        try context.store.transaction { repositories in
            let artisan = try context.artisan(in: repositories)
            let token = FeedToken.generate()
            try repositories.artisans.setFeedToken(token, for: artisan.id)
            return (artisan, token)
        }
    }

    private func feed(of artisan: Artisan, from: LocalDate?, to: LocalDate?, in repositories: any Repositories) throws -> Feed {
        let zone = try context.zones.rules(for: artisan.timezone)
        let now = context.clock.now()
        let today = zone.localDate(at: now)
        let first = from ?? today
        let last = to ?? today.adding(days: artisan.settings.horizonDays)
        guard last >= first else { throw ArtisanError.invalid(field: "--to", "must be on or after --from (\(first))") }
        var bookings: [Booking] = []
        let filter = BookingFilter(from: zone.firstInstant(on: first, minuteOfDay: 0), to: zone.firstInstant(on: last.adding(days: 1), minuteOfDay: 0))
        try repositories.bookings(of: artisan.id).stream(filter) { if $0.status.isActive { bookings.append($0) } }
        return Feed(artisan: artisan, zone: zone, bookings: bookings, stamp: now)
    }
}

/// A calendar feed's secret: 43 random base64url characters (258 bits).
public enum FeedToken {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<43).map { _ in alphabet[Int(generator.next(upperBound: UInt8(64)))] })
    }

    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.allSatisfy { alphabet.contains($0) }
    }
}
