#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's calendar connections (one per provider), the busy blocks they import and the
/// records of the events they export.
public protocol CalendarRepository {
    func all() throws -> [CalendarConnectionRecord]
    /// Creates the provider's connection, or replaces it (its sync state starts afresh).
    func save(_ record: CalendarConnectionRecord) throws
    /// Forgets what was imported from and exported to the provider's calendar.
    func forgetBlocks(_ provider: CalendarProviderID) throws
    @discardableResult func delete(_ provider: CalendarProviderID) throws -> Bool
    func storeCredentials(_ connection: UUID, _ sealed: SealedCredentials) throws
    /// Where incremental sync resumes: the provider's token and the span its fetches cover.
    func storeSyncState(_ connection: UUID, _ state: SyncState) throws
    func recordOutcome(_ connection: UUID, state: CalendarConnectionRecord.State, error: String?, syncedAt: Timestamp?) throws

    func importedIDs(_ provider: CalendarProviderID) throws -> Set<String>
    /// Deletes the provider's imported blocks with these ids (all of them with nil); returns how many.
    @discardableResult func deleteImported(_ provider: CalendarProviderID, ids: [String]?) throws -> Int
    func insertImported(_ provider: CalendarProviderID, _ events: [ExternalEvent]) throws
    /// Deletes the provider's imported blocks that ended by `instant`; returns how many.
    @discardableResult func pruneImported(_ provider: CalendarProviderID, endedBy instant: Timestamp) throws -> Int

    /// Bookings to mirror: active ones not yet over that start before `until`, active ones whose
    /// event must be written again, and cancelled ones whose event still exists.
    func exportCandidates(_ provider: CalendarProviderID, now: Timestamp, until: Timestamp) throws -> [ExportCandidate]
    func exportedIDs(_ provider: CalendarProviderID) throws -> Set<String>
    /// Records the booking's event as written (no rewrite pending).
    func recordExport(_ provider: CalendarProviderID, booking: Booking, eventID: String) throws
    func deleteExport(_ provider: CalendarProviderID, booking: UUID) throws
}

/// A booking to mirror, with what was last exported of it.
public struct ExportCandidate: Sendable {
    public let booking: Booking
    public let eventID: String?
    public let exportedStart: Timestamp?
    public let exportedEnd: Timestamp?
    /// The event must be written again though the booking did not move (its customer was erased).
    public let rewriteRequested: Bool

    public init(booking: Booking, eventID: String?, exportedStart: Timestamp?, exportedEnd: Timestamp?, rewriteRequested: Bool = false) {
        self.booking = booking
        self.eventID = eventID
        self.exportedStart = exportedStart
        self.exportedEnd = exportedEnd
        self.rewriteRequested = rewriteRequested
    }
}

/// Where a connection's incremental sync resumes: the provider's token, valid for busy time from
/// `coveredFrom` (the last run's clock: blocks ended before it were dropped) to `coveredUntil`.
public struct SyncState: Sendable, Equatable {
    public var token: String?
    public var coveredFrom: Timestamp?
    public var coveredUntil: Timestamp?

    public init(token: String?, coveredFrom: Timestamp?, coveredUntil: Timestamp?) {
        self.token = token
        self.coveredFrom = coveredFrom
        self.coveredUntil = coveredUntil
    }

    /// No token: the next fetch is a full one.
    public static let none = SyncState(token: nil, coveredFrom: nil, coveredUntil: nil)
}

/// Credentials as stored: encrypted by the provider source, never in clear.
public struct SealedCredentials: Sendable, Equatable {
    public let accessToken: String
    public let refreshToken: String?
    public let expiresAt: Timestamp?

    public init(accessToken: String, refreshToken: String?, expiresAt: Timestamp?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
    }
}
