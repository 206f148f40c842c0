import Foundation
import Emit
import Pipeline

/// The store's schema, versioned by `PRAGMA user_version`. Each migration takes the
/// store from version n to n + 1 inside one transaction; a store newer than this
/// program is refused rather than misread.
enum Schema {
    static let version = 1

    /// Migration n creates what version n + 1 adds.
    static let migrations: [String] = [
        """
        CREATE TABLE versions (
            id            INTEGER PRIMARY KEY,
            sha256        TEXT NOT NULL UNIQUE,
            name          TEXT NOT NULL,
            path          TEXT NOT NULL,
            bytes         INTEGER NOT NULL,
            file_mtime_us INTEGER NOT NULL,
            file_date     TEXT NOT NULL,
            read_at       TEXT NOT NULL,
            report_key    TEXT NOT NULL,
            agency        TEXT,
            region_code   TEXT,
            year          INTEGER,
            kind          TEXT,
            records       INTEGER NOT NULL,
            rejected      INTEGER NOT NULL CHECK (rejected IN (0, 1)),
            status        TEXT NOT NULL CHECK (status IN ('current', 'superseded'))
        );
        CREATE INDEX versions_by_key ON versions (report_key);
        CREATE INDEX versions_by_status ON versions (status, name);
        CREATE INDEX versions_by_name ON versions (name);
        CREATE TABLE paths (
            path          TEXT PRIMARY KEY,
            bytes         INTEGER NOT NULL,
            file_mtime_us INTEGER NOT NULL,
            version_id    INTEGER NOT NULL REFERENCES versions (id),
            seen_at       TEXT NOT NULL
        );
        CREATE INDEX paths_by_version ON paths (version_id);
        CREATE TABLE csv_cache (
            version_id    INTEGER NOT NULL REFERENCES versions (id),
            table_name    TEXT NOT NULL,
            utf8          BLOB NOT NULL,
            PRIMARY KEY (version_id, table_name)
        ) WITHOUT ROWID;
        CREATE VIEW history AS
            SELECT report_key, agency, region_code, year, kind, name AS file, sha256, file_date, read_at, status,
                   records, rejected, path, id AS version_id
            FROM versions ORDER BY report_key, file_mtime_us, name, id;
        CREATE VIEW current_versions AS SELECT * FROM versions WHERE status = 'current';
        """,
    ]

    /// The per-report tables: one SQL table per CSV table of `run`, named after it
    /// (records.csv → records), its columns the English headers, plus the version a row
    /// comes from and the row's place in that version.
    struct RowTable {
        let name: String
        let fileName: String
        let columns: [Column]

        var quotedColumns: String { columns.map { quote($0.en) }.joined(separator: ", ") }
    }

    static let rowTables: [RowTable] = FileRows.layouts.map {
        RowTable(name: String($0.fileName.dropLast(4)), fileName: $0.fileName, columns: $0.columns)
    }

    static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Brings `database` to the current version, then gives every row table the columns of
    /// this program's tables (a column added to a table of `run` is added to the store;
    /// rows stored before have it empty).
    static func migrate(_ database: Database) throws {
        let found = Int(try database.integer("PRAGMA user_version"))
        guard found <= version else {
            throw StoreError.fatal("the store has schema version \(found), newer than this perfeval understands (\(version)): use a newer perfeval")
        }
        for step in found..<version {
            try database.transaction {
                try database.execute(migrations[step])
                if step == 0 { for table in rowTables { try database.execute(create(table)) } }
                try database.execute("PRAGMA user_version = \(step + 1)")
            }
        }
        try addMissingColumns(database)
    }

    static func create(_ table: RowTable) -> String {
        let columns = table.columns.map { "    \(quote($0.en))" }.joined(separator: ",\n")
        return """
        CREATE TABLE \(quote(table.name)) (
            version_id INTEGER NOT NULL REFERENCES versions (id),
            seq        INTEGER NOT NULL,
        \(columns),
            PRIMARY KEY (version_id, seq)
        ) WITHOUT ROWID;
        """
    }

    static func addMissingColumns(_ database: Database) throws {
        for table in rowTables {
            let present = Set(try database.rows("SELECT name FROM pragma_table_info(?)", [.text(table.name)]).compactMap { $0.first?.string })
            let missing = table.columns.filter { !present.contains($0.en) }
            guard !missing.isEmpty else { continue }
            try database.transaction {
                for column in missing { try database.execute("ALTER TABLE \(quote(table.name)) ADD COLUMN \(quote(column.en))") }
                // The cached CSV text of this table lacks the column: written from the rows from now on.
                try database.prepare("DELETE FROM csv_cache WHERE table_name = ?").run([.text(table.name)])
            }
        }
    }
}
