import Foundation
import PerfevalCore
import CSVKit
import Ingest
import Aggregate
import Emit

/// `perfeval aggregate DIR...`: the comparative tables from the records, problems and
/// audits CSVs of earlier output folders (either header language, UTF-8 or GB18030). The
/// three tables are walked side by side, one report at a time, so memory does not grow with
/// the number of reports. `perfeval run` hands its rows, as written, to the same aggregator.
public enum AggregateRun {
    /// Most records held at once when the tables of a folder do not list their files in one
    /// order (tables edited by hand): then every row is read before the tables are joined,
    /// about 2 KB per record, and past the bound `aggregate` stops with a message naming
    /// --max-records rather than exhausting the machine. Tables written by perfeval stream.
    public static let defaultMaxRecords = 200_000
    /// Largest table read in GB18030 (decoded whole, unlike UTF-8 tables, which stream).
    static let maxDecodedTable = 256 << 20

    /// `perfeval aggregate`: the comparative tables written into `out` as one set (staged,
    /// locked and swapped in like a run's outputs; other files of `out` are kept).
    public static func runInto(directories: [URL], out: URL, headers: HeaderLanguage, encoding: OutputEncoding,
                               filter: AggregateFilter, maxRecords: Int = defaultMaxRecords,
                               alsoWrite: (URL) throws -> Void = { _ in }) throws {
        Interruption.install()
        let output = try OutputSet(out)
        do {
            try run(directories: directories, into: output.directory, headers: headers, encoding: encoding, filter: filter, maxRecords: maxRecords)
            // The review files read the folder's own tables too: they must be in the staging folder.
            output.carryOver()
            try alsoWrite(output.directory)
            try output.commit()
        } catch {
            output.abandon()
            if error is PipelineError { throw error }
            throw PipelineError.fatal("writing the comparative tables for \(out.path) failed: \(error.readable); earlier output left as it was")
        }
    }

