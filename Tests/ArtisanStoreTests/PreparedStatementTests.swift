import ArtisanStore
import Testing
import TestSupport

/// A connection prepares a statement on its second run and reuses it after: the server's view of
/// the session's prepared statements (`pg_prepared_statements`) is the oracle.
@Suite("Prepared statements of one connection")
struct PreparedStatementTests {
    let database: TestDatabase
    let connection: PostgresConnection

    init() throws {
        database = try TestDatabase.empty()
        connection = try database.connect()
        try connection.execute("CREATE TABLE t (a int)")
        try connection.execute("INSERT INTO t VALUES (1), (2)")
    }

    private func prepared(_ marker: String) throws -> Int {
        // The marker is a parameter: this count's own statement never matches it.
        try connection.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE \("%" + marker + "%")")[0]
            .decode("n")
    }

    @Test("the first run is unprepared, the second prepares, later runs reuse the one statement")
    func preparedOnSecondRun() throws {
        let run = { try connection.query("SELECT a AS first_run_marker FROM t WHERE a >= \(1) ORDER BY a") }
        #expect(try run().count == 2)
        #expect(try prepared("first_run_marker") == 0)
        #expect(try run().count == 2)
        #expect(try prepared("first_run_marker") == 1)
        for _ in 0..<5 { #expect(try run().map { try $0.decode("first_run_marker", as: Int.self) } == [1, 2]) }
        #expect(try prepared("first_run_marker") == 1)
    }

    @Test("with generic plans, a short range over many rows is planned once; left to choose, PostgreSQL plans it at every run")
    func genericPlans() throws {
        try connection.execute("CREATE TABLE spans (r tstzrange)")
        try connection.execute("""
            INSERT INTO spans SELECT tstzrange(t, t + interval '1 hour')
            FROM generate_series(timestamptz '2026-01-01', timestamptz '2026-12-31', interval '1 hour') AS t
            """)
        try connection.execute("CREATE INDEX ON spans USING gist (r)")
        try connection.execute("ANALYZE spans")
        func plans(_ session: PostgresConnection) throws -> [Int] {
            for day in 1...8 {
                let range = "[2026-03-0\(day) 09:00Z, 2026-03-0\(day) 18:00Z)"
                let count: Int = try session.query("SELECT count(*) AS n FROM spans WHERE r && \(range)::tstzrange -- plans_marker")[0]
                    .decode("n")
                #expect(count == 9)
            }
            let row = try session.query("""
                SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE \("%plans_marker%")
                """)[0]
            return [try row.decode("generic_plans"), try row.decode("custom_plans")]
        }
        // Eight runs: the first unprepared, then the prepared statement seven times.
        #expect(try plans(connection) == [0, 7])
        #expect(try plans(database.connect(genericPlans: true)) == [7, 0])
    }

    @Test("parameters reach a prepared statement as they reach an unprepared one")
    func parametersOfPreparedStatements() throws {
        for value in ["Zoë's \"quote\" ; -- $1", "", "日本"] {
            for _ in 0..<3 {
                let row = try connection.query("SELECT \(value)::text AS v, \(Int64.max)::bigint AS b")[0]
                #expect(try row.decode("v", as: String.self) == value)
                #expect(try row.decode("b", as: Int64.self) == Int64.max)
            }
        }
    }

    @Test("a statement outdated by a change of its table fails once, then is prepared again")
    func outdatedStatementIsPreparedAgain() throws {
        let run = { try connection.query("SELECT * FROM t ORDER BY a") }
        _ = try run()
        _ = try run()
        try connection.execute("ALTER TABLE t ADD COLUMN b int DEFAULT 7")
        let error = #expect(throws: DatabaseError.self) { try run() }
        #expect(error?.sqlState == "0A000")
        let rows = try run()
        #expect(try rows.map { try $0.decode("b", as: Int.self) } == [7, 7])
    }

    @Test("a failing run (a constraint) leaves the statement prepared and usable")
    func failureKeepsStatement() throws {
        try connection.execute("ALTER TABLE t ADD CONSTRAINT small CHECK (a < 100)")
        let insert = { (value: Int) in try connection.execute("INSERT INTO t (a) VALUES (\(value)) -- failure_marker") }
        try insert(3)
        try insert(4)
        #expect(throws: DatabaseError.self) { try insert(500) }
        try insert(5)
        #expect(try prepared("failure_marker") == 1)
        #expect(try connection.query("SELECT count(*) AS n FROM t")[0].decode("n", as: Int.self) == 5)
    }

    @Test("past 256 prepared statements, further ones run unprepared and still answer")
    func boundedNumberOfStatements() throws {
        for round in 0..<2 {
            for k in 0..<300 {
                #expect(try connection.query("SELECT \(k) + a AS v_\(unsafeSQL: String(k)) FROM t WHERE a = \(1) -- bound_marker")[0]
                    .decode("v_\(k)", as: Int.self) == k + 1, "round \(round)")
            }
        }
        #expect(try prepared("bound_marker") == 256)
    }
}
