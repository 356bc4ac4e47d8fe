/// A half-open span of time `[start, end)`: intervals that only touch do not overlap.
public struct Interval: Sendable, Hashable {
    public let start: Timestamp
    public let end: Timestamp

    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }

    public func overlaps(_ other: Interval) -> Bool { start < other.end && other.start < end }

    /// Sorted, with overlapping or touching intervals merged: the input of a linear sweep.
    public static func union(_ intervals: [Interval]) -> [Interval] {
        let sorted = intervals.filter { $0.start < $0.end }.sorted { $0.start < $1.start }
        var merged: [Interval] = []
        merged.reserveCapacity(sorted.count)
        for interval in sorted {
            if let last = merged.last, interval.start <= last.end {
                if interval.end > last.end { merged[merged.count - 1] = Interval(start: last.start, end: interval.end) }
            } else {
                merged.append(interval)
            }
        }
        return merged
    }
}

/// Answers "does this interval overlap any of a set?" for queries in non-decreasing start order,
/// in amortised constant time: a pointer over the merged, sorted set only moves forward.
struct IntervalSweep {
    private let intervals: [Interval]
    private var index = 0

    init(_ intervals: [Interval]) { self.intervals = Interval.union(intervals) }

    mutating func overlaps(_ query: Interval) -> Bool {
        while index < intervals.count, intervals[index].end <= query.start { index += 1 }
        return index < intervals.count && intervals[index].start < query.end
    }
}
