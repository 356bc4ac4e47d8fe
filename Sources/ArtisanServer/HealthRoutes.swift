import ArtisanStore
import Hummingbird

/// `GET /healthz`: the process answers. `GET /readyz`: the database answers and its schema is
/// the one this build expects (no migration pending), so a load balancer sends traffic only then.
struct HealthRoutes {
    let environment: ServerEnvironment

    struct Status: Encodable { let status: String }

    func alive() -> Response { JSONBody.response(Status(status: "ok")) }

    func ready() async throws -> Response {
        let pending = try await environment.run { _, connection in
            try Migrator(connection: connection, logger: environment.logger).status()
                .filter { $0.state == .pending || $0.state == .changed }.count
        }
        guard pending == 0 else { throw APIError.unavailable("\(pending) migration(s) not applied: run 'artisanctl migrate latest'", retryAfter: 30) }
        return JSONBody.response(Status(status: "ready"))
    }
}
