#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An artisan's week: opening hours, recurring breaks, time off.
public protocol WeekRepository {
    func openingRules() throws -> [OpeningRule]
    func setOpening(_ day: Weekday, _ hours: TimeRange) throws
    @discardableResult func clearOpening(_ day: Weekday) throws -> Int
    func breakRules() throws -> [BreakRule]
    func addBreak(_ rule: BreakRule) throws
    @discardableResult func removeBreak(_ id: UUID) throws -> Int
    /// Time off ending on or after `from` (all of it with nil).
    func timeOff(endingOnOrAfter from: LocalDate?) throws -> [TimeOff]
    func addTimeOff(_ timeOff: TimeOff) throws
    @discardableResult func removeTimeOff(_ id: UUID) throws -> Int
    /// Opening hours, breaks and all time off, read together.
    func schedule() throws -> AvailabilityEngine.Week
}

extension WeekRepository {
    public func schedule() throws -> AvailabilityEngine.Week {
        .init(opening: try openingRules(), breaks: try breakRules(), timeOff: try timeOff(endingOnOrAfter: nil))
    }
}
