import ArtisanStore
import Foundation
import Testing
import TestSupport

/// DESIGN.md's hostile-input rule, through the real binary: every runnable command of the tree,
/// each flag and argument given each hostile value (see `HostileValues`), the rest valid, on a
/// database with an artisan, services, a week and a booking. No case may be killed by a signal
/// (a trap), exit 1 or an undocumented status; a failing one prints
/// one `artisanctl: error:` line (and at most a hint) and leaves every row of every table as it
/// was. An accepted value (a search text, a description) is fine: the database is reset after it.
@Suite("command tree walk with hostile values, through the binary")
struct CommandTreeWalkerTests {
    /// A few processes at a time: two cores are shared with the rest of the suite.
    static let workers = 3

    @Test("no hostile value traps, hangs, exits 1, prints more than one error line or half-writes")
    func walk() throws {
        let world = try CatalogueWorld.demo()
        let code = try world.createCode("Coupe femme", "2026-11-26", "10:00", name: "Jeanne Existante", email: "jeanne@example.com")
        world.connection.close()
        let cases = try CommandWalk.cases(code: code, catalogue: demoCatalogue.path)

        let next = Locked(0), failures = Locked([String]()), resets = Locked(0)
        DispatchQueue.concurrentPerform(iterations: Self.workers) { index in
            do {
                let worker = try WalkWorker(template: world.database, directory: world.directory.appendingPathComponent("worker-\(index)"))
                while true {
                    let position = next.withLock { value in defer { value += 1 }; return value }
                    guard position < cases.count else { break }
                    if let failure = try worker.run(cases[position]) { failures.withLock { $0.append("\(cases[position].label): \(failure)") } }
                }
                resets.withLock { $0 += worker.resets }
            } catch {
                failures.withLock { $0.append("worker \(index) stopped: \(error)") }
            }
        }
        let failed = failures.withLock { $0 }

        let commands = Set(cases.map { $0.arguments.prefix { !$0.hasPrefix("-") }.joined(separator: " ") })
        print("command tree walk: \(cases.count) hostile cases over \(commands.count) commands (\(HostileValues.all.count) values each), "
              + "\(resets.withLock { $0 }) database resets after an accepted value, \(failed.count) failures")
        for failure in failed.prefix(100) { Issue.record(Comment(rawValue: failure)) }
        #expect(failed.isEmpty, "\(failed.count) hostile cases failed (the first 100 are above)")
        #expect(cases.count > 3000)
    }
}

/// A value shared by the walk's threads.
private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
