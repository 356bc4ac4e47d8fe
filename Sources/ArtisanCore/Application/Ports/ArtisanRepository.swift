#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Artisans and their scheduling settings.
public protocol ArtisanRepository {
    func all() throws -> [Artisan]
    func find(email: String) throws -> Artisan?
    func insert(_ artisan: Artisan) throws
    func update(_ artisan: Artisan) throws
    /// The artisan whose calendar feed answers to this secret token.
    func find(feedToken: String) throws -> Artisan?
    /// Makes `token` the only one the artisan's calendar feed answers to (stored as a digest only).
    func setFeedToken(_ token: String, for artisan: UUID) throws
}
