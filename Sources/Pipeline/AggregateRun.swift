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
    public static func run(directories: [URL], into output: URL, headers: HeaderLanguage, encoding: OutputEncoding,
                           filter: AggregateFilter) throws {
        var records: [RecordRow] = [], problems: [ProblemRow] = [], audits: [AuditEntry] = []
        var checks: [String] = [], checkIndex: [String: UInt16] = [:]
        for directory in directories {
            var recordIndex: [String: Int32] = [:]
            try forEachRow(directory, "records.csv", Tables.recordColumns) {
                recordIndex[$0["file"] + "\u{1}" + $0["project"]] = Int32(records.count)
                records.append(recordRow($0))
            }
            try forEachRow(directory, "problems.csv", Tables.problemColumns) {
                problems.append(ProblemRow(file: $0["file"], categories: $0["categories"].split(separator: ";").map(String.init)))
            }
            try forEachRow(directory, "audits.csv", Tables.auditColumns) { row in
                guard let record = recordIndex[row["file"] + "\u{1}" + row["project"]] else { return }
                let name = row["check"]
                let check = checkIndex[name] ?? { checks.append(name); checkIndex[name] = UInt16(checks.count - 1); return UInt16(checks.count - 1) }()
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
    /// header language.
    struct NamedRow {
        let cells: [String]
        let index: [String: Int]
        subscript(_ column: String) -> String {
            guard let position = index[column], position < cells.count else { return "" }
            return cells[position]
        }
    }

    /// Streams the rows of one output table of `directory` to `body`.
    static func forEachRow(_ directory: URL, _ name: String, _ columns: [Column], _ body: @escaping (NamedRow) -> Void) throws {
        let url = directory.appendingPathComponent(name)
        guard let head = FileHandle(forReadingAtPath: url.path).map({ handle in defer { try? handle.close() }; return handle.readData(ofLength: 3) }) else {
            throw PipelineError.usage("'\(directory.path)' holds no \(name): give output folders of perfeval run")
        }
        var english: [String: String] = [:]
        for column in columns { english[column.en] = column.en; english[column.zh] = column.en }
        var index: [String: Int]?
        let handle: ([String]) -> Void = { cells in
            guard let known = index else {
                index = Dictionary(cells.enumerated().map { (english[$0.element] ?? $0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
                return
            }
            body(NamedRow(cells: cells, index: known))
        }
        do {
            // Our UTF-8 tables start with a BOM and are streamed; others (GB18030) are decoded whole.
            if head.starts(with: [0xEF, 0xBB, 0xBF]) {
                try CSV.forEachRow(inFile: url.path, handle)
            } else {
                let bytes = FileManager.default.contents(atPath: url.path).map(Array.init) ?? []
                try CSV.forEachRow(try TextDecoder.decode(bytes).utf8, handle)
            }
        } catch {
            throw PipelineError.fatal("\(url.path): \(error)")
        }
    }

    static func recordRow(_ row: NamedRow) -> RecordRow {
        func text(_ key: String) -> String { row[key] }
        func decimal(_ key: String) -> ExactDecimal? { ExactDecimal(text(key)) }
        func integer(_ key: String) -> Int? { Int(text(key)) }
        return RecordRow(file: text("file"), kind: text("kind"), project: text("project"), agency: text("agency"),
                         province: text("province"), prefecture: text("prefecture"), county: text("county"),
                         regionCode: text("region_code"), year: integer("year"), budgetFull: decimal("budget_full_wan"),
                         executed: decimal("executed_wan"), executionRate: decimal("execution_rate_pct"), score: decimal("score_total"),
                         grade: text("grade"), staffActual: integer("staff_actual"), basicExp: decimal("basic_exp_wan"),
                         projectExp: decimal("project_exp_wan"), personnelShare: decimal("personnel_share_pct"),
                         auditFindings: integer("audit_findings") ?? 0)
    }

    /// `2023` or `2021-2023`.
    public static func years(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), let first = parts.first ?? nil, let last = parts.last ?? nil, first <= last else { return nil }
        return first...last
    }
}
