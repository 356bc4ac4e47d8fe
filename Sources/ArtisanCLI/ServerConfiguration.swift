import ArtisanCore
import ArtisanServer

/// `serve`'s settings from its flags and the environment; a bad value is a usage error (flags)
/// or a configuration error (environment), named, before anything listens.
enum ServerConfiguration {
    static func settings(_ invocation: Invocation, environment: [String: String]) throws -> ServerSettings {
        var settings = ServerSettings()
        if let host = invocation.value("host") {
            guard !host.isEmpty, host.utf8.count <= 255, host.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw ArtisanError.invalid(field: "--host", "must be an address or host name")
            }
            settings.host = host
        }
        if let port = invocation.value("port") { settings.port = try Validate.integer(port, field: "--port", in: 0...65535, unit: "") }
        if let pool = invocation.value("db-pool") {
            settings.poolSize = try Validate.integer(pool, field: "--db-pool", in: 1...100, unit: "connections")
        }
        settings.corsOrigins = try origins(environment["CORS_ORIGINS"])
        if let proxies = environment["TRUST_PROXY"], !proxies.isEmpty {
            switch proxies.lowercased() {
            case "true", "yes": settings.trustedProxies = 1
            case "false", "no": settings.trustedProxies = 0
            default:
                guard let count = Int(proxies), (0...10).contains(count) else {
                    throw ArtisanError.configuration("TRUST_PROXY must be true, false or a number of proxies from 0 to 10 (got '\(proxies.prefix(40))')")
                }
                settings.trustedProxies = count
            }
        }
        if let limit = environment["RATE_LIMIT"] { settings.publicLimit = try rateLimit(limit, name: "RATE_LIMIT") }
        if let limit = environment["WEBHOOK_RATE_LIMIT"] { settings.webhookLimit = try rateLimit(limit, name: "WEBHOOK_RATE_LIMIT") }
        settings.stripeWebhookSecret = environment.setting("STRIPE_WEBHOOK_SECRET")
        return settings
    }

    /// `https://front.example.com,http://localhost:3000`: scheme, host and optional port each.
    static func origins(_ text: String?) throws -> Set<String> {
        guard let text else { return [] }
        var origins: Set<String> = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let rest = item.hasPrefix("https://") ? item.dropFirst(8) : item.hasPrefix("http://") ? item.dropFirst(7) : nil
            guard let rest, !rest.isEmpty, !rest.contains("/"), rest.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw ArtisanError.configuration("CORS_ORIGINS must list origins like https://front.example.com, comma-separated (got '\(item.prefix(60))')")
            }
            origins.insert(item)
        }
        return origins
    }

    /// `100/900` (requests per window of seconds), or `off`.
    static func rateLimit(_ text: String, name: String) throws -> RateLimit? {
        if text.lowercased() == "off" { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let requests = Int(parts[0]), let seconds = Int(parts[1]), (1...1_000_000).contains(requests),
              (1...86_400).contains(seconds) else {
            throw ArtisanError.configuration("\(name) must be REQUESTS/SECONDS, such as 100/900, or off (got '\(text.prefix(40))')")
        }
        return RateLimit(requests: requests, seconds: seconds)
    }
}
