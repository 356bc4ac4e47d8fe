import ArtisanCore
import ArtisanIntegrations
import Foundation
import TestSupport

/// Tests/Fixtures/fake_graph.py, one per test: Graph and the login endpoints at one base URL, with
/// its `/_control`, `/_state` and `/_log` endpoints (documented in the script).
final class GraphFake {
    let server: FakeServer
    var url: String { server.url }

    init() throws { server = try FakeServer.start("graph") }

    deinit { server.stop() }

    /// Sends `/_control` a JSON object.
    func control(_ command: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: command)
        let response = try CurlTransport().send(HTTPRequest(method: "POST", url: url + "/_control", headers: [("Content-Type", "application/json")],
                                                            body: [UInt8](body), timeout: 5))
        guard response.status == 200 else { throw GraphFakeError(message: "control answered \(response.status)") }
    }

    func state() throws -> [String: Any] {
        try object(try CurlTransport().send(HTTPRequest(url: url + "/_state", timeout: 5)).body) as? [String: Any] ?? [:]
    }

    /// The stored events by id.
    func events() throws -> [String: [String: Any]] {
        let list = try state()["events"] as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Every request the fake answered, oldest first.
    func log() throws -> [GraphLogEntry] {
        let entries = try object(try CurlTransport().send(HTTPRequest(url: url + "/_log", timeout: 5)).body) as? [[String: Any]] ?? []
        return entries.map(GraphLogEntry.init)
    }

    private func object(_ bytes: [UInt8]) throws -> Any { try JSONSerialization.jsonObject(with: Data(bytes)) }

    /// An event for `/_control`'s `events`.
    static func event(_ id: String, _ start: String, _ end: String, subject: String? = nil, allDay: Bool = false, cancelled: Bool = false,
                      showAs: String = "busy", calendar: String? = nil) -> [String: Any] {
        var event: [String: Any] = ["id": id, "start": start, "end": end, "isAllDay": allDay, "isCancelled": cancelled, "showAs": showAs,
                                    "subject": subject ?? "Event \(id)"]
        if let calendar { event["calendar"] = calendar }
        return event
    }
}

struct GraphFakeError: Error { let message: String }

struct GraphLogEntry {
    let method: String
    let path: String
    let query: String
    let prefer: [String]
    let authorization: String?
    let form: [String: String]
    let status: Int?

    init(_ entry: [String: Any]) {
        method = entry["method"] as? String ?? ""
        path = entry["path"] as? String ?? ""
        query = entry["query"] as? String ?? ""
        prefer = entry["prefer"] as? [String] ?? []
        authorization = entry["authorization"] as? String
        form = entry["form"] as? [String: String] ?? [:]
        status = entry["status"] as? Int
    }

    var isTokenRequest: Bool { path == "/common/oauth2/v2.0/token" }
}

/// Waits asked of a sleep closure, recorded instead of slept.
final class GraphSleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Double] = []
    func append(_ value: Double) { lock.lock(); log.append(value); lock.unlock() }
    var values: [Double] { lock.lock(); defer { lock.unlock() }; return log }
}

enum GraphTestClock {
    /// 2026-01-10T08:00:00Z: "now" for every Graph test.
    static let now = Timestamp(iso8601: "2026-01-10T08:00:00Z")!

    static func at(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    static func paris() throws -> ZoneRules {
        try ZoneRules.parse(name: "Europe/Paris", bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/Europe/Paris"))))
    }
}
