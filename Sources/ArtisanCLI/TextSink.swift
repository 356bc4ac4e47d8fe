#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where text goes: a file descriptor (stdout, stderr) or memory (tests).
public protocol TextSink: AnyObject, Sendable {
    func write(_ text: String)
    func flush()
}

extension TextSink {
    public func line(_ text: String = "") { write(text + "\n") }
}

/// A buffered writer on a file descriptor; large outputs go out in 64 KiB writes.
public final class FileSink: TextSink, @unchecked Sendable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let lock = Mutex()

    public init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(65_536)
    }

    public static let standardOutput = FileSink(descriptor: 1)
    public static let standardError = FileSink(descriptor: 2)

    public var isTerminal: Bool { isatty(descriptor) == 1 }

    public func write(_ text: String) {
        lock.withLock {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 65_536 { drain() }
        }
    }

    public func flush() { lock.withLock { drain() } }

    private func drain() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                break  // EPIPE and the like: the reader is gone; drop the rest.
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Collects text in memory, for tests and for the shell's captured runs.
public final class MemorySink: TextSink, @unchecked Sendable {
    private var storage = ""
    private let lock = Mutex()

    public init() {}

    public func write(_ text: String) { lock.withLock { storage += text } }
    public func flush() {}

    public var text: String { lock.withLock { storage } }
}

/// A pthread mutex; enough for sinks written from one thread at a time.
final class Mutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
