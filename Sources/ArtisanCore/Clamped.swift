/// Integer arithmetic that stops at the type's bounds instead of trapping: for instants and day
/// numbers moved by amounts that come from outside (a provider's `expires_in`, a count of days).
extension FixedWidthInteger {
    /// `self + other`, or the bound it ran into.
    func clampedAdding(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self × other`, or the bound it ran into.
    func clampedMultiplied(by other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
