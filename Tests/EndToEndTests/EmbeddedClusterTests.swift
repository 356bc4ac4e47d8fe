import ArtisanStore
import Foundation
import Testing
import TestSupport

/// `db up | env | status | down` with a real private cluster in a temporary XDG_DATA_HOME.
@Suite("the embedded cluster, end to end")
struct EmbeddedClusterTests {
    @Test("db up creates and starts a cluster that every command then uses, backups included; db down stops it")
    func lifecycle() throws {
        // Reachable by the postgres user when the tests run as root.
        let home = "/tmp/artisanctl-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let environment = Binary.isolatedEnvironment(["XDG_DATA_HOME": home])
        defer {
            _ = try? Binary.run(["db", "down"], environment: environment)
            try? FileManager.default.removeItem(atPath: home)
        }

        let stopped = try Binary.run(["db", "status"], environment: environment)
        #expect(stopped.status == 69)
        #expect(stopped.stdout.contains("absent"))

        let up = try Binary.run(["db", "up"], environment: environment)
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.contains("Created the embedded PostgreSQL cluster in \(home)/artisanctl/pg"))
        let again = try Binary.run(["db", "up"], environment: environment)
        #expect(again.stdout.contains("Already running"))

        let status = try Binary.run(["db", "status", "--json"], environment: environment)
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"state\" : \"running\""))

        // The cluster listens on its own socket only.
        let config = try String(contentsOfFile: "\(home)/artisanctl/pg/data/postgresql.conf", encoding: .utf8)
        #expect(config.contains("listen_addresses = ''"))

        // With nothing configured, commands use it.
        let migrate = try Binary.run(["migrate", "latest"], environment: environment)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("Applied \(Migration.embedded.count) migrations"))

        // db env's lines point psql at the same database.
        let env = try Binary.run(["db", "env"], environment: environment)
        #expect(env.stdout.contains("export PGHOST='\(home)/artisanctl/pg/socket'"))
        let psql = try Subprocess.run(
            ["/bin/sh", "-c", "eval \"$1\" && psql -X -At -c 'SELECT count(*) FROM schema_migrations'", "sh", env.stdout],
            environment: environment)
        #expect(psql.stdout == "\(Migration.embedded.count)\n", "\(psql.stderr)")

        // A backup of the embedded cluster restores into it, over what it holds, with --yes.
        let backup = try Binary.run(["db", "backup", "\(home)/embedded.backup"], environment: environment)
        #expect(backup.status == 0, "\(backup.stderr)")
        let restore = try Binary.run(["db", "restore", "\(home)/embedded.backup", "--yes"], environment: environment)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout.contains("into database artisanconnect, replacing what it held; every migration is applied"))

        let down = try Binary.run(["db", "down"], environment: environment)
        #expect(down.status == 0)
        #expect(down.stdout.contains("Stopped"))
        let after = try Binary.run(["migrate", "status"], environment: environment)
        #expect(after.status == 69)
        #expect(after.stderr.contains("artisanctl db up"))
    }
}