    public static func run(directories: [URL], into output: URL, headers: HeaderLanguage, encoding: OutputEncoding,
                           filter: AggregateFilter, maxRecords: Int = defaultMaxRecords,
                           log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws {
        let issues = RowIssues(log: log)
        defer { issues.finish() }
        var aggregator = Aggregator(filter: filter)
        do {
            for directory in directories { try streamReports(directory, into: &aggregator, issues: issues) }
        } catch is NotInFileOrder {
            aggregator = try joinedByFile(directories, filter: filter, maxRecords: maxRecords, issues: issues)
        }
        if aggregator.skippedAudits > 0 {
            log("perfeval aggregate: \(aggregator.skippedAudits) audit rows skipped: more than \(Aggregator.maxChecks) distinct check names")
        }
        try write(aggregator, into: output, headers: headers, encoding: encoding)
    }

    /// The comparative tables of `aggregator` written into `output`, each table on one of up
    /// to `jobs` threads (each to its own file: the bytes do not depend on `jobs`). The first
    /// failure, in the order of the tables, is thrown.
    static func write(_ aggregator: Aggregator, into output: URL, headers: HeaderLanguage, encoding: OutputEncoding, jobs: Int = 1) throws {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let tables = aggregator.streamedTables()
        try Parallel.forEachIndex(tables.count, jobs: jobs) { try write(tables[$0], into: output, headers: headers, encoding: encoding) }
    }

    private static func write(_ table: Aggregator.StreamedTable, into output: URL, headers: HeaderLanguage, encoding: OutputEncoding) throws {
        let writer = try TableWriter(fileName: table.fileName, columns: table.columns, directory: output, headers: headers, encoding: encoding)
        var sink: any TableSink = WritingSink(writer)
        try table.rows(&sink)
        var rows = sink as! WritingSink   // the sink handed in, its last rows not yet written
        try rows.finish()
    }

    /// Rows encoded as they come and handed to a table's writer a megabyte or so at a time,
    /// so a table is never held whole; the first write error is thrown by `finish`. A value
    /// (not a class): each cell written is then no checked access to a shared object.
    struct WritingSink: TableSink {
        private var csv = CSVTableSink()
        private let writer: TableWriter
        private var failure: Error?

        init(_ writer: TableWriter) { self.writer = writer }

        mutating func cell(_ value: CellValue) { csv.cell(value) }
        mutating func text(_ value: String?) { csv.text(value) }
        mutating func number(_ value: Int?) { csv.number(value) }
        mutating func endRow() {
            csv.endRow()
            if csv.count >= 1 << 20 { flush() }
        }

        private mutating func flush() {
            csv.drain { bytes in
                guard failure == nil else { return }
                do { try writer.appendEncoded(bytes) } catch { failure = error }
            }
        }

        /// The rest of the rows written, the table closed.
        mutating func finish() throws {
            flush()
            if let failure { throw failure }
            try writer.finish()
        }
    }

    struct NotInFileOrder: Error {}

    /// Walks records.csv, problems.csv and audits.csv of `directory` side by side (see
    /// `streamReports(records:problems:audits:)`).
    static func streamReports(_ directory: URL, into aggregator: inout Aggregator, issues: RowIssues) throws {
        let records = try TableReader(directory, "records.csv", Tables.recordColumns, required: ["file", "kind", "agency", "region_code", "year"], issues: issues)
        let problems = try TableReader(directory, "problems.csv", Tables.problemColumns, required: ["file", "categories"], issues: issues)
        let audits = try TableReader(directory, "audits.csv", Tables.auditColumns, required: ["file", "check", "status"], issues: issues)
        try streamReports(records: records.next, problems: problems.next, audits: audits.next, into: &aggregator, issues: issues)
    }

    /// A run writes each file's rows together and the files in the same order in every
    /// table, so each report's records, problems and audits are gathered and added before
    /// the next report is read. Throws `NotInFileOrder` when problems or audits rows are
    /// left over at the end (then the sources must be joined by file instead).
    static func streamReports(records: () throws -> NamedRow?, problems: () throws -> NamedRow?, audits: () throws -> NamedRow?,
                              into aggregator: inout Aggregator, issues: RowIssues) throws {
        var nextRecord = try records(), nextProblem = try problems(), nextAudit = try audits()
        while let first = nextRecord {
            let file = first["file"]
            var report = ReportRows()
            while let row = nextRecord, row["file"] == file { report.records.append(recordRow(row, issues: issues)); nextRecord = try records() }
            while let row = nextProblem, row["file"] == file { report.problemCategories.append(categories(row)); nextProblem = try problems() }
            while let row = nextAudit, row["file"] == file { report.audits.append(auditRow(row)); nextAudit = try audits() }
            try aggregator.add(report)
        }
        if nextProblem != nil || nextAudit != nil { throw NotInFileOrder() }
    }

    /// Reads every row of every folder first, then joins them by file: for tables whose
    /// files are not in one order. Bounded by `maxRecords`.
    static func joinedByFile(_ directories: [URL], filter: AggregateFilter, maxRecords: Int, issues: RowIssues) throws -> Aggregator {
        var input = ComparativeInput(issues: issues)
        for (source, directory) in directories.enumerated() {
            let records = try TableReader(directory, "records.csv", Tables.recordColumns, required: ["file", "kind", "agency", "region_code", "year"], issues: issues)
            while let row = try records.next() {
                guard input.recordCount < maxRecords else {
                    throw PipelineError.fatal("more than \(maxRecords) records in \(directory.path), whose tables do not list their files in one order: aggregate the folders in parts, or raise --max-records")
                }
                input.add(recordRow(row, issues: issues), source: source)
            }
            let problems = try TableReader(directory, "problems.csv", Tables.problemColumns, required: ["file", "categories"], issues: issues)
            while let row = try problems.next() { input.add(problem: categories(row), file: row["file"], source: source) }
            let audits = try TableReader(directory, "audits.csv", Tables.auditColumns, required: ["file", "check", "status"], issues: issues)
            while let row = try audits.next() { input.add(audit: auditRow(row), file: row["file"], source: source) }
        }
        return try input.aggregator(filter: filter)
    }

    /// A row of an output table, its cells found by English column name whatever the
    /// header language; `file` and `line` say where it came from, for messages.
    struct NamedRow {
        let cells: [String]
        let index: ColumnIndex
        let file: String
        let line: Int
        subscript(_ column: String) -> String { self[index.positions[column]] }
        /// The cell at `position` (empty when there is no such column or cell).
        subscript(_ position: Int?) -> String {
            guard let position, position < cells.count else { return "" }
            return cells[position]
        }
    }

    /// A table's columns by English name, shared by its rows; where the columns a records
    /// row is read by stand is found once, not looked up cell by cell.
    final class ColumnIndex {
        let positions: [String: Int]
        let record: RecordColumns
        init(_ positions: [String: Int]) {
            self.positions = positions
            record = RecordColumns(positions)
        }
    }

    /// Where the records.csv columns the comparative tables read stand (nil: not in the table).
    struct RecordColumns {
        let file, kind, project, agency, province, prefecture, county, regionCode, year, budgetFull, executed: Int?
        let executionRate, score, grade, staffActual, basicExp, projectExp, personnelShare, auditFindings: Int?
        init(_ positions: [String: Int]) {
            file = positions["file"]; kind = positions["kind"]; project = positions["project"]; agency = positions["agency"]
            province = positions["province"]; prefecture = positions["prefecture"]; county = positions["county"]
            regionCode = positions["region_code"]; year = positions["year"]; budgetFull = positions["budget_full_wan"]
            executed = positions["executed_wan"]; executionRate = positions["execution_rate_pct"]; score = positions["score_total"]
            grade = positions["grade"]; staffActual = positions["staff_actual"]; basicExp = positions["basic_exp_wan"]
            projectExp = positions["project_exp_wan"]; personnelShare = positions["personnel_share_pct"]
            auditFindings = positions["audit_findings"]
        }
    }

    /// The rows of one output table of `directory`, pulled one at a time. A table without one
    /// of the `required` columns is an error naming the file and the column; rows shorter
    /// than the header are noted and still read (missing cells empty).
    final class TableReader {
        let url: URL
        private let reader: CSVFileReader
        private let index: ColumnIndex
        private let width: Int
        private var line = 1
        private let issues: RowIssues

        init(_ directory: URL, _ name: String, _ columns: [Column], required: [String], issues: RowIssues) throws {
            url = directory.appendingPathComponent(name)
            self.issues = issues
            let reader = try Self.open(url, directory: directory, name: name)
            self.reader = reader
            guard let header = try Self.reading(url, { try reader.next() }) else { throw PipelineError.fatal("\(url.path): empty file, no header line") }
            var english: [String: String] = [:]
            for column in columns { english[column.en] = column.en; english[column.zh] = column.en }
            index = ColumnIndex(Dictionary(header.enumerated().map { (english[$0.element] ?? $0.element, $0.offset) }, uniquingKeysWith: { first, _ in first }))
            width = header.count
            if let missing = required.first(where: { index.positions[$0] == nil }) {
                let zh = columns.first { $0.en == missing }?.zh ?? missing
                throw PipelineError.fatal("\(url.path): no column \(missing) (\(zh)) in the header line: not a table written by perfeval run")
            }
        }

        /// The next row, nil at the end of the table.
        func next() throws -> NamedRow? {
            guard let cells = try Self.reading(url, { try reader.next() }) else { return nil }
            line += 1
            let row = NamedRow(cells: cells, index: index, file: url.path, line: line)
            if cells.count < width { issues.note(row, "\(cells.count) cells where the header has \(width): missing cells read as empty") }
            return row
        }

        /// Our UTF-8 tables start with a BOM and are streamed; others (GB18030) are decoded whole.
        private static func open(_ url: URL, directory: URL, name: String) throws -> CSVFileReader {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw PipelineError.usage("'\(directory.path)' holds no \(name): give output folders of perfeval run")
            }
            guard !isDirectory.boolValue else { throw PipelineError.usage("'\(url.path)' is a folder, not a table: give output folders of perfeval run") }
            guard let head = FileHandle(forReadingAtPath: url.path).map({ handle in defer { try? handle.close() }; return handle.readData(ofLength: 3) }) else {
                throw PipelineError.usage("'\(url.path)' cannot be read (permission denied?)")
            }
            if head.starts(with: [0xEF, 0xBB, 0xBF]) { return try reading(url) { try CSVFileReader(path: url.path) } }
            // Decoded whole: bounded, the streamed UTF-8 form has no such bound.
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            guard size <= maxDecodedTable else {
                throw PipelineError.fatal("\(url.path): a GB18030 table over \(maxDecodedTable >> 20) MB; write the run's tables in UTF-8 (--encoding utf8) to aggregate them")
            }
            let bytes = FileManager.default.contents(atPath: url.path).map(Array.init) ?? []
            return try reading(url) { try CSVFileReader(bytes: Array(try TextDecoder.decode(bytes).utf8), name: url.path) }
        }

        /// `body`, its errors other than ours reported as a fatal problem of the table at `url`.
        private static func reading<T>(_ url: URL, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as PipelineError {
                throw error
            } catch {
                throw PipelineError.fatal("\(url.path): \(error)")
            }
        }
    }

