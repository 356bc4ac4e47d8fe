import ArtisanCore
import Hummingbird

/// `GET /calendar.ics?token=…`: the artisan's iCalendar feed for calendar apps that subscribe to
/// a URL. A wrong or missing token is simply not found.
struct FeedRoutes {
    let environment: ServerEnvironment

    func feed(_ request: Request) async throws -> Response {
        let token = request.uri.queryParameters["token"].map(String.init) ?? ""
        let document = try await environment.run { services, _ in try CalendarFeed(services).feed(token: token).document }
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.cacheControl] = "private, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: document)))
    }
}
