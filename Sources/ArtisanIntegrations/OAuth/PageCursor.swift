import ArtisanCore

/// Follows a listing's pages (page tokens or next links) and refuses a server that loops: a
/// repeated cursor or more than `limit` pages abandons the listing, so nothing partial is used.
struct PageCursor {
    let service: RemoteService
    let what: String
    var limit = 10_000
    private var seen: Set<String> = []

    init(service: RemoteService, what: String) {
        self.service = service
        self.what = what
    }

    /// Records the next page's cursor; throws when it was seen before or there are too many.
    mutating func advance(to next: String) throws {
        guard seen.insert(next).inserted else {
            throw CalendarError(.temporary, "\(service.name) repeated a page of \(what): the listing was abandoned")
        }
        guard seen.count < limit else {
            throw CalendarError(.temporary, "\(service.name): more than \(limit) pages of \(what)")
        }
    }
}
