import Foundation
import Testing
@testable import ArtisanCLI

/// BACKUP_ENCRYPTION_KEY is a secret like the others: the one redactor masks its value in every log line.
@Suite("the backup key never reaches a log")
struct BackupKeyRedactionTests {
    @Test("the value of BACKUP_ENCRYPTION_KEY is masked wherever it appears in a logged line")
    func masked() {
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let redactor = Redactor(environment: ["BACKUP_ENCRYPTION_KEY": key, "PATH": "/usr/bin"])
        #expect(redactor.redact("sealing with \(key) now") == "sealing with *** now")
        #expect(redactor.redact("PATH is /usr/bin") == "PATH is /usr/bin")
    }
}
