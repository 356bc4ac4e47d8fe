import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `db backup --encrypt` through the binary: the file shows no customer data to grep or to
/// pg_restore, and restores only with its key and only whole; anything else is refused before a
/// row is written.
@Suite("db backup --encrypt: backups that leave the machine")
struct EncryptedBackupTests {
    @Test("an encrypted backup hides the customer's e-mail, name and phone; pg_restore cannot read it")
    func hidesCustomers() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = world.path("offsite.backup")
        let backup = try world.succeed(["db", "backup", "--encrypt", file], environment: ["BACKUP_ENCRYPTION_KEY": backupKey])
        #expect(backup.stdout.contains("encrypted with BACKUP_ENCRYPTION_KEY"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        for secret in [BackupCustomer.email, BackupCustomer.name, BackupCustomer.phone, "irene", "example.org", "Curie", "lea.martin"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the encrypted file")
        }
        let grep = try Subprocess.run(["grep", "-c", "-a", "-i", "irene", file])
        #expect(grep.status == 1 && grep.stdout == "0\n")
        let list = try Subprocess.run(["/bin/sh", "-c", "tail -n +3 \"$1\" | \"$2\" --list", "sh", file, try pgProgram("pg_restore")])
        #expect(!list.succeeded && list.stderr.contains("does not appear to be a valid archive"), "\(list.stderr)")
    }

    @Test("without the key, with another key, after a flipped byte or a cut: refused (77 or 65), nothing restored; with the key: the same rows")
    func restoresOnlyWithItsKeyAndWhole() throws {
        let world = try CatalogueWorld.withCustomers()
        let file = world.path("offsite.backup")
        try world.succeed(["db", "backup", "--encrypt", file], environment: ["BACKUP_ENCRYPTION_KEY": backupKey])
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        let target = try TestDatabase.empty()
        let restore = ["db", "restore", file]

        func refused(_ status: Int32, _ message: String, key: String?, _ why: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            var environment = ["PGDATABASE": target.name]
            environment["BACKUP_ENCRYPTION_KEY"] = key
            let result = try world.run(restore, environment: environment)
            #expect(result.status == status, "\(why): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.hasPrefix("artisanctl: error: \(message)"), "\(why): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(lines(result.stderr).count <= 2 && result.stdout.isEmpty, "\(why)", sourceLocation: sourceLocation)
            #expect(try holdsNoTable(target), "\(why): something was restored", sourceLocation: sourceLocation)
        }

        try refused(77, "BACKUP_ENCRYPTION_KEY is not set", key: nil, "no key")
        try refused(77, "BACKUP_ENCRYPTION_KEY must be 32 bytes in base64", key: "c2hvcnQ=", "a short key")
        try refused(77, "BACKUP_ENCRYPTION_KEY is not the key", key: Data(repeating: 1, count: 32).base64EncodedString(), "another key")

        let headerEnd = original.indices.filter { original[$0] == UInt8(ascii: "\n") }[1] + 1
        for offset in [headerEnd + 7, headerEnd + (original.count - headerEnd) / 2, original.count - 1] {
            var flipped = original
            flipped[offset] ^= 0x20
            try flipped.write(to: URL(fileURLWithPath: file))
            try refused(65, "\(file) is damaged", key: backupKey, "byte \(offset) flipped")
        }
        for length in [original.count - 1, original.count - 200, headerEnd + 5, headerEnd] {
            try original.prefix(length).write(to: URL(fileURLWithPath: file))
            try refused(65, "\(file) is damaged", key: backupKey, "cut to \(length) bytes")
        }

        try original.write(to: URL(fileURLWithPath: file))
        try world.succeed(restore, environment: ["PGDATABASE": target.name, "BACKUP_ENCRYPTION_KEY": backupKey])
        let connection = try target.connect()
        defer { connection.close() }
        #expect(try tableDigests(connection) == tableDigests(world.connection))
    }

    @Test("--encrypt without a usable BACKUP_ENCRYPTION_KEY: 77, one line naming it, no file written", arguments: [
        nil, "", "c2hvcnQ=", "not base64 at all!", Data(repeating: 1, count: 33).base64EncodedString(),
        Data(repeating: 1, count: 31).base64EncodedString(), String(repeating: "A", count: 100_000), "\u{1b}[31m",
    ])
    func keyRequired(key: String?) throws {
        let world = try CatalogueWorld()
        var environment: [String: String] = [:]
        environment["BACKUP_ENCRYPTION_KEY"] = key
        let result = try world.run(["db", "backup", "--encrypt", world.path("x.backup")], environment: environment)
        #expect(result.status == 77)
        #expect(result.stderr.hasPrefix("artisanctl: error: BACKUP_ENCRYPTION_KEY "), "\(result.stderr)")
        #expect(lines(result.stderr).count == 2 && lines(result.stderr)[1].hasPrefix("hint: "))
        #expect(!result.stderr.contains("AAAAAAAAAA") && !result.stderr.contains("\u{1b}"))
        #expect(try world.directoryListing().isEmpty)
    }
}
