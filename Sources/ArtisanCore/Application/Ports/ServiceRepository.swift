#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's services.
public protocol ServiceRepository {
    func list(includeArchived: Bool) throws -> [Service]
    /// By id, by a unique id prefix (at least 4 characters), or by name (case-insensitive; an
    /// active service wins over archived ones of the same name).
    func find(_ reference: String) throws -> Service?
    /// The active service of that name (case-insensitive) other than `id`, if any.
    func activeService(named name: String, excluding id: UUID?) throws -> Service?
    func insert(_ service: Service) throws
    func update(_ service: Service) throws
    func delete(_ id: UUID) throws
    /// How many bookings (of any status) refer to the service.
    func bookingCount(_ id: UUID) throws -> Int
}
