/// Who the artisan is and the rules of their diary (`artisan init | show | set`).
public struct ArtisanProfile {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// The artisan's details and settings as typed; nil leaves a field as it is, an empty phone removes it.
    public struct Fields: Sendable {
        public var name: String?
        public var email: String?
        public var phone: String?
        public var timezone: String?
        public var plan: String?
        public var slotMinutes: String?
        public var minimumNoticeMinutes: String?
        public var horizonDays: String?
        public var cancellationHours: String?
        public var paymentHoldMinutes: String?
        public var payLinkHoldHours: String?

        public init(name: String? = nil, email: String? = nil, phone: String? = nil, timezone: String? = nil, plan: String? = nil,
                    slotMinutes: String? = nil, minimumNoticeMinutes: String? = nil, horizonDays: String? = nil, cancellationHours: String? = nil,
                    paymentHoldMinutes: String? = nil, payLinkHoldHours: String? = nil) {
            self.name = name
            self.email = email
            self.phone = phone
            self.timezone = timezone
            self.plan = plan
            self.slotMinutes = slotMinutes
            self.minimumNoticeMinutes = minimumNoticeMinutes
            self.horizonDays = horizonDays
            self.cancellationHours = cancellationHours
            self.paymentHoldMinutes = paymentHoldMinutes
            self.payLinkHoldHours = payLinkHoldHours
        }

        func apply(to artisan: inout Artisan, zones: any ZoneRulesSource) throws {
            if let name { artisan.displayName = try Validate.name(name) }
            if let email { artisan.email = try Validate.email(email) }
            if let phone { artisan.phone = phone.isEmpty ? nil : try Validate.internationalPhone(phone) }
            if let timezone { artisan.timezone = try Validate.timezone(timezone, known: { (try? zones.rules(for: $0)) != nil }) }
            if let plan { artisan.plan = try Validate.plan(plan) }
            if let slotMinutes { artisan.settings.slotMinutes = try Validate.slotMinutes(slotMinutes) }
            if let minimumNoticeMinutes {
                artisan.settings.minimumNoticeMinutes = try Validate.integer(minimumNoticeMinutes, field: "--min-notice-minutes", in: 0...43_200, unit: "minutes")
            }
            if let horizonDays { artisan.settings.horizonDays = try Validate.integer(horizonDays, field: "--horizon-days", in: 1...730, unit: "days") }
            if let cancellationHours {
                artisan.settings.cancellationDeadlineHours = try Validate.integer(cancellationHours, field: "--cancellation-hours", in: 0...720, unit: "hours")
            }
            if let paymentHoldMinutes {
                artisan.settings.paymentHoldMinutes = try Validate.integer(paymentHoldMinutes, field: "--payment-hold-minutes", in: 0...10_080, unit: "minutes")
            }
            if let payLinkHoldHours {
                artisan.settings.payLinkHoldHours = try Validate.integer(payLinkHoldHours, field: "--pay-link-hold-hours", in: 0...24, unit: "hours")
            }
        }
    }

    /// A new artisan; the fields must include name and e-mail, which no other artisan may have.
    public func create(_ fields: Fields) throws -> Artisan {
        guard let name = fields.name, let email = fields.email else { throw ArtisanError.usage("artisan init needs --name and --email") }
        var artisan = Artisan(displayName: try Validate.name(name), email: try Validate.email(email))
        try fields.apply(to: &artisan, zones: context.zones)
        return try context.store.transaction { repositories in
            if try repositories.artisans.find(email: artisan.email) != nil {
                throw ArtisanError.invalid(field: "--email", "\(artisan.email) is already an artisan's e-mail")
            }
            try repositories.artisans.insert(artisan)
            return artisan
        }
    }

    /// The artisan acted for.
    public func current() throws -> Artisan {
        try context.store.transaction { try context.artisan(in: $0) }
    }

    public func all() throws -> [Artisan] {
        try context.store.transaction { try $0.artisans.all() }
    }

    /// Changes the artisan; a new slot granularity must divide every active service's duration.
    public func update(_ fields: Fields) throws -> Artisan {
        try context.store.transaction { repositories in
            let current = try context.artisan(in: repositories)
            var artisan = current
            try fields.apply(to: &artisan, zones: context.zones)
            if artisan.email != current.email, let other = try repositories.artisans.find(email: artisan.email), other.id != artisan.id {
                throw ArtisanError.invalid(field: "--email", "\(artisan.email) is already an artisan's e-mail")
            }
            if artisan.settings.slotMinutes != current.settings.slotMinutes {
                let misfit = try repositories.services(of: artisan.id).list(includeArchived: false)
                    .first { $0.durationMinutes % artisan.settings.slotMinutes != 0 }
                if let misfit {
                    throw ArtisanError.invalid(field: "--slot-minutes",
                                               "\(artisan.settings.slotMinutes) does not divide the \(misfit.durationMinutes)-minute service '\(misfit.name)'",
                                               hint: "change or archive that service first")
                }
            }
            if artisan != current { try repositories.artisans.update(artisan) }
            if artisan.timezone != current.timezone {
                // All-day events were read as days of the old zone: the next sync reads them afresh.
                let calendars = repositories.calendars(of: artisan.id)
                for connection in try calendars.all() { try calendars.storeSyncState(connection.id, .none) }
            }
            return artisan
        }
    }
}
