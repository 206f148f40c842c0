import Foundation
import CSQLite

/// A value of an SQLite cell as the store uses them: no floating point (amounts are kept
/// as exact decimal text).
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    public var string: String? {
        switch self {
        case .null, .blob: return nil
        case .integer(let value): return String(value)
        case .text(let value): return value
        }
    }
}

public struct SQLiteError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { "SQLite error \(code): \(message)" }
}

/// The system libsqlite3, wrapped once: open, execute, prepared statements, transactions.
public final class Database {
    let handle: OpaquePointer

    public init(path: String) throws {
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw SQLiteError(code: status, message: "\(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit { sqlite3_close(handle) }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        guard status == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? ""
            sqlite3_free(error)
            throw SQLiteError(code: status, message: message)
        }
    }

    public func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil))
        return Statement(statement!, database: self)
    }

    /// Every row of a query, as values.
    public func rows(_ sql: String, _ parameters: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// The first column of the first row, as an integer (0 when there is none).
    public func integer(_ sql: String, _ parameters: [SQLValue] = []) throws -> Int64 {
        guard case .integer(let value)? = try rows(sql, parameters).first?.first else { return 0 }
        return value
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func check(_ status: Int32) throws {
        guard status == SQLITE_OK || status == SQLITE_DONE || status == SQLITE_ROW else {
            throw SQLiteError(code: status, message: String(cString: sqlite3_errmsg(handle)))
        }
    }
}

/// A prepared statement, reused by binding new parameters.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    /// Tells SQLite to copy bound text (Swift's buffer does not outlive the call).
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ handle: OpaquePointer, database: Database) {
        self.handle = handle; self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: try database.check(sqlite3_bind_null(handle, index))
            case .integer(let number): try database.check(sqlite3_bind_int64(handle, index, number))
            case .text(let text): try database.check(sqlite3_bind_text(handle, index, text, -1, Self.transient))
            case .blob(let bytes):
                try bytes.withUnsafeBytes { try database.check(sqlite3_bind_blob(handle, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), Self.transient)) }
            }
        }
    }

    /// Advances to the next row: true when there is one.
    public func step() throws -> Bool {
        let status = sqlite3_step(handle)
        try database.check(status)
        return status == SQLITE_ROW
    }

    /// Binds and runs a statement that returns no rows.
    public func run(_ values: [SQLValue]) throws {
        try bind(values)
        while try step() {}
    }

    public func row() -> [SQLValue] {
        (0..<sqlite3_column_count(handle)).map(column)
    }

    /// The first row of the query with `values` (nil when it has none); the statement is
    /// then reset, so it holds no read open between lookups.
    public func firstRow(_ values: [SQLValue]) throws -> [SQLValue]? {
        try bind(values)
        defer { sqlite3_reset(handle) }
        return try step() ? row() : nil
    }

    public func column(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .text(String(cString: sqlite3_column_text(handle, index)))
        }
    }
}
