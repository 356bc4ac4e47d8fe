extension [String: String] {
    /// The setting `name` of an environment (process or `.env`): unset and empty alike are nil.
    func setting(_ name: String) -> String? {
        self[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
