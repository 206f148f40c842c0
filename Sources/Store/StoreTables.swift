import Foundation
import PerfevalCore
import Dispatch
import Emit
import Aggregate
import Pipeline

/// Writes every table from a store: the per-report tables, history.csv and the comparative
/// tables, each on its own read connection (WAL lets readers run side by side), `jobs` at
/// a time; each file is written to a temporary file and renamed into place.
enum StoreTables {
    static func write(store path: String, to directory: URL, headers: HeaderLanguage, encoding: OutputEncoding,
                      filter: AggregateFilter, jobs: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The comparative tables take longest: started first, the others fill the other threads.
        var work: [(Database) throws -> Void] = [{ try writeComparative(from: $0, to: directory, headers: headers, encoding: encoding, filter: filter) }]
        work += Schema.rowTables.map { table in
            { try writeRows(of: table, from: $0, to: directory, headers: headers, encoding: encoding) }
        }
        work.append { try writeHistory(from: $0, to: directory, headers: headers, encoding: encoding) }
        try Parallel.forEachIndex(work.count, jobs: jobs) { try work[$0](try Database(path: path)) }
    }

    /// One per-report table from the current versions, in file-name order (as `run` orders
    /// a folder), rows of a version in their order: each version's rows as CSV text kept
    /// when it was stored, or encoded again from its rows when that text was dropped.
    static func writeRows(of table: Schema.RowTable, from database: Database, to directory: URL,
                          headers: HeaderLanguage, encoding: OutputEncoding) throws {
        let writer = try TableWriter(fileName: table.fileName, columns: table.columns, directory: directory, headers: headers, encoding: encoding)
        let versions = try database.prepare("""
            SELECT v.id, c.utf8 FROM versions v LEFT JOIN csv_cache c ON c.version_id = v.id AND c.table_name = ?
            WHERE v.status = 'current' ORDER BY v.name, v.id
            """)
        try versions.bind([.text(table.name)])
        let rows = try database.prepare("SELECT \(table.quotedColumns) FROM \(Schema.quote(table.name)) WHERE version_id = ? ORDER BY seq")
        var pending: [UInt8] = []
        while try versions.step() {
            if case .blob(let utf8) = versions.column(1) {
                pending += utf8
            } else {
                try rows.bind([versions.column(0)])
                var cells: [[CellValue]] = []
                while try rows.step() { cells.append(rows.row().map(Store.cell)) }
                pending += try Emit.encodeRows(cells, encoding: .utf8)
            }
            if pending.count >= 1 << 20 { try writer.appendEncoded(pending); pending.removeAll(keepingCapacity: true) }
        }
        try writer.appendEncoded(pending)
        try writer.finish()
    }

    /// The comparative tables from the current versions' records, problems and audits,
    /// read as `aggregate` reads those CSV tables and computed by the same aggregator.
    static func writeComparative(from database: Database, to directory: URL, headers: HeaderLanguage, encoding: OutputEncoding,
                                 filter: AggregateFilter) throws {
        // The three queries list versions in one order: walked side by side, one report at a time.
        let records = try currentRows(of: "records", columns: Schema.rowTables[0].quotedColumns, in: database)
        let problems = try currentRows(of: "problems", columns: "file, categories", in: database)
        let audits = try currentRows(of: "audits", columns: #"file, project, "check", status"#, in: database)
        if try ComparativeStream.write(records: records, problems: problems, audits: audits, into: directory,
                                       headers: headers, encoding: encoding, filter: filter) { return }
        var input = ComparativeInput()
        try forEachCurrentRow(of: "records", columns: Schema.rowTables[0].quotedColumns, in: database) { input.addRecord($0) }
        try forEachCurrentRow(of: "problems", columns: "file, categories", in: database) { input.addProblem(file: $0[0], categories: $0[1]) }
        try forEachCurrentRow(of: "audits", columns: #"file, project, "check", status"#, in: database) {
            input.addAudit(file: $0[0], project: $0[1], check: $0[2], status: $0[3])
        }
        try input.write(into: directory, headers: headers, encoding: encoding, filter: filter)
    }

    /// The cells of a per-report table's rows of the current versions as the CSV shows them.
    static func forEachCurrentRow(of table: String, columns: String, in database: Database, _ body: ([String]) -> Void) throws {
        let next = try currentRows(of: table, columns: columns, in: database)
        while let row = try next() { body(row) }
    }

    /// The same rows pulled one at a time (nil after the last).
    static func currentRows(of table: String, columns: String, in database: Database) throws -> () throws -> [String]? {
        let select = try database.prepare("""
            SELECT \(columns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM versions v JOIN \(Schema.quote(table)) t ON t.version_id = v.id
            WHERE v.status = 'current' ORDER BY v.name, v.id, t.seq
            """)
        return { try select.step() ? select.row().map { $0.string ?? "" } : nil }
    }

    static let historyColumns = [
        Column("report_key", "报告标识"), Column("file", "文件"), Column("sha256", "SHA-256"), Column("file_date", "文件日期"),
        Column("read_at", "读入时间"), Column("status", "状态"), Column("agency", "单位名称"), Column("region_code", "行政区划代码"),
        Column("year", "年度"), Column("kind", "类型"), Column("records", "记录数"),
    ]

    /// history.csv: every version of every report, superseded ones included (the `history` view).
    static func writeHistory(from database: Database, to directory: URL, headers: HeaderLanguage, encoding: OutputEncoding) throws {
        let writer = try TableWriter(fileName: "history.csv", columns: historyColumns, directory: directory, headers: headers, encoding: encoding)
        let select = try database.prepare("SELECT \(historyColumns.map { Schema.quote($0.en) }.joined(separator: ", ")) FROM history")
        let numeric: Set<String> = ["year", "records"]
        var rows: [[CellValue]] = []   // written 4,096 at a time: the history grows with every update
        while try select.step() {
            rows.append(zip(historyColumns, select.row()).map { column, value in
                numeric.contains(column.en) ? value.string.map { CellValue.number($0) } ?? .empty : .text(value.string)
            })
            if rows.count == 4096 { try writer.append(rows); rows.removeAll(keepingCapacity: true) }
        }
        try writer.append(rows)
        try writer.finish()
    }
}
