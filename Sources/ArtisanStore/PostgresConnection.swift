import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection. The only file that calls libpq: every call goes through one error
/// checkpoint, and the handle is freed in `close()` (safe twice) or `deinit`.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    private var statements = PreparedStatements()

    /// Connects with a URL (`postgresql://…`), a `key=value` string, or, when empty, libpq's own
    /// `PG*` variables and service file. Sessions speak UTC and ISO dates whatever the server's
    /// defaults; `options` of the connection string come first, ours after (libpq keeps one value).
    ///
    /// With `genericPlans`, the server gives each prepared statement one generic plan, for any
    /// parameters (`plan_cache_mode`): for a connection that runs the same statements all day.
    public init(conninfo: String, applicationName: String = "artisanctl", genericPlans: Bool = false) throws {
        let ours = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601"
            + (genericPlans ? " -c plan_cache_mode=force_generic_plan" : "")
        var keywords = ["fallback_application_name"]
        var values = [applicationName]
        if !conninfo.isEmpty {
            keywords.append("dbname")
            values.append(conninfo)
        }
        // After the connection string, which libpq expands in place: these values win.
        keywords += ["client_encoding", "options"]
        values += ["UTF8", Self.options(in: conninfo).map { $0 + " " + ours } ?? ours]
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw DatabaseError(kind: .connectionFailed, message: "out of memory while connecting")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw DatabaseError(kind: .connectionFailed, message: message)
        }
        // Notices ("relation already exists, skipping") are not errors: keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit { close() }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// False once closed, or once the server dropped the connection (a restart, say).
    public var isOpen: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// The server's version number, e.g. 150018.
    public var serverVersion: Int { handle.map { Int(PQserverVersion($0)) } ?? 0 }

    /// One setting of the open connection, as libpq reports it (`PQconninfo`): every value in effect,
    /// whether it came from the connection string, a `PG*` variable, a service file or a default.
    public struct Parameter: Sendable, Equatable {
        public let keyword: String
        public let value: String
        /// The `PG*` variable libpq reads it from, if any.
        public let environmentVariable: String?
        /// A password-like setting, never to be shown.
        public let isSecret: Bool
    }

    /// The settings this connection was made with, for a client program (pg_dump) to reach the same database.
    public var parameters: [Parameter] {
        guard let handle, let options = PQconninfo(handle) else { return [] }
        defer { PQconninfoFree(options) }
        var parameters: [Parameter] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters.append(Parameter(
                    keyword: String(cString: keyword), value: String(cString: value),
                    environmentVariable: option.pointee.envvar.map { String(cString: $0) },
                    isSecret: option.pointee.dispchar.map { String(cString: $0).contains("*") } ?? false))
            }
            option += 1
        }
        return parameters
    }

    /// Runs a statement and returns every row.
    @discardableResult
    public func query(_ query: SQLQuery) throws -> [Row] {
        let result = try run(query)
        defer { PQclear(result) }
        let columns = ColumnIndex(Self.columnNames(result))
        let rowCount = Int(PQntuples(result))
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            rows.append(Row(index: columns, values: Self.values(result, row: Int32(row), columnCount: columns.names.count)))
        }
        return rows
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    public func execute(_ query: SQLQuery) throws -> Int {
        let result = try run(query)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Streams the rows of a large result one at a time (libpq single-row mode): memory stays flat.
    public func stream(_ query: SQLQuery, _ body: (Row) throws -> Void) throws {
        let connection = try open()
        let sent = Self.withParameters(query.parameters) { count, values in
            PQsendQueryParams(connection, query.sql, count, nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw connectionError() }
        guard PQsetSingleRowMode(connection) == 1 else { throw connectionError() }
        var failure: (any Error)?
        var columns: ColumnIndex?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            guard failure == nil else { continue }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                let index = columns ?? ColumnIndex(Self.columnNames(result))
                columns = index
                do {
                    try body(Row(index: index, values: Self.values(result, row: 0, columnCount: index.names.count)))
                } catch {
                    failure = error
                    PQrequestCancel(connection)
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                break
            default:
                failure = Self.error(from: result)
            }
        }
        if let failure { throw failure }
    }

    /// Runs several statements with no parameters in one round trip (migration scripts).
    public func executeScript(_ sql: String) throws {
        let connection = try open()
        guard let result = PQexec(connection, sql) else { throw connectionError() }
        defer { PQclear(result) }
        try Self.check(result)
    }

    /// Runs `body` in a transaction: committed when it returns (rolled back with `commit` false,
    /// for a dry run), rolled back when it throws. `settings` are set for the transaction only
    /// (`SET LOCAL`), in the same round trip as BEGIN.
    @discardableResult
    public func withTransaction<T>(settings: [(name: String, value: String)] = [], commit: Bool = true, _ body: () throws -> T) throws -> T {
        try executeScript((["BEGIN"] + settings.map { "SET LOCAL \($0.name) = \(Self.literal($0.value))" }).joined(separator: "; "))
        do {
            let value = try body()
            try execute(commit ? "COMMIT" : "ROLLBACK")
            return value
        } catch {
            if PQtransactionStatus(handle) != PQTRANS_UNKNOWN { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A string as an SQL literal, for the statements that take no parameters (`SET`).
    static func literal(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }

    // MARK: - The one error checkpoint

    private func open() throws -> OpaquePointer {
        guard let handle else { throw DatabaseError(kind: .connectionFailed, message: "the connection is closed") }
        return handle
    }

    private func run(_ query: SQLQuery) throws -> OpaquePointer {
        let connection = try open()
        let plan = statements.plan(for: query.sql)
        if case .prepare(let name) = plan {
            PQclear(try checked(PQprepare(connection, name, query.sql, Int32(query.parameters.count), nil), forgetting: nil))
            statements.prepared(query.sql, as: name)
        }
        let result = Self.withParameters(query.parameters) { count, values in
            switch plan {
            case .unnamed: PQexecParams(connection, query.sql, count, nil, values, nil, nil, 0)
            case .prepare(let name), .prepared(let name): PQexecPrepared(connection, name, count, values, nil, nil, 0)
            }
        }
        return try checked(result, forgetting: plan == .unnamed ? nil : query.sql)
    }

    /// The result when it succeeded; otherwise frees it and throws its error.
    private func checked(_ result: OpaquePointer?, forgetting sql: String?) throws -> OpaquePointer {
        guard let result else { throw connectionError() }
        do {
            try Self.check(result)
        } catch {
            PQclear(result)
            if let sql, let state = (error as? DatabaseError)?.sqlState, PreparedStatements.outdating.contains(state) {
                statements.forget(sql)
            }
            throw error
        }
        return result
    }

    private func connectionError() -> DatabaseError {
        let message = handle.map { Self.trimmed(PQerrorMessage($0)) } ?? "the connection is closed"
        return DatabaseError(kind: .connectionFailed, message: message)
    }

    private static func check(_ result: OpaquePointer) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY:
            return
        default:
            throw error(from: result)
        }
    }

    private static func error(from result: OpaquePointer) -> DatabaseError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let state = field("C")
        let message = field("M") ?? trimmed(PQresultErrorMessage(result))
        return DatabaseError(
            kind: state.map(DatabaseError.kind(forSQLState:)) ?? .connectionFailed,
            message: message,
            sqlState: state,
            constraint: field("n"),
            table: field("t"),
            column: field("c")
        )
    }

    // MARK: - C strings and result cells

    private static func columnNames(_ result: OpaquePointer) -> [String] {
        (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
    }

    private static func values(_ result: OpaquePointer, row: Int32, columnCount: Int) -> [String?] {
        (0..<Int32(columnCount)).map { column in
            PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
        }
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        var text = String(cString: message)
        while text.last?.isWhitespace == true { text.removeLast() }
        return text.split(separator: "\n")
            .map { $0.drop(while: \.isWhitespace).trimmingPrefix("ERROR:  ") }
            .joined(separator: " ")
    }

    private static func withParameters<R>(_ parameters: [String?], _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        if parameters.isEmpty { return body(0, nil) }
        let storage: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { storage.forEach { free($0) } }
        return storage.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                body(Int32(buffer.count), $0)
            }
        }
    }

    /// The `options` a connection string sets, if it parses and sets some.
    private static func options(in conninfo: String) -> String? {
        guard !conninfo.isEmpty, let parsed = PQconninfoParse(conninfo, nil) else { return nil }
        defer { PQconninfoFree(parsed) }
        var option = parsed
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "options" { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let storage: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { storage.forEach { free($0) } }
        return storage.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }
}
