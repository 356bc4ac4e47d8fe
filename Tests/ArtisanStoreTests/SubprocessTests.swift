import ArtisanStore
import Foundation
import Testing

@Suite("Subprocess")
struct SubprocessTests {
    @Test("megabytes in while megabytes come out on both streams: no deadlock, nothing lost")
    func largeInputAndOutput() throws {
        let input = String(repeating: "0123456789 abcdefghijklmnopqrstuvwxyz éèà\n", count: 150_000)  // 6.6 MB
        let outcome = try Subprocess.run(["/bin/sh", "-c", "tee /dev/stderr"], input: input)
        #expect(outcome.status == 0)
        #expect(outcome.stdout == input)
        #expect(outcome.stderr == input)
    }

    @Test("a child that reads none of a large input: its status comes back, no SIGPIPE kills us")
    func unreadInput() throws {
        let outcome = try Subprocess.run(["/bin/sh", "-c", "echo done; exit 3"], input: String(repeating: "x", count: 4_000_000))
        #expect(outcome.status == 3)
        #expect(outcome.stdout == "done\n")
    }

    @Test("no pipe of one run reaches the child of another, even from many threads at once")
    func noLeakedPipe() throws {
        // Each child lists its descriptors: 0, 1 and 2 are its own pipes; any other child's among the rest leaked.
        let script = #"for fd in /proc/$$/fd/*; do echo "${fd##*/} $(readlink "$fd")"; done"#
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 48) { _ in results.append(Result { try Subprocess.run(["/bin/sh", "-c", script]) }) }
        let listings = try results.all.map { result in
            try result.get().stdout.split(separator: "\n").reduce(into: [Int: String]()) { table, line in
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2, let fd = Int(parts[0]) { table[fd] = String(parts[1]) }
            }
        }
        let stdio = listings.map { listing in Set((0...2).compactMap { listing[$0] }) }
        #expect(stdio.allSatisfy { $0.count == 3 && $0.allSatisfy { $0.hasPrefix("pipe:") } })
        for (index, listing) in listings.enumerated() {
            let others = stdio.enumerated().filter { $0.offset != index }.reduce(Set<String>()) { $0.union($1.element) }
            let leaked = listing.filter { $0.key > 2 && others.contains($0.value) }
            #expect(leaked.isEmpty, "child \(index) holds another run's pipes: \(leaked)")
        }
    }
}

/// Outcomes gathered from several threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Subprocess.Outcome, any Error>] = []

    func append(_ result: Result<Subprocess.Outcome, any Error>) { lock.withLock { results.append(result) } }
    var all: [Result<Subprocess.Outcome, any Error>] { lock.withLock { results } }
}
