/// The instants at which a zone's UTC offset changes: what a VTIMEZONE lists.
extension ZoneRules {
    public struct Transition: Sendable, Equatable {
        public let instant: Timestamp
        public let offsetBefore: Int
        public let offsetAfter: Int
    }

    /// The changes of offset in `[start, end)`, in order: the TZif file's own transitions, then those
    /// of the footer's POSIX rule, each checked against `offset(at:)` so both always agree.
    public func transitions(from start: Timestamp, to end: Timestamp) -> [Transition] {
        let low = start.secondsSinceEpoch, high = end.secondsSinceEpoch
        var candidates = transitions.filter { $0 >= low && $0 < high }
        if let footer, footer.daylight != nil {
            let last = transitions.last ?? Int64.min
            // The rule's dates exist for years 1 to 9999 only.
            let firstYear = max(1, LocalDate(daysSinceEpoch: Int(low / 86_400)).year - 1)
            let lastYear = min(9999, LocalDate(daysSinceEpoch: Int(high / 86_400)).year + 1)
            for year in firstYear...max(firstYear, lastYear) {
                candidates += footer.changes(in: year).filter { $0 > last && $0 >= low && $0 < high }
            }
        }
        return Set(candidates).sorted().compactMap { seconds in
            let before = offset(at: Timestamp(secondsSinceEpoch: seconds - 1)), after = offset(at: Timestamp(secondsSinceEpoch: seconds))
            return before == after ? nil : Transition(instant: Timestamp(secondsSinceEpoch: seconds), offsetBefore: before, offsetAfter: after)
        }
    }
}

extension PosixRule {
    /// The instants (seconds since the epoch) daylight saving time starts and ends in `year`.
    func changes(in year: Int) -> [Int64] {
        guard let daylight else { return [] }
        return [(daylight.start, standardOffset), (daylight.end, daylight.offset)].map { rule, offsetBefore in
            Int64(rule.date(in: year).daysSinceEpoch) * 86_400 + Int64(rule.time) - Int64(offsetBefore)
        }
    }
}
