/// Artisans and their scheduling settings.
public protocol ArtisanRepository {
    func all() throws -> [Artisan]
    func find(email: String) throws -> Artisan?
    func insert(_ artisan: Artisan) throws
    func update(_ artisan: Artisan) throws
}
