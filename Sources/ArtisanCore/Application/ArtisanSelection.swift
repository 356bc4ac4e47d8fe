/// Which artisan a use case acts for: the one with the given e-mail (`--artisan`), else the only
/// artisan of the database.
public enum ArtisanSelection {
    public static func resolve(_ email: String?, in artisans: any ArtisanRepository) throws -> Artisan {
        if let email {
            guard let artisan = try artisans.find(email: email) else {
                throw ArtisanError.notFound(code: "ARTISAN_NOT_FOUND", "no artisan with the e-mail \(email)",
                                            hint: "see who exists with 'artisanctl artisan show --all'")
            }
            return artisan
        }
        let all = try artisans.all()
        switch all.count {
        case 0:
            throw ArtisanError.notFound(code: "ARTISAN_NOT_FOUND", "no artisan is set up yet",
                                        hint: "create one with 'artisanctl artisan init --name NAME --email EMAIL'")
        case 1:
            return all[0]
        default:
            throw ArtisanError.usage("the database holds \(all.count) artisans: say which with --artisan EMAIL",
                                     hint: "artisans: \(all.map(\.email).joined(separator: ", "))")
        }
    }
}
