import ArtisanCore
import ArtisanStore
import Foundation
import Testing
import TestSupport

@Suite("PostgresConnection against a real PostgreSQL")
struct PostgresConnectionTests {
    let database: TestDatabase
    let connection: PostgresConnection

    init() throws {
        database = try TestDatabase.empty()
        connection = try database.connect()
    }

    @Test("text, uuid, int, bigint, bool, numeric, date and timestamptz round-trip through parameters")
    func typeRoundTrips() throws {
        let id = UUID()
        let instant = Timestamp(microsecondsSinceEpoch: 1_795_000_123_456_789)
        let date = LocalDate(year: 2028, month: 2, day: 29)!
        let text = "Zoë's \"quote\" ; DROP TABLE x; -- $1 \\ ñ 日本"
        let numeric = PostgresNumeric("0.30")!
        let rows = try connection.query("""
            SELECT \(text)::text AS t, \(id)::uuid AS u, \(Int32(-42))::int AS i, \(Int64.max)::bigint AS b,
                   \(true)::bool AS yes, \(false)::bool AS no, \(numeric)::numeric(3,2) AS n,
                   \(date)::date AS d, \(instant)::timestamptz AS ts
            """)
        let row = try #require(rows.first)
        #expect(try row.decode("t", as: String.self) == text)
        #expect(try row.decode("u", as: UUID.self) == id)
        #expect(try row.decode("i", as: Int32.self) == -42)
        #expect(try row.decode("i", as: Int.self) == -42)
        #expect(try row.decode("b", as: Int64.self) == Int64.max)
        #expect(try row.decode("yes", as: Bool.self) == true)
        #expect(try row.decode("no", as: Bool.self) == false)
        #expect(try row.decode("n", as: PostgresNumeric.self).scaled(by: 2) == 30)
        #expect(try row.decode("d", as: LocalDate.self) == date)
        #expect(try row.decode("ts", as: Timestamp.self) == instant)
    }

    @Test("timestamptz decodes whatever the session time zone prints")
    func timestampWithOffsets() throws {
        try connection.execute("SET TIME ZONE 'Asia/Kolkata'")
        let row = try #require(try connection.query("SELECT '2026-03-29 01:30:00.25+00'::timestamptz AS ts").first)
        #expect(row["ts"] == "2026-03-29 07:00:00.25+05:30")
        #expect(try row.decode("ts", as: Timestamp.self) == Timestamp(iso8601: "2026-03-29T01:30:00.25Z"))
    }

    @Test("the connection string's own options are kept, and ours still apply", arguments: [false, true])
    func optionsOfConnectionString(asURL: Bool) throws {
        let options = "-c work_mem=8MB -c TimeZone=Asia/Tokyo"
        let conninfo = asURL
            ? "postgresql:///\(database.name)?options=" + options.replacing(" ", with: "%20").replacing("=", with: "%3D")
            : database.conninfo + " options='\(options)'"
        let session = try PostgresConnection(conninfo: conninfo, genericPlans: true)
        let settings = try session.query("""
            SELECT current_setting('work_mem') AS memory, current_setting('TimeZone') AS zone, current_setting('plan_cache_mode') AS plans
            """)[0]
        #expect(try settings.decode("memory", as: String.self) == "8MB")
        #expect(try settings.decode("zone", as: String.self) == "UTC")
        #expect(try settings.decode("plans", as: String.self) == "force_generic_plan")
    }

    @Test("a filter on an optional value is TRUE when nil, its condition with the value's parameter when set")
    func filterOnOptionalValue() throws {
        try connection.execute("CREATE TABLE t (a int, b text)")
        try connection.execute("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'x')")
        func query(_ least: Int?, _ text: String?) -> SQLQuery {
            "SELECT a FROM t WHERE a > \(0) AND \(when: least, "a >= {}") AND \(when: text, "(b = {} OR b || {} = 'yy')") ORDER BY a"
        }
        #expect(query(nil, nil).sql == "SELECT a FROM t WHERE a > $1 AND TRUE AND TRUE ORDER BY a")
        #expect(query(2, "y").sql == "SELECT a FROM t WHERE a > $1 AND a >= $2 AND (b = $3 OR b || $3 = 'yy') ORDER BY a")
        #expect(query(nil, "x").parameters == ["0", "x"])
        let null: String?? = .some(nil)
        let nullFilter: SQLQuery = "WHERE \(when: null, "b = {}")"
        #expect(nullFilter.sql == "WHERE TRUE" && nullFilter.parameters.isEmpty)
        let cases: [(Int?, String?, [Int])] = [(nil, nil, [1, 2, 3]), (2, nil, [2, 3]), (nil, "x", [1, 3]), (2, "x", [3])]
        for (least, text, expected) in cases {
            #expect(try connection.query(query(least, text)).map { try $0.decode("a", as: Int.self) } == expected)
        }
    }

