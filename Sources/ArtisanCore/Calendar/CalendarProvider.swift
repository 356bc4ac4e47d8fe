/// The calendars an artisan can connect.
public enum CalendarProviderID: String, Sendable, CaseIterable {
    case google, outlook, apple
}

/// Busy time read from the artisan's own calendar.
public struct ExternalEvent: Sendable, Equatable {
    /// The provider's id of this occurrence (an expanded recurring event has one per instance).
    public let id: String
    public let summary: String?
    public let start: Timestamp
    public let end: Timestamp

    public init(id: String, summary: String?, start: Timestamp, end: Timestamp) {
        self.id = id
        self.summary = summary
        self.start = start
        self.end = end
    }
}

/// What one import fetch found. `full`: every busy event of the window (the stored blocks are
/// replaced by these). `incremental`: only the changes since the sync token.
public struct BusyFetch: Sendable {
    public enum Mode: Sendable, Equatable { case full, incremental }

    public let mode: Mode
    public let events: [ExternalEvent]
    /// Incremental only: ids cancelled, deleted or now free.
    public let removedIDs: [String]
    public let nextSyncToken: String?

    public init(mode: Mode, events: [ExternalEvent], removedIDs: [String] = [], nextSyncToken: String?) {
        self.mode = mode
        self.events = events
        self.removedIDs = removedIDs
        self.nextSyncToken = nextSyncToken
    }
}

/// A booking as an event in the artisan's calendar (spec 5.2: summary and description, the public code in both).
public struct BookingEvent: Sendable, Equatable {
    public let bookingID: String
    /// Deterministic, so a rerun after a crash finds the same event instead of adding one.
    public let uid: String
    public let summary: String
    public let description: String
    public let start: Timestamp
    public let end: Timestamp
    public let timezone: String

    public init(bookingID: String, uid: String, summary: String, description: String, start: Timestamp, end: Timestamp, timezone: String) {
        self.bookingID = bookingID
        self.uid = uid
        self.summary = summary
        self.description = description
        self.start = start
        self.end = end
        self.timezone = timezone
    }

    public static func forBooking(_ booking: Booking, artisanTimeZone: String) -> BookingEvent {
        let id = booking.id.lowercasedText
        var description = "Réservation \(booking.publicCode)\nClient : \(booking.customer.name)"
        if let email = booking.customer.email { description += " <\(email)>" }
        if let phone = booking.customer.phone { description += "\nTéléphone : \(phone)" }
        description += "\nAcompte : \(booking.deposit) € (\(booking.depositStatus.rawValue))"
        return BookingEvent(bookingID: id, uid: "booking-\(id)@artisanconnect", summary: "\(booking.serviceName) – \(booking.customer.name) (\(booking.publicCode))",
                            description: description, start: booking.start, end: booking.end, timezone: artisanTimeZone)
    }
}

/// How a provider call failed, which decides what sync does and its exit status.
public struct CalendarError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The grant was revoked or the password refused: the artisan must reconnect (exit 77).
        case revoked
        /// Rate limited, server error, timeout, malformed answer: try again later (exit 75).
        case temporary
        /// Gone: the event to change no longer exists (treated as done when deleting).
        case notFound
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// One connected calendar, as the sync sees it. Implementations: Google Calendar, Microsoft Graph, CalDAV.
public protocol CalendarProvider: AnyObject {
    var id: CalendarProviderID { get }

    /// Busy time in `window`: incremental from `syncToken` when the provider offers it, else (or when
    /// the token is refused) a full fetch. Every page is followed before returning; nothing partial.
    func fetchBusy(window: Interval, syncToken: String?) throws -> BusyFetch

    /// Creates the booking's event, or moves it when `existingID` is given; returns the event id.
    func putEvent(_ event: BookingEvent, existingID: String?) throws -> String

    /// Deletes an event; one already gone is not an error.
    func deleteEvent(id: String) throws

    /// Credentials renewed during this run (a refreshed access token), to be stored encrypted.
    var renewedCredentials: CalendarCredentials? { get }
}

/// What a connection needs to talk to its provider (stored encrypted).
public struct CalendarCredentials: Sendable, Equatable {
    public var accessToken: String
    public var refreshToken: String?
    public var expiresAt: Timestamp?

    public init(accessToken: String, refreshToken: String?, expiresAt: Timestamp?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
    }
}
