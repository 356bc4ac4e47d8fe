import ArtisanCore
import ArtisanIntegrations
import Foundation
import TestSupport

/// Tests/Fixtures/fake_google.py, driven through its `/_control` endpoint (see the script's docstring).
final class GoogleFake: @unchecked Sendable {
    static let clientID = "fake-client-id.apps.googleusercontent.com"
    static let clientSecret = "fake-client-secret"
    static let accessToken = "fake-access-0"
    static let refreshToken = "fake-refresh-0"
    static let primaryID = "artisan@example.com"

    let server: FakeServer
    var url: String { server.url }

    init() throws { server = try FakeServer.start("google") }

    func stop() { server.stop() }

    /// POST /_control with `command` as JSON.
    func control(_ command: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: command)
        let response = try CurlTransport().send(HTTPRequest(method: "POST", url: url + "/_control", headers: [("Content-Type", "application/json")],
                                                            body: Array(body), timeout: 5))
        guard response.status == 200 else { throw FakeControlError(message: "control answered \(response.status): \(response.text)") }
    }

    /// GET /_control.
    func snapshot() throws -> [String: Any] {
        let response = try CurlTransport().send(HTTPRequest(url: url + "/_control", timeout: 5))
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw FakeControlError(message: "control state is not an object")
        }
        return object
    }

    /// The stored events of a calendar (the primary one by default), by id.
    func events(calendar: String = GoogleFake.primaryID) throws -> [String: [String: Any]] {
        let all = try snapshot()["events"] as? [String: [[String: Any]]] ?? [:]
        var byID: [String: [String: Any]] = [:]
        for event in all[calendar] ?? [] { byID[event["id"] as? String ?? ""] = event }
        return byID
    }

    /// The requests the fake received (control calls excluded), optionally those whose path contains `path`.
    func requests(path: String? = nil) throws -> [FakeRequest] {
        let log = try snapshot()["requests"] as? [[String: Any]] ?? []
        return log.map(FakeRequest.init).filter { path == nil || $0.path.contains(path!) }
    }
}

struct FakeControlError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

struct FakeRequest {
    let method: String
    let path: String
    let query: [String: [String]]
    let authorization: String?
    let body: String

    init(_ object: [String: Any]) {
        method = object["method"] as? String ?? ""
        path = object["path"] as? String ?? ""
        query = object["query"] as? [String: [String]] ?? [:]
        authorization = object["authorization"] as? String
        body = object["body"] as? String ?? ""
    }

    func parameter(_ name: String) -> String? { query[name]?.first }
}

/// Records the retry policy's waits instead of sleeping.
final class GoogleWaitRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Double] = []
    func append(_ value: Double) { lock.lock(); log.append(value); lock.unlock() }
    var values: [Double] { lock.lock(); defer { lock.unlock() }; return log }
}

enum GoogleTestData {
    /// The run's "now": Tuesday 2026-03-10 09:00 in Paris.
    static let now = Timestamp(iso8601: "2026-03-10T08:00:00Z")!
    /// March and April 2026 (Paris changes to summer time on 2026-03-29).
    static let window = Interval(start: Timestamp(iso8601: "2026-03-01T00:00:00+01:00")!, end: Timestamp(iso8601: "2026-05-01T00:00:00+02:00")!)

    static let paris: ZoneRules = {
        // The test host's tz database; a missing file fails every test that needs it, loudly.
        let bytes = (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/Europe/Paris")))) ?? []
        return (try? ZoneRules.parse(name: "Europe/Paris", bytes: bytes)) ?? ZoneRules(name: "broken", transitions: [], offsets: [], initialOffset: 0, footer: nil)
    }()

    static var validCredentials: CalendarCredentials {
        CalendarCredentials(accessToken: GoogleFake.accessToken, refreshToken: GoogleFake.refreshToken, expiresAt: now.adding(seconds: 3000))
    }

    static func transport(_ waits: GoogleWaitRecorder) -> any HTTPTransport {
        RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { waits.append($0) })
    }

    static func provider(_ fake: GoogleFake, waits: GoogleWaitRecorder = GoogleWaitRecorder(), credentials: CalendarCredentials = validCredentials,
                         calendarID: String = "primary", pageSize: Int = 250, requestTimeout: Int = 5) -> GoogleCalendarProvider {
        GoogleCalendarProvider(transport: transport(waits), credentials: credentials, clientID: GoogleFake.clientID, clientSecret: GoogleFake.clientSecret,
                               calendarID: calendarID, apiBase: fake.url, oauthBase: fake.url, zone: paris, now: now,
                               requestTimeout: requestTimeout, pageSize: pageSize)
    }

    /// A timed event as Google's JSON.
    static func timed(_ id: String, _ start: String, _ end: String, summary: String? = nil, extra: [String: Any] = [:]) -> [String: Any] {
        var event: [String: Any] = ["id": id, "start": ["dateTime": start, "timeZone": "Europe/Paris"], "end": ["dateTime": end, "timeZone": "Europe/Paris"]]
        if let summary { event["summary"] = summary }
        return event.merging(extra) { _, new in new }
    }

    static func allDay(_ id: String, _ start: String, _ end: String) -> [String: Any] {
        ["id": id, "summary": "Congés", "start": ["date": start], "end": ["date": end]]
    }

    static func instant(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }
}
