/// Where "now" comes from: the system clock, or a fixed instant (`ARTISANCTL_NOW`) for
/// reproducible runs and tests.
public struct Clock: Sendable {
    private let read: @Sendable () -> Timestamp

    public init(_ read: @escaping @Sendable () -> Timestamp) { self.read = read }

    public static func fixed(_ instant: Timestamp) -> Clock { Clock { instant } }

    public func now() -> Timestamp { read() }
}

extension Duration {
    /// Whole milliseconds (rounded down), as the logs and reports give durations.
    public var wholeMilliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
