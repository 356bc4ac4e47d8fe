import Hummingbird

/// The booking page (`/`, `/assets/app.js`, `/assets/app.css`) and the OpenAPI document, all
/// compiled into the binary.
enum StaticRoutes {
    static let openAPIDocument = String(decoding: PackageResources.openapi_json, as: UTF8.self)

    static func file(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The API's OpenAPI 3.1 document, for `artisanctl openapi`.
public enum APIContract {
    public static var document: String { StaticRoutes.openAPIDocument }
}
