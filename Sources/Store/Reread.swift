import Foundation
import Emit
import Pipeline

/// `update --reread`: after an upgrade of perfeval, every stored version whose file is still
/// found (a path it was seen at, holding the same bytes) is read again and its rows are
/// replaced, batch by batch, one transaction per batch. A version whose file is gone keeps
/// the rows it was given.
enum Reread {
    struct Found {
        var id: Int64
        var oldKey: String
        var file: InputFile
    }

    static func run(_ store: Store, options: UpdateOptions, reader: FileRows, summary: inout UpdateSummary) throws {
        let found = try locate(store.database)
        summary.rereadMissing = Int(try store.database.integer("SELECT count(*) FROM versions")) - found.count
        for start in stride(from: 0, to: found.count, by: options.batchSize) {
            let batch = Array(found[start..<min(start + options.batchSize, found.count)])
            let rows = reader.rows(of: batch.map(\.file), jobs: options.jobs)
            try store.replace(zip(batch, rows).map { ($0.id, $0.oldKey, $0.file.name, $1) })
            summary.reread += batch.count
        }
    }

    /// For each version, the first path it was seen at that still holds its bytes.
    static func locate(_ database: Database) throws -> [Found] {
        let candidates = try database.rows("""
            SELECT v.id, v.report_key, v.name, v.sha256, p.path FROM versions v JOIN paths p ON p.version_id = v.id
            ORDER BY v.id, p.seen_at DESC, p.path
            """)
        var found: [Found] = [], done = Set<Int64>()
        for row in candidates {
            guard case .integer(let id) = row[0], !done.contains(id), let key = row[1].string, let name = row[2].string,
                  let hash = row[3].string, let path = row[4].string,
                  let bytes = FileManager.default.contents(atPath: path), SHA256.hex(Array(bytes)) == hash else { continue }
            done.insert(id)
            found.append(Found(id: id, oldKey: key, file: FileRows.inputFile(name: name, path: path)))
        }
        return found
    }
}

extension Store {
    /// Replaces the rows of versions read again, in one transaction, and settles which
    /// version of each report concerned (before and after) is current.
    func replace(_ versions: [(id: Int64, oldKey: String, name: String, rows: [[[CellValue]]])]) throws {
        try database.transaction {
            let insert = try Inserts(database)
            let deletes = try (Schema.rowTables.map(\.name) + ["csv_cache"]).map {
                try database.prepare("DELETE FROM \(Schema.quote($0)) WHERE version_id = ?")
            }
            let identify = try database.prepare("""
                UPDATE versions SET report_key = ?2, agency = ?3, region_code = ?4, year = ?5, kind = ?6, records = ?7, rejected = ?8
                WHERE id = ?1
                """)
            var keys = Set<String>()
            for version in versions {
                for delete in deletes { try delete.run([.integer(version.id)]) }
                try insert.rows(version.rows, of: version.id)
                let identity = ReportIdentity(rows: version.rows, name: version.name)
                try identify.run([
                    .integer(version.id), .text(identity.key), identity.agency.map(SQLValue.text) ?? .null,
                    identity.regionCode.map(SQLValue.text) ?? .null, identity.year.map(SQLValue.integer) ?? .null,
                    identity.kind.map(SQLValue.text) ?? .null, .integer(Int64(version.rows[0].count)), .integer(identity.rejected ? 1 : 0),
                ])
                keys.formUnion([version.oldKey, identity.key])
            }
            try updateStatus(of: keys)
        }
    }
}
