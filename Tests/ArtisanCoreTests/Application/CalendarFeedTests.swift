import ArtisanCore
import Testing

@Suite("CalendarFeed: a secret token opens one artisan's feed")
struct CalendarFeedTests {
    let fixture = ServiceFixture()

    @Test("a rotated token opens the artisan's feed; the previous one, a malformed one and a stranger's do not")
    func tokens() throws {
        let feeds = CalendarFeed(fixture.context())
        let first = try feeds.rotateToken().token
        #expect(FeedToken.isWellFormed(first) && first.count == 43)
        #expect(try feeds.feed(token: first).artisan.id == fixture.artisan.id)
        let second = try feeds.rotateToken().token
        #expect(second != first)
        for wrong in [first, "", String(second.dropLast()), String(second.dropLast()) + "!", FeedToken.generate()] {
            #expect(throws: ArtisanError.self) { try feeds.feed(token: wrong) }
        }
        #expect(try feeds.feed(token: second).document.contains("BEGIN:VCALENDAR"))
    }
}