    /// A problems.csv row's categories (`;`-separated codes).
    static func categories(_ row: NamedRow) -> [String] { categories(row["categories"]) }

    /// The codes of a `categories` cell. ASCII text (taxonomy codes are) is split on its
    /// bytes, which is the same as splitting its characters and faster.
    static func categories(_ cell: String) -> [String] {
        guard cell.utf8.allSatisfy({ $0 < 0x80 }) else { return cell.split(separator: ";").map(String.init) }
        return cell.utf8.split(separator: UInt8(ascii: ";")).map { String(Substring($0)) }
    }

    static func auditRow(_ row: NamedRow) -> AuditRow { AuditRow(project: row["project"], check: row["check"], statusCell: row["status"]) }

    static func recordRow(_ row: NamedRow, issues: RowIssues) -> RecordRow {
        let columns = row.index.record
        func decimal(_ key: String, _ position: Int?) -> ExactDecimal? {
            let cell = row[position]
            guard !cell.isEmpty else { return nil }
            guard let value = ExactDecimal(cell), value.isPlausible else {
                issues.note(row, "column \(key): '\(cell.prefix(40))' is not a usable number: read as empty")
                return nil
            }
            return value
        }
        // Years, staff counts and finding counts within sane bounds (a year of Int.min
        // would overflow `year - 1`).
        func integer(_ key: String, _ position: Int?, _ range: ClosedRange<Int>) -> Int? {
            let cell = row[position]
            guard !cell.isEmpty else { return nil }
            guard let value = Int(cell), range.contains(value) else {
                issues.note(row, "column \(key): '\(cell.prefix(40))' is not a number in \(range.lowerBound)…\(range.upperBound): read as empty")
                return nil
            }
            return value
        }
        return RecordRow(file: row[columns.file], kind: row[columns.kind], project: row[columns.project], agency: row[columns.agency],
                         province: row[columns.province], prefecture: row[columns.prefecture], county: row[columns.county],
                         regionCode: row[columns.regionCode], year: integer("year", columns.year, 1900...2200),
                         budgetFull: decimal("budget_full_wan", columns.budgetFull), executed: decimal("executed_wan", columns.executed),
                         executionRate: decimal("execution_rate_pct", columns.executionRate), score: decimal("score_total", columns.score),
                         grade: row[columns.grade], staffActual: integer("staff_actual", columns.staffActual, 0...10_000_000),
                         basicExp: decimal("basic_exp_wan", columns.basicExp), projectExp: decimal("project_exp_wan", columns.projectExp),
                         personnelShare: decimal("personnel_share_pct", columns.personnelShare),
                         auditFindings: integer("audit_findings", columns.auditFindings, 0...1_000_000) ?? 0)
    }

    /// `2023` or `2021-2023`.
    public static func years(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), let first = parts.first ?? nil, let last = parts.last ?? nil, first <= last else { return nil }
        return first...last
    }
}

/// Problems met in the rows of the input tables: the first few printed with file and row,
/// then a count, so a damaged table is reported without flooding the terminal.
final class RowIssues {
    let log: (String) -> Void
    private(set) var count = 0
    static let shown = 20
    init(log: @escaping (String) -> Void) { self.log = log }
    /// Problems noted on standard error (for callers without a log of their own: the store).
    static func onStandardError() -> RowIssues { RowIssues { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } }

    func note(_ row: AggregateRun.NamedRow, _ message: String) {
        count += 1
        if count <= Self.shown { log("perfeval aggregate: \(row.file), row \(row.line): \(message)") }
    }

    func finish() {
        if count > Self.shown { log("perfeval aggregate: \(count - Self.shown) more rows with problems not shown") }
    }
}
