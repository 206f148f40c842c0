import Foundation
import Emit
import Pipeline

/// One distinct content read into the store, with the rows it gave each per-report table.
struct NewVersion {
    var sha256: String
    var name: String
    var path: String
    var bytes: Int64
    var mtimeMicroseconds: Int64
    var rows: [[[CellValue]]]
}

/// A file seen on disk: where, its size and date (to skip re-hashing it unchanged).
struct Sighting {
    var path: String
    var bytes: Int64
    var mtimeMicroseconds: Int64
    var sha256: String
}

/// The SQLite file: every version of every report read, and the rows derived from it.
final class Store {
    let database: Database

    init(path: String) throws {
        database = try Database(path: path)
        // WAL: a batch is committed whole or not at all, even when the process is killed,
        // and readers (an analyst's sqlite3 shell) do not block an update.
        // 16 KiB pages (set before the first table is created): fewer reads for the CSV text.
        try database.execute("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
        try Schema.migrate(database)
    }

    /// Looks up, one file at a time, what the store already knows: a content hash stored,
    /// a path seen before with its size and date. Nothing is loaded whole, so an update's
    /// memory does not grow with the store.
    final class Lookups {
        private let hash: Statement, path: Statement
        init(_ database: Database) throws {
            hash = try database.prepare("SELECT 1 FROM versions WHERE sha256 = ?")
            path = try database.prepare("SELECT bytes, file_mtime_us FROM paths WHERE path = ?")
        }

        func isStored(hash sha256: String) throws -> Bool { try hash.firstRow([.text(sha256)]) != nil }

        /// The size and date `path` had when last seen, nil for a path never seen.
        func lastSeen(_ file: String) throws -> (bytes: Int64, mtime: Int64)? {
            guard let row = try path.firstRow([.text(file)]), case .integer(let bytes) = row[0], case .integer(let mtime) = row[1] else { return nil }
            return (bytes, mtime)
        }
    }

    func lookups() throws -> Lookups { try Lookups(database) }

    /// Stores one batch in one transaction: the new versions and their rows, the paths
    /// seen, and which version of each report touched is now current.
    func store(_ versions: [NewVersion], sightings: [Sighting], readAt: String) throws {
        try database.transaction {
            let insert = try Inserts(database)
            var keys = Set<String>()
            for version in versions {
                let identity = ReportIdentity(rows: version.rows, name: version.name)
                keys.insert(identity.key)
                try insert.version.run([
                    .text(version.sha256), .text(version.name), .text(version.path), .integer(version.bytes),
                    .integer(version.mtimeMicroseconds), .text(Self.date(version.mtimeMicroseconds)), .text(readAt),
                    .text(identity.key), identity.agency.map(SQLValue.text) ?? .null, identity.regionCode.map(SQLValue.text) ?? .null,
                    identity.year.map(SQLValue.integer) ?? .null, identity.kind.map(SQLValue.text) ?? .null,
                    .integer(Int64(version.rows[0].count)), .integer(identity.rejected ? 1 : 0),
                ])
                try insert.rows(version.rows, of: database.lastInsertRowID)
            }
            try record(sightings, seenAt: readAt)
            try updateStatus(of: keys)
        }
    }

    /// The prepared inserts of a batch.
    struct Inserts {
        let version: Statement
        let tables: [Statement]
        let cache: Statement

        init(_ database: Database) throws {
            version = try database.prepare("""
                INSERT INTO versions (sha256, name, path, bytes, file_mtime_us, file_date, read_at, report_key, agency, region_code,
                                      year, kind, records, rejected, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'current')
                """)
            tables = try Schema.rowTables.map { table in
                try database.prepare("INSERT INTO \(Schema.quote(table.name)) (version_id, seq, \(table.quotedColumns)) VALUES (?, ?\(String(repeating: ", ?", count: table.columns.count)))")
            }
            cache = try database.prepare("INSERT INTO csv_cache (version_id, table_name, utf8) VALUES (?, ?, ?)")
        }

        /// A version's rows of every per-report table, and each table's rows as CSV text.
        func rows(_ rows: [[[CellValue]]], of id: Int64) throws {
            for (table, (insert, rows)) in zip(Schema.rowTables, zip(tables, rows)) {
                for (seq, row) in rows.enumerated() {
                    try insert.run([.integer(id), .integer(Int64(seq))] + row.map(Store.value))
                }
                try cache.run([.integer(id), .text(table.name), .blob(try Emit.encodeRows(rows, encoding: .utf8))])
            }
        }
    }

    func record(_ sightings: [Sighting], seenAt: String) throws {
        let upsert = try database.prepare("""
            INSERT INTO paths (path, bytes, file_mtime_us, version_id, seen_at)
            VALUES (?1, ?2, ?3, (SELECT id FROM versions WHERE sha256 = ?4), ?5)
            ON CONFLICT (path) DO UPDATE SET bytes = ?2, file_mtime_us = ?3, version_id = (SELECT id FROM versions WHERE sha256 = ?4), seen_at = ?5
            """)
        for sighting in sightings {
            try upsert.run([.text(sighting.path), .integer(sighting.bytes), .integer(sighting.mtimeMicroseconds), .text(sighting.sha256), .text(seenAt)])
        }
    }

    /// The newest version of a report (latest file date; on a tie the later name, then
    /// path) is current, the others superseded.
    func updateStatus(of keys: Set<String>) throws {
        let update = try database.prepare("""
            UPDATE versions SET status = CASE WHEN id = (SELECT id FROM versions WHERE report_key = ?1
                                                         ORDER BY file_mtime_us DESC, name DESC, path DESC, id DESC LIMIT 1)
                                         THEN 'current' ELSE 'superseded' END
            WHERE report_key = ?1
            """)
        for key in keys.sorted() { try update.run([.text(key)]) }
        // A file known only by its name (rejected, or no agency or year) is superseded by
        // a newer file of the same name: an upload caught half-written, then complete.
        try database.execute("""
            UPDATE versions SET status = 'superseded'
            WHERE report_key = 'file:' || name AND status = 'current' AND EXISTS (
                SELECT 1 FROM versions newer WHERE newer.name = versions.name AND newer.id != versions.id
                AND (newer.file_mtime_us > versions.file_mtime_us OR (newer.file_mtime_us = versions.file_mtime_us AND newer.path > versions.path)))
            """)
        // A superseded version does not become current again (its newer version stays; only
        // `--reread`, which writes the text anew, can change a key): its CSV text is no
        // longer needed; its rows stay.
        try database.execute("DELETE FROM csv_cache WHERE version_id IN (SELECT id FROM versions WHERE status = 'superseded')")
    }

    /// A cell as stored: the text the CSV shows (after the CSV-injection guard), an
    /// integer when the cell is one, NULL when empty. Amounts stay exact decimal text.
    static func value(_ cell: CellValue) -> SQLValue {
        let text = Emit.render(cell)
        if text.isEmpty { return .null }
        if case .number = cell, let integer = Int64(text), String(integer) == text { return .integer(integer) }
        return .text(text)
    }

    static func cell(_ value: SQLValue) -> CellValue {
        value.string.map { .number($0) } ?? .empty
    }

    static let formatter = ISO8601DateFormatter()

    /// A file date for people: ISO 8601 in UTC, to the second (the order uses microseconds).
    static func date(_ microseconds: Int64) -> String {
        formatter.string(from: Date(timeIntervalSince1970: Double(microseconds / 1_000_000)))
    }

    func counts() throws -> (current: Int, superseded: Int) {
        (Int(try database.integer("SELECT count(*) FROM versions WHERE status = 'current'")),
         Int(try database.integer("SELECT count(*) FROM versions WHERE status = 'superseded'")))
    }
}

/// Which report a file brings: agency + region + year + kind (+ the projects of a project
/// report). A file whose agency or year could not be read, or that was rejected, is its
/// own report, known by its name.
struct ReportIdentity {
    var key: String
    var agency: String?
    var regionCode: String?
    var year: Int64?
    var kind: String?
    var rejected: Bool

    init(rows: [[[CellValue]]], name: String) {
        let records = rows[0]
        let columns = Schema.rowTables[0].columns.map(\.en)
        func cells(_ column: String) -> [String] {
            guard let index = columns.firstIndex(of: column) else { return [] }
            return records.map { Emit.render($0[index]) }
        }
        let agencies = Set(cells("agency")), regions = Set(cells("region_code")), years = Set(cells("year"))
        agency = agencies.count == 1 ? agencies.first.flatMap { $0.isEmpty ? nil : $0 } : nil
        regionCode = regions.count == 1 ? regions.first : nil
        year = years.count == 1 ? years.first.flatMap { Int64($0) } : nil
        let kinds = zip(cells("kind"), cells("project")).map { $1.isEmpty ? $0 : "\($0):\($1)" }
        kind = Set(cells("kind")).sorted().joined(separator: "+")
        rejected = records.isEmpty
        if let agency, let year, let regionCode, !rejected {
            key = [agency, regionCode, String(year), Set(kinds).sorted().joined(separator: ";")].joined(separator: "|")
        } else {
            key = "file:" + name
            if rejected { kind = nil }
        }
    }
}
