import ArtisanCore
import ArtisanIntegrations
import Foundation
import TestSupport

/// Tests/Fixtures/fake_stripe.py (its contract: the script's docstring), one per test, driven
/// through its `/_control` endpoint.
final class StripeFake: @unchecked Sendable {
    static let secretKey = "sk_test_artisan"

    let server: FakeServer
    var url: String { server.url }

    init() throws { server = try FakeServer.start("stripe") }

    func stop() { server.stop() }

    /// POST /_control with `command` as JSON; the ids of the events the call made.
    @discardableResult
    func control(_ command: [String: Any]) throws -> [String] {
        let body = try JSONSerialization.data(withJSONObject: command)
        let response = try CurlTransport().send(HTTPRequest(method: "POST", url: url + "/_control", headers: [("Content-Type", "application/json")],
                                                            body: Array(body), timeout: 5))
        guard response.status == 200, let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw FakeControlError(message: "control answered \(response.status): \(response.text)")
        }
        return answer["events"] as? [String] ?? []
    }

    /// GET /_control.
    func snapshot() throws -> [String: Any] {
        let response = try CurlTransport().send(HTTPRequest(url: url + "/_control", timeout: 5))
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw FakeControlError(message: "control state is not an object")
        }
        return object
    }

    /// The stored PaymentIntents by id.
    func intents() throws -> [String: [String: Any]] { try snapshot()["intents"] as? [String: [String: Any]] ?? [:] }

    func sessions() throws -> [String: [String: Any]] { try snapshot()["sessions"] as? [String: [String: Any]] ?? [:] }

    func refunds() throws -> [[String: Any]] { try snapshot()["refunds"] as? [[String: Any]] ?? [] }

    /// The requests the fake received (control calls excluded), optionally those whose path contains `path`.
    func requests(path: String? = nil) throws -> [StripeFakeRequest] {
        let log = try snapshot()["requests"] as? [[String: Any]] ?? []
        return log.map(StripeFakeRequest.init).filter { request in path.map { request.path.contains($0) } ?? true }
    }
}

/// One logged request, its form parsed by the fake into nested objects the way Stripe reads it.
struct StripeFakeRequest {
    let method: String
    let path: String
    let idempotencyKey: String?
    let authorization: String?
    private let query: [String: Any]
    private let form: [String: Any]

    init(_ object: [String: Any]) {
        method = object["method"] as? String ?? ""
        path = object["path"] as? String ?? ""
        idempotencyKey = object["idempotencyKey"] as? String
        authorization = object["authorization"] as? String
        query = object["query"] as? [String: Any] ?? [:]
        form = object["form"] as? [String: Any] ?? [:]
    }

    /// The form value at a nested path: `field("line_items", "0", "price_data", "currency")`.
    func field(_ path: String...) -> String? { Self.leaf(Self.walk(form, path)) }

    /// A query parameter, by its bracketed name (`created[gte]`) whether the fake keeps it flat or nested.
    func parameter(_ name: String) -> String? {
        if let flat = Self.leaf(query[name]) { return flat }
        let path = name.split(whereSeparator: { $0 == "[" || $0 == "]" }).map(String.init)
        return Self.leaf(Self.walk(query, path))
    }

    /// The top-level form keys.
    var formKeys: Set<String> { Set(form.keys) }

    private static func walk(_ root: Any, _ path: [String]) -> Any? {
        path.reduce(Optional(root)) { node, key in
            switch node {
            case let object as [String: Any]: object[key]
            case let list as [Any]: Int(key).flatMap { list.indices.contains($0) ? list[$0] : nil }
            default: nil
            }
        }
    }

    private static func leaf(_ node: Any?) -> String? {
        switch node {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        case let list as [Any] where list.count == 1: leaf(list[0])
        default: nil
        }
    }
}

/// Records the retry policy's waits instead of sleeping.
final class StripeWaitRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Double] = []
    func append(_ value: Double) { lock.lock(); log.append(value); lock.unlock() }
    var values: [Double] { lock.lock(); defer { lock.unlock() }; return log }
}

enum StripeTestData {
    /// The fake's pinned clock: Tuesday 2026-03-10 08:00 UTC.
    static let now = Timestamp(iso8601: "2026-03-10T08:00:00Z")!
    static let bookingID = UUID(uuidString: "0B9D1C8E-3F2A-4C55-9E0D-7A1B2C3D4E5F")!

    /// Every character a form must escape: spaces, `&`, `=`, `+`, `%`, brackets, an en dash, accents.
    static let description = "Pose de carrelage – Salle d'eau & WC [AC-7K2Q] 1+1=2 100% réglé"

    static func charge(amount: Int = 4500, key: String = "deposit-0b9d1c8e", bookingID: UUID = bookingID,
                       successURL: String? = "https://app.example.com/bookings/AC-7K2Q?paid=1&lang=fr") -> DepositCharge {
        DepositCharge(bookingID: bookingID, publicCode: "AC-7K2Q", amountCents: amount, description: description, idempotencyKey: key,
                      successURL: successURL)
    }

    static func client(_ fake: StripeFake, key: String = StripeFake.secretKey, waits: StripeWaitRecorder = StripeWaitRecorder(),
                       requestTimeout: Int = 5) -> StripeClient {
        StripeClient(transport: RetryingTransport(CurlTransport(), attempts: 3, initialDelay: 0.01, sleep: { waits.append($0) }),
                     secretKey: key, apiBase: fake.url, requestTimeout: requestTimeout)
    }

    /// The unix seconds the fake's clock is pinned to, moved by `seconds`.
    static func unix(_ seconds: Int64 = 0) -> Int64 { now.secondsSinceEpoch + seconds }
}

/// Runs Tests/Fixtures/stripe_signature.py (the official `stripe` package) in the test venv.
enum StripeOracle {
    struct Outcome {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String], stdin: [UInt8]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FakeServer.venvPython)
        process.arguments = [FakeServer.fixtures.appendingPathComponent("stripe_signature.py").path] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(stdin))
        try input.fileHandleForWriting.close()
        let text = String(decoding: try output.fileHandleForReading.readToEnd() ?? Data(), as: UTF8.self)
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
