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
        return zip(files, outcomes).map { file, outcome in
            var tables = [CellRowSink](repeating: CellRowSink(), count: Tables.layouts.count)
            Tables.write(file, outcome, into: &tables)
            return tables.map(\.rows)
        }
    }
}

/// Rows of records, problems and audits gathered from a source whose rows are not grouped
/// by file (the store's queries; tables edited by hand), joined by file and then handed to
/// the aggregator report by report, in the order the records came. Holds every row until
/// then. Cells are read as `AggregateRun` reads records.csv, problems.csv and audits.csv.
public struct ComparativeInput {
    private var reports: [String: ReportRows] = [:]
    private var order: [String] = []
    private(set) var recordCount = 0
    /// Unusable cells (issue 11: bounded years, plausible amounts) are noted on standard error.
    let issues: RowIssues

    public init() { self.init(issues: .onStandardError()) }
    init(issues: RowIssues) { self.issues = issues }

    /// `source` tells apart files of the same name in different folders.
    private func key(_ file: String, _ source: Int) -> String { "\(source)\u{1}\(file)" }

    mutating func add(_ record: RecordRow, source: Int) {
        let key = key(record.file, source)
        if reports[key] == nil { order.append(key) }
        reports[key, default: ReportRows()].records.append(record)
        recordCount += 1
    }

    /// Problems and audits of a file without records are left out, as in a run's tables.
    mutating func add(problem categories: [String], file: String, source: Int) {
        reports[key(file, source)]?.problemCategories.append(categories)
    }

    mutating func add(audit: AuditRow, file: String, source: Int) {
        reports[key(file, source)]?.audits.append(audit)
    }

    /// A records.csv row, its cells in the order of the table's columns.
    public mutating func addRecord(_ cells: [String]) {
        let row = AggregateRun.NamedRow(cells: cells, index: Tables.recordColumnIndex, file: "store records", line: recordCount + 1)
        add(AggregateRun.recordRow(row, issues: issues), source: 0)
    }

    public mutating func addProblem(file: String, categories: String) {
        add(problem: categories.split(separator: ";").map(String.init), file: file, source: 0)
    }

    public mutating func addAudit(file: String, project: String, check: String, status: String) {
        add(audit: AuditRow(project: project, check: check, statusCell: status), file: file, source: 0)
    }

    func aggregator(filter: AggregateFilter) throws -> Aggregator {
        var aggregator = Aggregator(filter: filter)
        for key in order { try aggregator.add(reports[key]!) }
        return aggregator
    }

    /// Writes the comparative tables into `output`, as `AggregateRun.run` does.
    public func write(into output: URL, headers: HeaderLanguage, encoding: OutputEncoding, filter: AggregateFilter) throws {
        try AggregateRun.write(try aggregator(filter: filter), into: output, headers: headers, encoding: encoding)
    }
}

/// The comparative tables from three sources of rows pulled one at a time (the store's
/// queries), walked side by side like a run's tables: records as the cells of records.csv,
/// problems as (file, categories), audits as (file, project, check, status).
public enum ComparativeStream {
    /// Writes the tables into `output`; false, having written nothing, when the sources do
    /// not list their files in one order (then use `ComparativeInput`).
    public static func write(records: @escaping () throws -> [String]?, problems: @escaping () throws -> [String]?,
                             audits: @escaping () throws -> [String]?, into output: URL, headers: HeaderLanguage,
                             encoding: OutputEncoding, filter: AggregateFilter) throws -> Bool {
        let issues = RowIssues.onStandardError()
        defer { issues.finish() }
        func named(_ source: @escaping () throws -> [String]?, _ positions: [String: Int], _ name: String) -> () throws -> AggregateRun.NamedRow? {
            var line = 0
            let index = AggregateRun.ColumnIndex(positions)
            return {
                guard let cells = try source() else { return nil }
                line += 1
                return AggregateRun.NamedRow(cells: cells, index: index, file: name, line: line)
            }
        }
        var aggregator = Aggregator(filter: filter)
        do {
            try AggregateRun.streamReports(records: named(records, Tables.recordIndex, "store records"),
                                           problems: named(problems, ["file": 0, "categories": 1], "store problems"),
                                           audits: named(audits, ["file": 0, "project": 1, "check": 2, "status": 3], "store audits"),
                                           into: &aggregator, issues: issues)
        } catch is AggregateRun.NotInFileOrder {
            return false
        }
        try AggregateRun.write(aggregator, into: output, headers: headers, encoding: encoding)
        return true
    }
}

extension FileRows {
    /// A file to read under the name it has in the tables (a stored report read again).
    public static func inputFile(name: String, path: String) -> InputFile { InputFile(path: path, name: name) }
}
