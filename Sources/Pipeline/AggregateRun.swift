import Foundation
import PerfevalCore
import CSVKit
import Ingest
import Aggregate
import Emit

/// `perfeval aggregate DIR...`: the comparative tables from the records, problems and
/// audits CSVs of earlier output folders (either header language, UTF-8 or GB18030).
/// `perfeval run` uses the same path on its own output folder, so both give the same bytes.
public enum AggregateRun {
    /// Most records `aggregate` takes at once: the comparative tables hold every record's
    /// figures (medians need them all), about 2 KB each with the grouping, so the bound
    /// keeps memory near 400 MB; past it `aggregate` stops with a message naming
    /// --max-records rather than exhausting the machine.
    public static let defaultMaxRecords = 200_000
    /// Largest table read in GB18030 (decoded whole, unlike UTF-8 tables, which stream).
    static let maxDecodedTable = 256 << 20
    /// Most distinct check names in audits.csv (the program writes about a dozen).
    static let maxChecks = 10_000

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
        var records: [RecordRow] = [], problems: [ProblemRow] = [], audits: [AuditEntry] = []
        var checks: [String] = [], checkIndex: [String: UInt32] = [:]
        let pool = StringPool()
        for directory in directories {
            var recordIndex: [String: Int32] = [:]
            try forEachRow(directory, "records.csv", Tables.recordColumns, required: ["file", "kind", "agency", "region_code", "year"], issues: issues) { row in
                guard records.count < maxRecords else {
                    throw PipelineError.fatal("more than \(maxRecords) records in \(directory.path): aggregate the folders in parts, or raise --max-records")
                }
                recordIndex[row["file"] + "\u{1}" + row["project"]] = Int32(records.count)
                records.append(recordRow(row, pool: pool, issues: issues))
            }
            try forEachRow(directory, "problems.csv", Tables.problemColumns, required: ["file", "categories"], issues: issues) {
                problems.append(ProblemRow(file: pool.intern($0["file"]), categories: $0["categories"].split(separator: ";").map { pool.intern(String($0)) }))
            }
            try forEachRow(directory, "audits.csv", Tables.auditColumns, required: ["file", "check", "status"], issues: issues) { row in
                guard let record = recordIndex[row["file"] + "\u{1}" + row["project"]] else { return }
                let name = row["check"]
                guard let check = checkIndex[name] ?? (checks.count < maxChecks ? UInt32(checks.count) : nil) else {
                    issues.note(row, "more than \(maxChecks) distinct check names: row skipped")
                    return
                }
                if check == UInt32(checks.count) { checks.append(name); checkIndex[name] = check }
                let status: AuditEntry.Status = row["status"] == "finding" ? .finding : row["status"] == "not_applicable" ? .notApplicable : .ok
                audits.append(AuditEntry(record: record, check: check, status: status))
            }
        }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        for table in Aggregator(records: records, problems: problems, audits: audits, checks: checks, filter: filter).tables() {
            try Emit.write(table, to: output, headers: headers, encoding: encoding)
        }
    }

    /// A row of an output table, its cells found by English column name whatever the
    /// header language; `file` and `line` say where it came from, for messages.
    struct NamedRow {
        let cells: [String]
        let index: [String: Int]
        let file: String
        let line: Int
        subscript(_ column: String) -> String {
            guard let position = index[column], position < cells.count else { return "" }
            return cells[position]
        }
    }

    /// Streams the rows of one output table of `directory` to `body`. A table without one
    /// of the `required` columns is an error naming the file and the column; rows shorter
    /// than the header are noted and still read (missing cells empty).
    static func forEachRow(_ directory: URL, _ name: String, _ columns: [Column], required: [String], issues: RowIssues,
                           _ body: @escaping (NamedRow) throws -> Void) throws {
        let url = directory.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw PipelineError.usage("'\(directory.path)' holds no \(name): give output folders of perfeval run")
        }
        guard !isDirectory.boolValue else { throw PipelineError.usage("'\(url.path)' is a folder, not a table: give output folders of perfeval run") }
        guard let head = FileHandle(forReadingAtPath: url.path).map({ handle in defer { try? handle.close() }; return handle.readData(ofLength: 3) }) else {
            throw PipelineError.usage("'\(url.path)' cannot be read (permission denied?)")
        }
        var english: [String: String] = [:]
        for column in columns { english[column.en] = column.en; english[column.zh] = column.en }
        var index: [String: Int]?, width = 0, line = 0
        var failure: Error?
        let handle: ([String]) -> Bool = { cells in
            guard failure == nil else { return true }
            line += 1
            guard let known = index else {
                let found = Dictionary(cells.enumerated().map { (english[$0.element] ?? $0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
                if let missing = required.first(where: { found[$0] == nil }) {
                    let zh = columns.first { $0.en == missing }?.zh ?? missing
                    failure = PipelineError.fatal("\(url.path): no column \(missing) (\(zh)) in the header line: not a table written by perfeval run")
                }
                index = found; width = cells.count
                return failure != nil
            }
            let row = NamedRow(cells: cells, index: known, file: url.path, line: line)
            if cells.count < width { issues.note(row, "\(cells.count) cells where the header has \(width): missing cells read as empty") }
            do { try body(row) } catch { failure = error }
            return failure != nil   // a fatal problem: stop reading the rest of the file
        }
        do {
            // Our UTF-8 tables start with a BOM and are streamed; others (GB18030) are decoded whole.
            if head.starts(with: [0xEF, 0xBB, 0xBF]) {
                try CSV.forEachRow(inFile: url.path, until: handle)
            } else {
                // Decoded whole: bounded, the streamed UTF-8 form has no such bound.
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                guard size <= maxDecodedTable else {
                    throw PipelineError.fatal("\(url.path): a GB18030 table over \(maxDecodedTable >> 20) MB; write the run's tables in UTF-8 (--encoding utf8) to aggregate them")
                }
                let bytes = FileManager.default.contents(atPath: url.path).map(Array.init) ?? []
                try CSV.forEachRow(try TextDecoder.decode(bytes).utf8) { _ = handle($0) }
            }
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.fatal("\(url.path): \(error)")
        }
        if let failure { throw failure }
        if index == nil { throw PipelineError.fatal("\(url.path): empty file, no header line") }
    }

    static func recordRow(_ row: NamedRow, pool: StringPool, issues: RowIssues) -> RecordRow {
        func text(_ key: String) -> String { pool.intern(row[key]) }
        func decimal(_ key: String) -> ExactDecimal? {
            let cell = row[key]
            guard !cell.isEmpty else { return nil }
            guard let value = ExactDecimal(cell), value.isPlausible else {
                issues.note(row, "column \(key): '\(cell.prefix(40))' is not a usable number: read as empty")
                return nil
            }
            return value
        }
        // Years, staff counts and finding counts within sane bounds (a year of Int.min
        // would overflow `year - 1`).
        func integer(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            let cell = row[key]
            guard !cell.isEmpty else { return nil }
            guard let value = Int(cell), range.contains(value) else {
                issues.note(row, "column \(key): '\(cell.prefix(40))' is not a number in \(range.lowerBound)…\(range.upperBound): read as empty")
                return nil
            }
            return value
        }
        return RecordRow(file: row["file"], kind: text("kind"), project: row["project"], agency: text("agency"),
                         province: text("province"), prefecture: text("prefecture"), county: text("county"),
                         regionCode: text("region_code"), year: integer("year", 1900...2200), budgetFull: decimal("budget_full_wan"),
                         executed: decimal("executed_wan"), executionRate: decimal("execution_rate_pct"), score: decimal("score_total"),
                         grade: text("grade"), staffActual: integer("staff_actual", 0...10_000_000), basicExp: decimal("basic_exp_wan"),
                         projectExp: decimal("project_exp_wan"), personnelShare: decimal("personnel_share_pct"),
                         auditFindings: integer("audit_findings", 0...1_000_000) ?? 0)
    }

    /// `2023` or `2021-2023`.
    public static func years(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), let first = parts.first ?? nil, let last = parts.last ?? nil, first <= last else { return nil }
        return first...last
    }
}

/// Shares the storage of repeated strings (agency, region and category names recur on
/// thousands of rows), so that an aggregate over many records holds each name once.
final class StringPool {
    private var strings: Set<String> = []
    func intern(_ text: String) -> String {
        if text.utf8.count <= 15 { return text }   // small strings live inline anyway
        if let known = strings.firstIndex(of: text) { return strings[known] }
        strings.insert(text)
        return text
    }
}

/// Problems met in the rows of the input tables: the first few printed with file and row,
/// then a count, so a damaged table is reported without flooding the terminal.
final class RowIssues {
    let log: (String) -> Void
    private(set) var count = 0
    static let shown = 20
    init(log: @escaping (String) -> Void) { self.log = log }

    func note(_ row: AggregateRun.NamedRow, _ message: String) {
        count += 1
        if count <= Self.shown { log("perfeval aggregate: \(row.file), row \(row.line): \(message)") }
    }

    func finish() {
        if count > Self.shown { log("perfeval aggregate: \(count - Self.shown) more rows with problems not shown") }
    }
}
