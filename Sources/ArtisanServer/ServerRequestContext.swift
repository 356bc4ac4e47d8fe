import Hummingbird
import NIOCore

/// What a request carries through the middleware: its id (also in `X-Request-Id`) and the
/// address of the peer that sent it.
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peerAddress: String?
    public var requestID = ""

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The webhook's raw body is the largest thing a client sends.
    public var maxUploadSize: Int { APIRoutes.bodyLimit }
}
