import CCurl

/// An HTTP request, as small as the providers need.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Seconds for the whole exchange; every request has one.
    public var timeout: Int

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, timeout: Int = 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    /// Header names lower-cased.
    public let headers: [String: String]
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A transport failure: no HTTP status to speak of.
public struct HTTPError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case timeout, unreachable, other }
    public let kind: Kind
    public let description: String
}

/// Something that sends requests: libcurl in production, anything in tests.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) throws -> HTTPResponse
}

/// The one libcurl caller: an easy handle per request, typed setopt shims for the variadic C API.
public struct CurlTransport: HTTPTransport {
    public init() {
        _ = Self.globalInit
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let handle = curl_easy_init() else { throw HTTPError(kind: .other, description: "libcurl could not start a request") }
        defer { curl_easy_cleanup(handle) }
        let body = Accumulator(), headers = Accumulator()
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        // An empty Expect keeps curl from waiting a second for "100 Continue" on large bodies.
        list = curl_slist_append(list, "Expect:")

        let bodyPointer = Unmanaged.passUnretained(body).toOpaque()
        let headerPointer = Unmanaged.passUnretained(headers).toOpaque()
        let payload = request.body ?? []
        let code: CURLcode = request.url.withCString { url in
            request.method.withCString { method in
                payload.withUnsafeBufferPointer { bytes in
                    artisan_curl_setopt_pointer(handle, CURLOPT_URL, url)
                    artisan_curl_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, method)
                    artisan_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, list)
                    artisan_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeout * 1000)
                    artisan_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(request.timeout, 10) * 1000)
                    artisan_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                    artisan_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
                    if request.method == "HEAD" { artisan_curl_setopt_long(handle, CURLOPT_NOBODY, 1) }
                    if request.body != nil {
                        artisan_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, payload.count)
                        artisan_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress ?? UnsafePointer(bitPattern: 1))
                    }
                    artisan_curl_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, Accumulator.callback)
                    artisan_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, bodyPointer)
                    artisan_curl_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION, Accumulator.callback)
                    artisan_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, headerPointer)
                    return curl_easy_perform(handle)
                }
            }
        }
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            let kind: HTTPError.Kind = code == CURLE_OPERATION_TIMEDOUT ? .timeout
                : (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) ? .unreachable : .other
            throw HTTPError(kind: kind, description: "\(request.method) \(Self.redactedURL(request.url)): \(message)")
        }
        var status = 0
        artisan_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: Self.parseHeaders(headers.bytes), body: body.bytes)
    }

    /// The headers of the last response (a redirect or `100 Continue` may come first).
    static func parseHeaders(_ bytes: [UInt8]) -> [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("HTTP/") { headers = [:]; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            headers[name] = String(value)
        }
        return headers
    }

    /// Query strings can carry tokens: errors show the path only.
    static func redactedURL(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}

/// Collects the bytes libcurl hands to a callback.
final class Accumulator {
    var bytes: [UInt8] = []

    static let callback: artisan_curl_write_callback = { data, size, count, userdata in
        guard let data, let userdata else { return 0 }
        let accumulator = Unmanaged<Accumulator>.fromOpaque(userdata).takeUnretainedValue()
        let length = size * count
        data.withMemoryRebound(to: UInt8.self, capacity: length) { accumulator.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        return length
    }
}
