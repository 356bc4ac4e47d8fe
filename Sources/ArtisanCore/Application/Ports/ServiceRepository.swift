/// An artisan's services.
public protocol ServiceRepository {
    func list(includeArchived: Bool) throws -> [Service]
    /// By id, by a unique id prefix (at least 4 characters), or by name (case-insensitive; an
    /// active service wins over archived ones of the same name).
    func find(_ reference: String) throws -> Service?
    func insert(_ service: Service) throws
    func update(_ service: Service) throws
}
