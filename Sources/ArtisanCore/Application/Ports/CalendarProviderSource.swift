/// Builds the client of a stored connection (credentials opened, endpoints configured) and seals
/// the credentials a provider renewed, for storing.
public protocol CalendarProviderSource {
    func provider(for connection: CalendarConnectionRecord, zone: ZoneRules, now: Timestamp) throws -> any CalendarProvider
    func seal(_ credentials: CalendarCredentials) throws -> SealedCredentials
}
