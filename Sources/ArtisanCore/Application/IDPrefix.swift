#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records named by id as tables show them: the whole id or a unique prefix of at least 4 characters.
enum IDPrefix {
    static func resolve<T>(_ reference: String, among items: [T], id: (T) -> UUID, what: String) throws -> T {
        let lowered = reference.lowercased()
        let matches = items.filter { lowered.count >= 4 && id($0).lowercasedText.hasPrefix(lowered) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw ArtisanError.notFound("no \(what) with the id \(reference)", hint: "list them to see their ids")
        default: throw ArtisanError.usage("the id \(reference) matches \(matches.count) \(what)s: give more characters")
        }
    }
}
