import ArtisanCore
import ArtisanStore

/// `db up | down | status | env`: the embedded PostgreSQL cluster; `db backup | restore` (BackupCommands.swift).
enum DatabaseCommands {
    static let command = Command(
        "db", abstract: "Manage the embedded PostgreSQL cluster (the default database); back up and restore any database",
        discussion: """
            'db up' creates (the first time) and starts a private PostgreSQL cluster under \
            $XDG_DATA_HOME/artisanctl/pg (default ~/.local/share/artisanctl/pg; /var/lib/artisanctl/pg for \
            root, whose cluster runs as the postgres user). It listens only on a unix socket inside that \
            directory. When no database is configured, every command uses it while it runs.
            'db backup' and 'db restore' work on the configured database, whichever it is.
            """,
        subcommands: [up, down, status, env, backup, restore]
    )

    static func cluster(_ context: Context) -> EmbeddedCluster { EmbeddedCluster.locate(environment: context.environment) }

    static let up = Command(
        "up", abstract: "Create (first time) and start the embedded cluster",
        examples: ["db up", "db up && eval \"$(artisanctl db env)\""],
        run: { _, context in
            let cluster = cluster(context)
            let report = try cluster.up()
            guard !context.options.quiet else { return }
            if report.created { context.stdout.line("Created the embedded PostgreSQL cluster in \(cluster.root)") }
            context.stdout.line(report.started ? "Started it; socket in \(cluster.socketDirectory)" : "Already running; socket in \(cluster.socketDirectory)")
        }
    )

    static let down = Command(
        "down", abstract: "Stop the embedded cluster (its data stays)",
        run: { _, context in
            let stopped = try cluster(context).down()
            if !context.options.quiet { context.stdout.line(stopped ? "Stopped the embedded cluster." : "The embedded cluster is not running.") }
        }
    )

    struct StatusRecord: Encodable {
        let state: String
        let directory: String
        let socketDirectory: String
        let url: String
    }

    static let status = Command(
        "status", abstract: "Show whether the embedded cluster is running (exit 69 when not)",
        run: { _, context in
            let cluster = cluster(context)
            let state = cluster.state
            let record = StatusRecord(state: state.rawValue, directory: cluster.root, socketDirectory: cluster.socketDirectory, url: cluster.url)
            try OutputWriter(context: context).show(record, fields: [
                Column("state", "STATE") { $0.state },
                Column("directory", "DIRECTORY") { $0.directory },
                Column("socketDirectory", "SOCKET") { $0.socketDirectory },
                Column("url", "URL") { $0.url },
            ])
            guard state == .running else {
                throw ArtisanError(.unavailable, code: "DATABASE_UNAVAILABLE", "the embedded cluster is \(state.rawValue)",
                                   hint: "start it with 'artisanctl db up'")
            }
        }
    )

    static let env = Command(
        "env", abstract: "Print export lines that point psql and other tools at the embedded cluster",
        examples: ["eval \"$(artisanctl db env)\""],
        run: { _, context in
            for line in cluster(context).environmentLines { context.stdout.line(line) }
        }
    )
}
