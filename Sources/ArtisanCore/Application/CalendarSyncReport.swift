/// What one connected calendar's sync did, and how it ended.
public struct CalendarSyncReport: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case ok
        /// Worth trying again later (exit 75): rate limits, server errors, timeouts, malformed
        /// answers, a store failure.
        case temporary
        /// Only reconnecting helps (exit 77): the grant revoked, the password refused, the
        /// calendar gone.
        case revoked
    }

    public let provider: CalendarProviderID
    public var imported = 0
    public var removed = 0
    public var exported = 0
    public var moved = 0
    public var deleted = 0
    public var milliseconds = 0
    public var outcome = Outcome.ok
    public var message: String?

    public init(provider: CalendarProviderID) { self.provider = provider }

    /// Records a failure; the first one decides the outcome, a revocation always wins.
    mutating func fail(_ error: any Error) {
        let kind: Outcome
        switch error {
        // A calendar or resource that is gone outside an event update: the connection points nowhere.
        case let error as CalendarError where error.kind == .revoked || error.kind == .notFound: kind = .revoked
        default: kind = .temporary
        }
        if outcome == .ok || kind == .revoked { outcome = kind }
        if message == nil || kind == .revoked { message = Self.describe(error) }
    }

    static func describe(_ error: any Error) -> String { ArtisanError.describe(error) }

    /// The command's failure for a set of reports: a revoked grant first (77), then a temporary
    /// failure (75); nil when every calendar synced.
    public static func failure(of reports: [CalendarSyncReport]) -> ArtisanError? {
        if let revoked = reports.first(where: { $0.outcome == .revoked }) {
            return ArtisanError(.permission, code: "CALENDAR_REAUTH_NEEDED",
                                "the \(revoked.provider.rawValue) calendar needs reconnecting: \(revoked.message ?? "credentials refused")",
                                hint: "reconnect it: artisanctl calendars connect \(revoked.provider.rawValue)")
        }
        if let failed = reports.first(where: { $0.outcome == .temporary }) {
            return ArtisanError(.temporary, code: "CALENDAR_SYNC_INCOMPLETE", "the \(failed.provider.rawValue) sync failed: \(failed.message ?? "unknown error")",
                                hint: "the blocks already imported are kept; the next run tries again")
        }
        return nil
    }
}