    @Test("NULL decodes as nil when optional and as an error naming the column otherwise")
    func nullHandling() throws {
        let none: String? = nil
        let row = try #require(try connection.query("SELECT \(none)::text AS phone").first)
        #expect(try row.decode("phone", as: String?.self) == nil)
        let error = #expect(throws: DatabaseError.self) { try row.decode("phone", as: String.self) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("phone") == true)
    }

    @Test("a column is found by name in a narrow and in a wide result; of two with one name, the first", arguments: [3, 40])
    func columnsByName(width: Int) throws {
        let columns = (0..<width).map { "\($0) AS c\($0)" } + ["-1 AS c1", "-2 AS \"long column name, past fifteen bytes\""]
        let row = try #require(try connection.query("SELECT \(unsafeSQL: columns.joined(separator: ", "))").first)
        for position in 0..<width { #expect(try row.decode("c\(position)", as: Int.self) == position) }
        #expect(try row.decode("long column name, past fifteen bytes", as: Int.self) == -2)
        #expect(row["c\(width)"] == nil)
        let error = #expect(throws: DatabaseError.self) { try row.decode("C0", as: Int.self) }
        #expect(error?.message == "no column C0 in the result")
    }

    @Test("a value of the wrong type is a decoding error naming the column, not the value")
    func decodingErrorNamesColumn() throws {
        let row = try #require(try connection.query("SELECT 'secret-value'::text AS start_minutes").first)
        let error = #expect(throws: DatabaseError.self) { try row.decode("start_minutes", as: Int.self) }
        #expect(error?.message.contains("start_minutes") == true)
        #expect(error?.message.contains("secret-value") == false)
    }

    @Test("interpolated values are parameters: SQL in a value is stored literally")
    func interpolationIsParameterized() throws {
        try connection.execute("CREATE TABLE notes (body text)")
        let hostile = "'); DROP TABLE notes; --"
        let query: SQLQuery = "INSERT INTO notes (body) VALUES (\(hostile))"
        #expect(query.sql == "INSERT INTO notes (body) VALUES ($1)")
        #expect(query.description.contains(hostile) == false)
        try connection.execute(query)
        let rows = try connection.query("SELECT body FROM notes")
        #expect(try rows.map { try $0.decode("body", as: String.self) } == [hostile])
    }

    @Test("a transaction commits when its body returns")
    func transactionCommits() throws {
        try connection.execute("CREATE TABLE t (n int)")
        try connection.withTransaction { try connection.execute("INSERT INTO t VALUES (1)") }
        #expect(try connection.query("SELECT n FROM t").count == 1)
    }

    @Test("a transaction rolls back when its body throws, and the error comes through")
    func transactionRollsBack() throws {
        struct Boom: Error {}
        try connection.execute("CREATE TABLE t (n int)")
        #expect(throws: Boom.self) {
            try connection.withTransaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try connection.query("SELECT n FROM t").isEmpty)
        // The connection is usable again, outside any transaction.
        #expect(try connection.query("SELECT 1 AS one").count == 1)
    }

