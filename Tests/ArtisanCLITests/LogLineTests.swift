import ArtisanCore
import Foundation
import Logging
import Testing
import TestSupport
@testable import ArtisanCLI

@Suite("log lines: one JSON object or one text line per record")
struct LogLineTests {
    /// Messages that break naive encoders: quotes, backslashes, line breaks, every C0 control, DEL, C1
    /// controls, the Unicode line separators, non-ASCII letters, an emoji, and an empty one.
    static let hostileTexts = [
        "plain", "quote \" and backslash \\ and slash /", "two\nlines\r\nand a tab\t", String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
        "del \u{7F} c1 \u{85}\u{9F} separators \u{2028}\u{2029}", "Zéphyrine Ærø ßtraße 東京 🧑‍🔧", "", "{\"nested\":\"json\"}",
    ]

    @Test("every line is read by Python's json module as an object with time, level, message and the fields, values intact")
    func jsonLinesReadByPython() throws {
        var lines: [String] = []
        for (index, text) in Self.hostileTexts.enumerated() {
            lines.append(LogLine.json(time: fixedInstant, level: .info, message: text, fields: ["field": .string(text), "index": "\(index)"]))
        }
        for line in lines { #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{2028}"), "\(line.debugDescription)") }
        let records = try LogOracle.records(lines.joined(separator: "\n") + "\n")
        #expect(records.count == Self.hostileTexts.count)
        for (record, text) in zip(records, Self.hostileTexts) {
            #expect(record["message"] as? String == text)
            #expect(record["field"] as? String == text)
            #expect(record["time"] as? String == "2026-11-24T20:00:00Z")
            #expect(record["level"] as? String == "info")
        }
    }

    @Test("time, level and message come first; fields follow in key order, numbers and booleans as JSON literals, nested values as JSON")
    func jsonShape() throws {
        let line = LogLine.json(time: fixedInstant, level: .warning, message: "request", fields: [
            "status": .stringConvertible(201), "durationMs": .stringConvertible(3), "cached": .stringConvertible(true),
            "ratio": .stringConvertible(0.5), "infinite": .stringConvertible(Double.infinity), "route": "/api/v1/bookings",
            "tags": .array(["a", .stringConvertible(2)]), "peer": .dictionary(["port": .stringConvertible(8080), "host": "127.0.0.1"]),
        ])
        #expect(line == #"{"time":"2026-11-24T20:00:00Z","level":"warn","message":"request","cached":true,"durationMs":3,"infinite":"inf","#
            + #""peer":{"host":"127.0.0.1","port":8080},"ratio":0.5,"route":"/api/v1/bookings","status":201,"tags":["a",2]}"#)
        let record = try #require(try LogOracle.records(line).first)
        #expect(record["status"] as? Int == 201 && record["cached"] as? Bool == true && record["infinite"] as? String == "inf")
    }

    @Test("a field named time, level or message does not replace the record's own")
    func reservedFieldNames() throws {
        let line = LogLine.json(time: fixedInstant, level: .error, message: "m", fields: ["time": "x", "level": "y", "message": "z"])
        let record = try #require(try LogOracle.records(line).first)
        #expect(record["time"] as? String == "2026-11-24T20:00:00Z" && record["level"] as? String == "error" && record["message"] as? String == "m")
        #expect(record["_time"] as? String == "x" && record["_level"] as? String == "y" && record["_message"] as? String == "z")
    }

    @Test("the JSON level names are the spec's (Winston's): warn for warning, the others as swift-log names them")
    func levelNames() {
        #expect(Logger.Level.allCases.map(LogLine.jsonName) == ["trace", "debug", "info", "notice", "warn", "error", "critical"])
    }

    @Test("text: artisanctl: level: message key=value, values with spaces, quotes or = quoted, control characters escaped")
    func textShape() {
        let line = LogLine.text(level: .warning, message: "two\nlines", fields: [
            "target": "DATABASE_URL postgresql://u:***@db/x", "status": .stringConvertible(200), "note": "a=b", "empty": "",
        ])
        #expect(line == #"artisanctl: warning: two\nlines empty="" note="a=b" status=200 target="DATABASE_URL postgresql://u:***@db/x""#)
    }

    @Test("the writer redacts message and fields (whole values under personal or secret keys, nested ones too) and adds the error")
    func writerRedacts() throws {
        struct Failure: Error, CustomStringConvertible { var description: String { "refused for marie@example.com" } }
        let sink = MemorySink()
        let writer = LogWriter(sink: sink, format: .json, redactor: Redactor(environment: ["STRIPE_SECRET_KEY": "sk_test_abcdef"]),
                               clock: .fixed(fixedInstant))
        writer.write(.debug, "paying with sk_test_abcdef for +33612345678", fields: [
            "customerName": "Zéphyrine Quatremaine", "status": .stringConvertible(402),
            "request": .dictionary(["to": "+33611223344", "path": "/v1/x/sk_test_abcdef"]), "emails": .array(["a.b@example.org"]),
        ], error: Failure())
        let record = try #require(try LogOracle.records(sink.text).first)
        #expect(record["message"] as? String == "paying with *** for ***")
        #expect(record["customerName"] as? String == "***")
        #expect(record["status"] as? Int == 402)
        #expect(record["request"] as? NSDictionary == ["to": "***", "path": "/v1/x/***"] as NSDictionary)
        #expect(record["emails"] as? [String] == ["***"])
        #expect(record["error"] as? String == "refused for ***")
        #expect(sink.text.hasSuffix("}\n") && sink.text.filter { $0 == "\n" }.count == 1)
    }
}
