import Foundation
import Extract
import Normalize
import Emit
import Aggregate

/// The reading of `run`, file by file, for a caller that keeps the rows (the store): each
/// file goes through the same ingest → extract → normalize → compute, and comes back as
/// the rows it contributes to each per-report table of `FileRows.layouts`.
public struct FileRows {
    /// The per-report tables (records.csv … warnings.csv), in the order of `rows(of:jobs:)`.
    public static var layouts: [(fileName: String, columns: [Column])] { Tables.layouts }
    /// The comparative tables that `AggregateRun` writes from the per-report ones.
    public static var comparativeFileNames: [String] { Tables.comparativeFileNames }

    let reference: ReferenceData
    let extractor: Extractor
    let normalizer: Normalizer

    public init(reference: ReferenceData) {
        self.reference = reference
        extractor = Extractor(labels: reference.labels)
        normalizer = Normalizer(gazetteer: reference.gazetteer)
    }

    /// For each file, in input order: its rows for each table of `layouts`, read on `jobs` threads.
    public func rows(of files: [InputFile], jobs: Int) -> [[[[CellValue]]]] {
        let outcomes = Pipeline.processAll(files, jobs: jobs) { file in
            Pipeline.process(file, extractor: extractor, normalizer: normalizer, taxonomy: reference.taxonomy, noise: reference.noise)
        }
        return zip(files, outcomes).map { Tables.rows(for: $0, outcome: $1) }
    }
}

/// The input of the comparative tables gathered row by row from a source other than
/// output folders (the store), read as `AggregateRun` reads records.csv, problems.csv and
/// audits.csv (cells as written in those tables), then handed to the same `Aggregator`.
public struct ComparativeInput {
    var records: [RecordRow] = [], problems: [ProblemRow] = [], audits: [AuditEntry] = []
    var checks: [String] = [], checkIndex: [String: UInt32] = [:], recordIndex: [String: Int32] = [:]
    let recordColumns = Dictionary(uniqueKeysWithValues: Tables.recordColumns.enumerated().map { ($0.element.en, $0.offset) })
    let pool = StringPool()
    /// Unusable cells (issue 11: bounded years, plausible amounts) are noted on standard error.
    let issues = RowIssues(log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })

    public init() {}

    /// A records.csv row, its cells in the order of the table's columns.
    public mutating func addRecord(_ cells: [String]) {
        let row = AggregateRun.NamedRow(cells: cells, index: recordColumns, file: "store records", line: records.count + 1)
        recordIndex[row["file"] + "\u{1}" + row["project"]] = Int32(records.count)
        records.append(AggregateRun.recordRow(row, pool: pool, issues: issues))
    }

    public mutating func addProblem(file: String, categories: String) {
        problems.append(ProblemRow(file: file, categories: categories.split(separator: ";").map(String.init)))
    }

    public mutating func addAudit(file: String, project: String, check name: String, status: String) {
        guard let record = recordIndex[file + "\u{1}" + project] else { return }
        guard let check = checkIndex[name] ?? (checks.count < AggregateRun.maxChecks ? UInt32(checks.count) : nil) else { return }
        if check == UInt32(checks.count) { checks.append(name); checkIndex[name] = check }
        let entry: AuditEntry.Status = status == "finding" ? .finding : status == "not_applicable" ? .notApplicable : .ok
        audits.append(AuditEntry(record: record, check: check, status: entry))
    }

    /// Writes the comparative tables into `output`, as `AggregateRun.run` does.
    public func write(into output: URL, headers: HeaderLanguage, encoding: OutputEncoding, filter: AggregateFilter) throws {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        for table in Aggregator(records: records, problems: problems, audits: audits, checks: checks, filter: filter).tables() {
            try Emit.write(table, to: output, headers: headers, encoding: encoding)
        }
    }
}

extension FileRows {
    /// A file to read under the name it has in the tables (a stored report read again).
    public static func inputFile(name: String, path: String) -> InputFile { InputFile(path: path, name: name) }
}
