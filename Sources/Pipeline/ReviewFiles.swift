import Foundation
import CSVKit
import Compute
import Aggregate
import Emit
import Review

/// review.xlsx and review.html for an output folder: the one call that `run`, `aggregate`
/// (and any later command that rewrites the tables) makes once the CSV tables are in place.
public enum ReviewFiles {
    public struct Choice: Sendable {
        public var workbook = true, page = true
        public init(workbook: Bool = true, page: Bool = true) { self.workbook = workbook; self.page = page }
    }

    public static func write(outputFolder: URL, headers: HeaderLanguage, level: RegionLevel? = nil,
                             choice: Choice = Choice(), dataDirectory: URL = ReferenceData.defaultDirectory()) throws {
        var options = ReviewOptions(headers: headers, level: level?.rawValue, categoryNames: categoryNames(dataDirectory))
        options.workbook = choice.workbook
        options.page = choice.page
        try Review.write(outputFolder: outputFolder, tables: tables, options: options)
    }

    /// Every table an output folder can hold, in sheet order: the comparative tables a
    /// reviewer reads first, then the per-report tables.
    public static var tables: [ReviewTable] {
        let comparative = Aggregator().streamedTables()
        let columns = Dictionary(comparative.map { ($0.fileName, $0.columns) } + Tables.layouts.map { ($0.fileName, $0.columns) },
                                 uniquingKeysWith: { first, _ in first })
        return sheetNames.map { ReviewTable(fileName: $0.file, sheetZh: $0.zh, sheetEn: $0.en, columns: columns[$0.file] ?? []) }
    }

    static let sheetNames: [(file: String, zh: String, en: String)] = [
        ("compare_execution.csv", "执行率比较", "compare_execution"), ("compare_scores.csv", "得分比较", "compare_scores"),
        ("compare_spending.csv", "支出结构比较", "compare_spending"), ("compare_problems.csv", "问题类别比较", "compare_problems"),
        ("recurring.csv", "反复出现的问题", "recurring"), ("agency_trends.csv", "单位年度变化", "agency_trends"),
        ("audit_summary.csv", "审核汇总", "audit_summary"), ("records.csv", "评价记录", "records"),
        ("quality.csv", "报告质量", "quality"), ("audits.csv", "审核明细", "audits"), ("problems.csv", "问题", "problems"),
        ("measures.csv", "改进措施", "measures"), ("indicators.csv", "绩效指标", "indicators"),
        ("expenditure_items.csv", "支出明细", "expenditure_items"), ("review_unclassified.csv", "待归类", "review_unclassified"),
        ("warnings.csv", "提示", "warnings"), ("rejects.csv", "未能处理的文件", "rejects"),
    ]

    /// Category code → Chinese name from the taxonomy; codes stay as they are without it.
    static func categoryNames(_ directory: URL) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("problem_taxonomy.csv").path),
              let taxonomy = try? Taxonomy(rows: CSV.parse(Array(data))) else { return [:] }
        return Dictionary(taxonomy.categories.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
}
