import Foundation

/// One HTTP/1.1 request written byte for byte on a fresh loopback connection, and its answer
/// read to the end: tests send exactly what they mean (broken headers, wrong types, huge bodies)
/// with no client library smoothing it.
public struct HTTPExchange: Sendable {
    public struct Answer: Sendable, CustomStringConvertible {
        public let status: Int
        /// Header names in lowercase; a repeated header keeps its values joined by ", ".
        public let headers: [String: String]
        public let body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object (empty when it is not one).
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }

        /// `error.code` of a JSON error answer.
        public var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

        public var description: String { "\(status) \(text.prefix(500))" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int

    public init(port: Int) { self.port = port }

    public func get(_ target: String, headers: [(String, String)] = []) throws -> Answer {
        try send("GET", target, headers: headers)
    }

    /// A POST of `json` (a JSON-encodable value or a string sent as is) as application/json.
    public func post(_ target: String, json: Any, headers: [(String, String)] = []) throws -> Answer {
        let body: Data = try (json as? String).map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: json)
        return try send("POST", target, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    public func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: Data = Data()) throws -> Answer {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        return try exchange(Data((head + "\r\n").utf8) + body)
    }

    /// Writes `bytes` as they are and reads until the server closes the connection.
    public func exchange(_ bytes: Data) throws -> Answer {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port): errno \(errno)") }
        var sent = 0
        try bytes.withUnsafeBytes { buffer in
            while sent < buffer.count {
                let count = Glibc.send(socket, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                // The server may answer (413) and close before reading everything: read that answer.
                if count <= 0 { if errno == EPIPE || errno == ECONNRESET { break }; throw Failure(description: "send: errno \(errno)") }
                sent += count
            }
        }
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &chunk, chunk.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        return try Self.parse(received)
    }

    static func parse(_ data: Data) throws -> Answer {
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else {
            throw Failure(description: "no HTTP answer (\(data.count) bytes): \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line: \(head.first ?? "")") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        var body = Data(data[split.upperBound...])
        if let length = headers["content-length"].flatMap(Int.init), body.count > length { body = body.prefix(length) }
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return Answer(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: Data) throws -> Data {
        var body = Data()
        var rest = data[...]
        while let end = rest.range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<end.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw Failure(description: "bad chunk size \(sizeText)") }
            if size == 0 { break }
            let start = end.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            body.append(rest[start..<rest.index(start, offsetBy: size)])
            rest = rest[rest.index(start, offsetBy: size + 2)...]
        }
        return body
    }
}
