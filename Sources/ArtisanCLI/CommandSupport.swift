import ArtisanStore

extension Context {
    var timeZones: SystemTimeZones { SystemTimeZones(environment: environment) }

    /// Prints a one-line confirmation on stderr unless `--quiet` (stdout stays for data); with
    /// `--log-format json`, as a log record of level info, redacted like any other.
    func note(_ text: String) {
        guard !options.quiet else { return }
        if log.format == .json { log.write(.info, text) } else { stderr.line(text) }
    }
}

