/// The artisan's services (`services …`): list, find, create, update, archive or restore, delete.
/// Names are unique among active services; a duration is a multiple of the artisan's slot.
public struct ServiceCatalogue {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// A service's fields as typed (flags or prompts); nil leaves a field as it is.
    public struct Fields: Sendable {
        public var name: String?
        public var duration: String?
        public var price: String?
        public var depositRate: String?
        /// Empty removes the description.
        public var description: String?
        public var bufferBefore: String?
        public var bufferAfter: String?

        public init(name: String? = nil, duration: String? = nil, price: String? = nil, depositRate: String? = nil,
                    description: String? = nil, bufferBefore: String? = nil, bufferAfter: String? = nil) {
            self.name = name
            self.duration = duration
            self.price = price
            self.depositRate = depositRate
            self.description = description
            self.bufferBefore = bufferBefore
            self.bufferAfter = bufferAfter
        }

        /// Validates and applies every field given; the duration against the slot granularity.
        func apply(to service: inout Service, slotMinutes: Int) throws {
            if let name { service.name = try Validate.name(name) }
            if let duration { service.durationMinutes = try Validate.duration(duration, granularity: slotMinutes) }
            if let price { service.price = try Validate.money(price) }
            if let depositRate { service.depositRate = try Validate.depositRate(depositRate) }
            if let description { service.description = try Validate.text(description, field: "--description", maximum: 2000) }
            if let bufferBefore { service.bufferBeforeMinutes = try Validate.buffer(bufferBefore, field: "--buffer-before") }
            if let bufferAfter { service.bufferAfterMinutes = try Validate.buffer(bufferAfter, field: "--buffer-after") }
        }
    }

    public func list(includeArchived: Bool) throws -> [Service] {
        try context.store.transaction { try $0.services(of: context.artisan(in: $0).id).list(includeArchived: includeArchived) }
    }

    public func find(_ reference: String) throws -> Service {
        try context.store.transaction { try $0.services(of: context.artisan(in: $0).id).require(reference) }
    }

    /// The slot granularity a new duration must be a multiple of.
    public func slotMinutes() throws -> Int {
        try context.store.transaction { try context.artisan(in: $0).settings.slotMinutes }
    }

    /// A new service from fields that must include name, duration, price and deposit rate.
    public func create(_ fields: Fields) throws -> Service {
        try context.store.transaction { repositories in
            let owner = try context.artisan(in: repositories)
            guard let name = fields.name, let duration = fields.duration, let price = fields.price, let rate = fields.depositRate else {
                throw ArtisanError.usage("services create needs --name, --duration, --price and --deposit-rate")
            }
            var service = Service(name: try Validate.name(name), durationMinutes: try Validate.duration(duration, granularity: owner.settings.slotMinutes),
                                  price: try Validate.money(price), depositRate: try Validate.depositRate(rate))
            try fields.apply(to: &service, slotMinutes: owner.settings.slotMinutes)
            let services = repositories.services(of: owner.id)
            try services.requireNameFree(service)
            try services.insert(service)
            return service
        }
    }

    public func update(_ reference: String, _ fields: Fields) throws -> Service {
        try context.store.transaction { repositories in
            let owner = try context.artisan(in: repositories)
            let services = repositories.services(of: owner.id)
            var service = try services.require(reference)
            try fields.apply(to: &service, slotMinutes: owner.settings.slotMinutes)
            if service.isActive { try services.requireNameFree(service) }
            try services.update(service)
            return service
        }
    }

    /// Archives (no new bookings, history kept) or restores a service. By name an active service
    /// wins, so restoring by name means the archived one of that name.
    public func setActive(_ reference: String, _ active: Bool) throws -> Service {
        try context.store.transaction { repositories in
            let services = repositories.services(of: try context.artisan(in: repositories).id)
            var service = try services.require(reference)
            if active, service.isActive, let archived = try services.list(includeArchived: true)
                .first(where: { !$0.isActive && $0.name.lowercased() == reference.lowercased() }) {
                service = archived
            }
            guard service.isActive != active else { return service }
            service.isActive = active
            if active { try services.requireNameFree(service) }
            try services.update(service)
            return service
        }
    }

    /// Deletes a service no booking refers to, once `confirm` (which may refuse by throwing) agrees.
    public func delete(_ reference: String, confirm: (Service) throws -> Void) throws -> Service {
        try context.store.transaction { repositories in
            let services = repositories.services(of: try context.artisan(in: repositories).id)
            let service = try services.require(reference)
            let bookings = try services.bookingCount(service.id)
            guard bookings == 0 else {
                throw ArtisanError(.invalid, code: "SERVICE_IN_USE",
                                   "service '\(service.name)' has \(bookings) booking\(bookings == 1 ? "" : "s") and cannot be deleted",
                                   hint: "archive it instead: artisanctl services archive '\(service.name)'")
            }
            try confirm(service)
            try services.delete(service.id)
            return service
        }
    }
}

extension ServiceRepository {
    /// The service `reference` names, or SERVICE_NOT_FOUND.
    func require(_ reference: String) throws -> Service {
        guard let service = try find(reference) else {
            throw ArtisanError.notFound(code: "SERVICE_NOT_FOUND", "no service '\(reference)'", hint: "see them with 'artisanctl services list --all'")
        }
        return service
    }

    func requireNameFree(_ service: Service) throws {
        if try activeService(named: service.name, excluding: service.id) != nil {
            throw ArtisanError.invalid(field: "--name", "an active service is already called '\(service.name)'")
        }
    }
}
