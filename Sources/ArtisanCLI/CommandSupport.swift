import ArtisanStore

extension Context {
    var timeZones: SystemTimeZones { SystemTimeZones(environment: environment) }

    /// Prints a one-line confirmation on stderr unless `--quiet` (stdout stays for data).
    func note(_ text: String) {
        if !options.quiet { stderr.line(text) }
    }
}