    @Test("SQLSTATEs map to typed kinds", arguments: [
        ("23505", DatabaseError.Kind.uniqueViolation), ("23P01", .exclusionViolation), ("23514", .checkViolation),
        ("23503", .foreignKeyViolation), ("23502", .notNullViolation), ("40001", .serializationFailure),
        ("40P01", .deadlockDetected), ("55P03", .lockNotAvailable), ("42P01", .undefinedTable), ("08006", .connectionFailed),
    ])
    func sqlStateMapping(state: String, kind: DatabaseError.Kind) throws {
        let error = #expect(throws: DatabaseError.self) {
            try connection.execute("DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '\(unsafeSQL: state)'; END $$")
        }
        #expect(error?.kind == kind)
        #expect(error?.sqlState == state)
    }

    @Test("real constraint violations carry their kind and constraint name")
    func realConstraintViolations() throws {
        try connection.execute("""
            CREATE TABLE parent (id int PRIMARY KEY);
            """)
        try connection.execute("CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent(id), n int CHECK (n > 0))")
        try connection.execute("INSERT INTO parent VALUES (1)")
        try connection.execute("INSERT INTO child VALUES (1, 1, 1)")
        let unique = #expect(throws: DatabaseError.self) { try connection.execute("INSERT INTO child VALUES (1, 1, 1)") }
        #expect(unique?.kind == .uniqueViolation)
        #expect(unique?.constraint == "child_pkey")
        let foreign = #expect(throws: DatabaseError.self) { try connection.execute("INSERT INTO child VALUES (2, 9, 1)") }
        #expect(foreign?.kind == .foreignKeyViolation)
        let check = #expect(throws: DatabaseError.self) { try connection.execute("INSERT INTO child VALUES (3, 1, 0)") }
        #expect(check?.kind == .checkViolation)
        #expect(check?.constraint == "child_n_check")
    }

    @Test("a real serialization failure between two SERIALIZABLE transactions is reported as such")
    func realSerializationFailure() throws {
        try connection.execute("CREATE TABLE counters (id int PRIMARY KEY, n int)")
        try connection.execute("INSERT INTO counters VALUES (1, 0), (2, 0)")
        let other = try database.connect()
        try connection.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        try other.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        try connection.query("SELECT sum(n) FROM counters")
        try other.query("SELECT sum(n) FROM counters")
        try connection.execute("UPDATE counters SET n = n + 1 WHERE id = 1")
        try other.execute("UPDATE counters SET n = n + 1 WHERE id = 2")
        try connection.execute("COMMIT")
        let error = #expect(throws: DatabaseError.self) { try other.execute("COMMIT") }
        #expect(error?.kind == .serializationFailure)
        #expect(error?.isTransient == true)
    }

    @Test("stream delivers every row of a large result in order, one at a time")
    func streamingLargeResult() throws {
        var count = 0
        var last = 0
        try connection.stream("SELECT g AS n, repeat('x', 100) AS filler FROM generate_series(1, \(200_000)) AS g") { row in
            let n: Int = try row.decode("n")
            #expect(n == last + 1)
            last = n
            count += 1
        }
        #expect(count == 200_000)
        // The connection is ready for the next statement afterwards.
        #expect(try connection.query("SELECT 1 AS one").count == 1)
    }

    @Test("an error thrown by the row handler stops the stream and leaves the connection usable")
    func streamingStopsOnError() throws {
        struct Enough: Error {}
        var seen = 0
        #expect(throws: Enough.self) {
            try connection.stream("SELECT g FROM generate_series(1, 100000) AS g") { _ in
                seen += 1
                if seen == 10 { throw Enough() }
            }
        }
        #expect(seen == 10)
        #expect(try connection.query("SELECT 2 AS two").first?["two"] == "2")
    }

    @Test("a server error during a stream is thrown")
    func streamingServerError() throws {
        let error = #expect(throws: DatabaseError.self) {
            try connection.stream("SELECT 1 / (g - 5) FROM generate_series(1, 10) AS g") { _ in }
        }
        #expect(error?.sqlState == "22012")
    }

    @Test("an unreachable server gives connectionFailed with libpq's own message")
    func unreachableServer() throws {
        let error = #expect(throws: DatabaseError.self) {
            try PostgresConnection(conninfo: "postgresql://127.0.0.1:1/nothing?connect_timeout=3")
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("close is safe twice and later calls fail cleanly")
    func closeTwice() throws {
        connection.close()
        connection.close()
        let error = #expect(throws: DatabaseError.self) { try connection.query("SELECT 1") }
        #expect(error?.kind == .connectionFailed)
    }
}
