import ArtisanStore
import Foundation
import Testing
import TestSupport

/// How the executable is linked (Package.swift): read back with binutils' readelf.
@Suite("the artisanctl executable")
struct BinaryExportsTests {
    @Test("it exports few symbols (--no-export-dynamic): every start used to walk its ~29,000")
    func fewExportedSymbols() throws {
        let dump = try Subprocess.run(["readelf", "--dyn-syms", "--wide", Binary.path])
        #expect(dump.succeeded, "\(dump.stderr)")
        let symbols = dump.stdout.split(separator: "\n").filter { $0.contains(": ") && !$0.contains("Num:") }
        #expect(symbols.count > 100, "readelf printed no symbol table: \(dump.stdout.prefix(300))")
        #expect(symbols.count < 5_000, "\(symbols.count) dynamic symbols")
    }
}
