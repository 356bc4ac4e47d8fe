#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A connected calendar as stored: credentials only in their encrypted form.
public struct CalendarConnectionRecord: Sendable, Equatable {
    public enum State: String, Sendable { case active, needsReauth = "needs_reauth", error }

    public var id: UUID
    public var provider: CalendarProviderID
    public var account: String?
    public var calendarID: String?
    public var calendarName: String?
    public var serverURL: String?
    public var accessTokenEncrypted: String
    public var refreshTokenEncrypted: String?
    public var tokenExpiresAt: Timestamp?
    public var lastSyncAt: Timestamp?
    public var syncToken: String?
    /// The span the fetches behind `syncToken` cover: outside it, only a full fetch sees the events.
    public var syncCoveredFrom: Timestamp?
    public var syncCoveredUntil: Timestamp?
    public var state: State
    public var lastError: String?

    public init(id: UUID = .random(), provider: CalendarProviderID, account: String?, calendarID: String?, calendarName: String?, serverURL: String?,
                accessTokenEncrypted: String, refreshTokenEncrypted: String?, tokenExpiresAt: Timestamp?, lastSyncAt: Timestamp? = nil,
                syncToken: String? = nil, syncCoveredFrom: Timestamp? = nil, syncCoveredUntil: Timestamp? = nil, state: State = .active,
                lastError: String? = nil) {
        self.id = id
        self.provider = provider
        self.account = account
        self.calendarID = calendarID
        self.calendarName = calendarName
        self.serverURL = serverURL
        self.accessTokenEncrypted = accessTokenEncrypted
        self.refreshTokenEncrypted = refreshTokenEncrypted
        self.tokenExpiresAt = tokenExpiresAt
        self.lastSyncAt = lastSyncAt
        self.syncToken = syncToken
        self.syncCoveredFrom = syncCoveredFrom
        self.syncCoveredUntil = syncCoveredUntil
        self.state = state
        self.lastError = lastError
    }
}
