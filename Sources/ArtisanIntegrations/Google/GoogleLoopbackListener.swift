import ArtisanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The loopback end of Google's installed-app flow: a socket on 127.0.0.1 (port 0: any free one)
/// that waits for the browser's redirect, `GET /?state=…&code=…` (or `?error=…`), answers it with a
/// small page, and hands back the code. Other requests (a favicon, a probe) get a 404 and the wait
/// goes on. The socket closes when the listener is released.
///
/// Its state never changes after `init`, so it may be handed to the thread that waits.
public final class GoogleLoopbackListener: @unchecked Sendable {
    /// The port actually bound.
    public let port: Int
    private let descriptor: Int32

    /// The `redirect_uri` to put in the consent URL and to repeat in the code exchange.
    public var redirectURI: String { "http://127.0.0.1:\(port)" }

    public init(port requested: UInt16 = 0) throws {
        #if canImport(Darwin)
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #else
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard descriptor >= 0 else { throw Self.systemError("socket") }
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requested.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else {
            let error = Self.systemError("bind 127.0.0.1:\(requested)")
            closeDescriptor(descriptor)
            throw error
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            let error = Self.systemError("getsockname")
            closeDescriptor(descriptor)
            throw error
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: actual.sin_port))
    }

    deinit { closeDescriptor(descriptor) }

    /// Waits up to `timeout` seconds for the redirect carrying the code of this run (`state`).
    /// Throws `OAUTH_DENIED` when the user refused, `OAUTH_STATE_MISMATCH` for a redirect of
    /// another run, `OAUTH_TIMEOUT` when nothing came.
    public func waitForCode(state: String, timeout: Int) throws -> String {
        let deadline = monotonicSeconds() + Double(timeout)
        while true {
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else {
                throw ArtisanError(.temporary, code: "OAUTH_TIMEOUT", "no answer came from the browser within \(timeout) s",
                                   hint: "run the command again, or use --no-browser and paste the code")
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready < 0 && errno != EINTR { throw Self.systemError("poll") }
            guard ready > 0 else { continue }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            defer { closeDescriptor(client) }
            guard let head = Self.readHead(client, until: min(deadline, monotonicSeconds() + 10)) else { continue }
            let requestLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
            let parts = requestLine.split(separator: " ")
            guard parts.count >= 2, parts[0] == "GET" else {
                Self.answer(client, status: "405 Method Not Allowed", page: "Only the browser's redirect is expected here.")
                continue
            }
            let target = parts[1]
            let query = target.firstIndex(of: "?").map { target[target.index(after: $0)...] } ?? ""
            let parameters = URLEncoding.queryParameters(query)
            guard parameters["code"] != nil || parameters["error"] != nil else {
                Self.answer(client, status: "404 Not Found", page: "Nothing here: artisanctl is waiting for Google's redirect.")
                continue
            }
            do {
                let code = try Self.code(from: parameters, state: state)
                Self.answer(client, status: "200 OK", page: "Google Calendar is connected. You can close this tab and go back to the terminal.")
                return code
            } catch {
                Self.answer(client, status: "400 Bad Request", page: "The calendar was not connected. The terminal tells you what to do next.")
                throw error
            }
        }
    }

    /// The code of a redirect's parameters, after checking it is not an error and belongs to this run.
    static func code(from parameters: [String: String], state: String?) throws -> String {
        if let error = parameters["error"] {
            let shown = error.count <= 40 && error.utf8.allSatisfy({ (0x61...0x7A).contains($0) || $0 == 0x5F }) ? error : "error"
            throw ArtisanError(.permission, code: "OAUTH_DENIED", "Google did not grant access to the calendar (\(shown))",
                               hint: "run `artisanctl calendars connect google` again and allow access")
        }
        if let state, parameters["state"] != state {
            throw ArtisanError(.permission, code: "OAUTH_STATE_MISMATCH", "the redirect does not belong to this connection attempt (state mismatch)",
                               hint: "run `artisanctl calendars connect google` again and use the URL it prints")
        }
        guard let code = parameters["code"], !code.isEmpty else {
            throw ArtisanError(.invalid, code: "OAUTH_CODE_MISSING", "the redirect carried no authorization code")
        }
        return code
    }

    /// The request line and headers (up to 16 KiB), or nil when the client sends nothing in time.
    private static func readHead(_ client: Int32, until deadline: Double) -> String? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 16_384 {
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32((remaining * 1000).rounded(.up)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            if let text = String(validating: bytes, as: UTF8.self), text.contains("\r\n\r\n") { return text }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    private static func answer(_ client: Int32, status: String, page: String) {
        let html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>artisanctl</title></head>"
            + "<body style=\"font-family: sans-serif\"><p>\(page)</p></body></html>"
        let body = Array(html.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                sendBytes(client, raw.baseAddress! + sent, raw.count - sent)
            }
            guard count > 0 else { return }
            sent += count
        }
    }

    private static func systemError(_ call: String) -> ArtisanError {
        let message = String(cString: strerror(errno))
        return ArtisanError(.unexpected, code: "LOOPBACK_FAILED", "the loopback listener for Google's redirect failed: \(call): \(message)")
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

private func sendBytes(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    return send(descriptor, pointer, count, 0)
    #else
    return send(descriptor, pointer, count, Int32(MSG_NOSIGNAL))
    #endif
}

private func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
}
