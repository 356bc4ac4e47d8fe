import Foundation
import Testing
import TestSupport

/// `GET /api/v1/services` over HTTP: the artisan's active services as the API's DTO.
@Suite("serve API: services")
struct ServeAPIServicesTests {
    static let dtoFields: Set<String> = ["id", "name", "description", "durationMinutes", "price", "priceCents", "deposit", "depositCents",
                                         "depositPercent"]

    @Test("GET /services lists the demo's active services by name, with their database ids, prices in euros and cents, and null descriptions")
    func demoServices() throws {
        let serve = try ServeWorld()
        let answer = try serve.http.get("/api/v1/services")
        #expect(answer.status == 200, "\(answer)")
        #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true)
        let services = try #require(answer.json["services"] as? [[String: Any]])
        #expect(services.map { $0["name"] as? String } == ["Coloration", "Coupe femme", "Coupe homme"])
        for service in services { #expect(Set(service.keys) == Self.dtoFields, "\(service)") }
        let byName = Dictionary(uniqueKeysWithValues: services.map { ($0["name"] as? String ?? "", $0) })

        let femme = try #require(byName["Coupe femme"])
        #expect(femme["id"] as? String == (try serve.serviceID("Coupe femme")))
        #expect(femme["description"] as? String == "Shampooing, coupe et brushing")
        #expect(femme["durationMinutes"] as? Int == 60)
        #expect(femme["price"] as? String == "45.50" && femme["priceCents"] as? Int == 4550)
        #expect(femme["deposit"] as? String == "13.65" && femme["depositCents"] as? Int == 1365)
        #expect(femme["depositPercent"] as? String == "30")

        let coloration = try #require(byName["Coloration"])
        #expect(coloration["id"] as? String == (try serve.serviceID("Coloration")))
        #expect(coloration["durationMinutes"] as? Int == 90)
        #expect(coloration["price"] as? String == "72.00" && coloration["priceCents"] as? Int == 7200)
        #expect(coloration["deposit"] as? String == "28.80" && coloration["depositCents"] as? Int == 2880)
        #expect(coloration["depositPercent"] as? String == "40")

        let homme = try #require(byName["Coupe homme"])
        #expect(homme["id"] as? String == (try serve.serviceID("Coupe homme")))
        #expect(homme["description"] is NSNull, "\(homme)")
        #expect(homme["price"] as? String == "25.00" && homme["priceCents"] as? Int == 2500)
        #expect(homme["deposit"] as? String == "5.00" && homme["depositCents"] as? Int == 500)
        #expect(homme["depositPercent"] as? String == "20")
    }

    @Test("a service archived through the CLI is no longer listed; restored, it is again")
    func archivedServiceAbsent() throws {
        let serve = try ServeWorld()
        try serve.world.succeed("services", "archive", "Coupe homme")
        let archived = try serve.http.get("/api/v1/services")
        #expect(archived.status == 200, "\(archived)")
        #expect((archived.json["services"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Coloration", "Coupe femme"])
        try serve.world.succeed("services", "restore", "Coupe homme")
        let restored = try serve.http.get("/api/v1/services")
        #expect((restored.json["services"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Coloration", "Coupe femme", "Coupe homme"])
    }
}
