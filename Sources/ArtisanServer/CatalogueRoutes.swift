import ArtisanCore
import Hummingbird

/// `GET /services` and `GET /availability`: what can be booked, and when. Availability reads
/// the synced calendar blocks; it never waits on a calendar provider.
struct CatalogueRoutes {
    let environment: ServerEnvironment

    func services() async throws -> Response {
        struct Services: Encodable { let services: [ServiceDTO] }
        let list = try await environment.run { services, _ in try ServiceCatalogue(services).list(includeArchived: false).map(ServiceDTO.init) }
        return JSONBody.response(Services(services: list))
    }

    func availability(_ request: Request) async throws -> Response {
        var form = FormReader(QueryParameters.object(request), allowed: ["serviceId", "date", "days"])
        let service = form.string("serviceId") { try BookingForms.uuid($0, field: $1) }
        let date = form.string("date") { try Validate.date($0, field: $1) }
        let days = form.string("days", required: false) { try Validate.integer($0, field: $1, in: 1...366, unit: "days") } ?? 1
        try form.finish()
        guard let service, let date else { throw APIError.validation(form.problems) }
        let (slots, zone) = try await environment.run { services, _ in
            try BookingService(services).availability(service: service.lowercasedText, from: date, days: days, horizonField: "days")
        }
        return JSONBody.response(json: AvailabilityJSON.render(serviceID: service.lowercasedText, zone: zone, date: date, days: days,
                                                               slots: slots), status: .ok)
    }
}
