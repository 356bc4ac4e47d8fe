import ArtisanCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The application layer's store over one PostgreSQL connection: units of work as transactions
/// (or single reads), and advisory locks held across them. Each transaction carries the
/// application's clock (`artisan.now`), so the rows' created_at and updated_at follow it.
public final class PostgresStore: TransactionRunner, ExclusiveLocks {
    public let connection: PostgresConnection
    let clock: Clock

    public init(connection: PostgresConnection, clock: Clock) {
        self.connection = connection
        self.clock = clock
    }

    public func transaction<T>(rollingBack: Bool, _ body: (any Repositories) throws -> T) throws -> T {
        let repositories = PostgresRepositories(connection: connection)
        return try connection.withTransaction(settings: [("artisan.now", clock.now().iso8601())], commit: !rollingBack) { try body(repositories) }
    }

    public func read<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try body(PostgresRepositories(connection: connection))
    }

    /// A session-level advisory lock keyed by a 64-bit hash of the scope and the id, so two ids
    /// (two artisans) practically never share one.
    public func withLock<T>(_ scope: String, id: UUID, wait: Bool, _ body: () throws -> T) throws -> T? {
        let key = Self.lockKey(scope, id)
        if wait {
            try connection.execute("SELECT pg_advisory_lock(\(key))")
        } else {
            let locked: Bool = try connection.query("SELECT pg_try_advisory_lock(\(key)) AS locked")[0].decode("locked")
            guard locked else { return nil }
        }
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(key))") }
        return try body()
    }

    /// FNV-1a (64 bits) of `scope:id`: stable across processes and releases.
    public static func lockKey(_ scope: String, _ id: UUID) -> Int64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in (scope + ":" + id.lowercasedText).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }
}

/// The repositories of one unit of work, all on the store's connection.
struct PostgresRepositories: Repositories {
    let connection: PostgresConnection

    var artisans: any ArtisanRepository { PostgresArtisanRepository(connection: connection) }
    var payments: any PaymentRepository { PostgresPaymentRepository(connection: connection) }
    var notifications: any NotificationRepository { PostgresNotificationRepository(connection: connection) }
    var idempotency: any IdempotencyRepository { PostgresIdempotencyRepository(connection: connection) }
    var retention: any RetentionRepository { PostgresRetentionRepository(connection: connection) }
    func services(of artisan: UUID) -> any ServiceRepository { PostgresServiceRepository(connection: connection, artisan: artisan) }
    func week(of artisan: UUID) -> any WeekRepository { PostgresWeekRepository(connection: connection, artisan: artisan) }
    func bookings(of artisan: UUID) -> any BookingRepository { PostgresBookingRepository(connection: connection, artisan: artisan) }
    func calendars(of artisan: UUID) -> any CalendarRepository { PostgresCalendarRepository(connection: connection, artisan: artisan) }
    func customers(of artisan: UUID) -> any CustomerDataRepository { PostgresCustomerDataRepository(connection: connection, artisan: artisan) }
}

extension ZoneRulesLoader: ZoneRulesSource {}
