import ArtisanCore
import Hummingbird

/// `GET /api/v1/customers/data?email=&code=`: the right of access (spec 6.5). Everything held
/// about the customer, only to someone holding one of their booking codes; anyone else gets the
/// 404 of the public lookup, the same whether the code or the e-mail is wrong.
struct CustomerRoutes {
    let environment: ServerEnvironment

    func data(_ request: Request) async throws -> Response {
        let (code, email) = try BookingForms.codeAndEmail(QueryParameters.object(request))
        let document = try await environment.run { services, _ in try CustomerData(services).export(email: email, code: code) }
        return JSONBody.response(document)
    }
}
