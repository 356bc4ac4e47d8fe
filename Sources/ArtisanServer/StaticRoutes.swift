import Hummingbird

/// The booking page (`/`, `/assets/app.js`, `/assets/app.css`) and the OpenAPI document, all
/// compiled into the binary.
enum StaticRoutes {
    static let openAPIDocument = String(decoding: PackageResources.openapi_json, as: UTF8.self)

    static func register(on router: Router<ServerRequestContext>) {
        router.get("/") { _, _ in file(PackageResources.index_html, type: "text/html; charset=utf-8") }
        router.get("/assets/app.js") { _, _ in file(PackageResources.app_js, type: "text/javascript; charset=utf-8") }
        router.get("/assets/app.css") { _, _ in file(PackageResources.app_css, type: "text/css; charset=utf-8") }
        router.get("/api/v1/openapi.json") { _, _ in file(PackageResources.openapi_json, type: "application/json; charset=utf-8") }
    }

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
