import Normalize
import Aggregate
import Compute
import Emit

/// The output tables of a run and their columns (English and Chinese headers).
public enum Tables {
    public static let recordColumns: [Column] = [
        Column("file", "文件"), Column("kind", "类型"), Column("project", "项目名称"), Column("agency", "单位名称"),
        Column("supervisor", "主管部门"), Column("province", "省"), Column("prefecture", "市（州）"), Column("county", "县（市、区）"),
        Column("region_code", "行政区划代码"), Column("year", "年度"), Column("budget_initial_wan", "年初预算数（万元）"),
        Column("budget_full_wan", "全年预算数（万元）"), Column("executed_wan", "全年执行数（万元）"),
        Column("execution_rate_pct", "执行率（%）"), Column("execution_rate_stated_pct", "填报执行率（%）"),
        Column("score_total", "自评总分"), Column("grade", "评价等级"), Column("staff_authorized", "编制人数"),
        Column("staff_actual", "实有人数"), Column("basic_exp_wan", "基本支出（万元）"), Column("personnel_exp_wan", "人员经费（万元）"),
        Column("public_exp_wan", "公用经费（万元）"), Column("project_exp_wan", "项目支出（万元）"),
        Column("personnel_share_pct", "人员经费占比（%）"), Column("derived_fields", "推算字段"),
        Column("indicator_count", "三级指标数"), Column("problem_count", "问题条数"), Column("source_lines", "来源行号"),
        Column("flags", "提示"), Column("score_sum_convention", "得分汇总口径"), Column("audit_findings", "审核发现数"),
        Column("problem_categories", "问题类别"), Column("measure_count", "改进措施条数"),
    ]

    public static let problemColumns: [Column] = [
        Column("file", "文件"), Column("item", "序号"), Column("text", "问题"), Column("cause", "原因"),
        Column("categories", "问题类别"), Column("source_line", "来源行号"),
    ]

    public static let measureColumns: [Column] = [
        Column("file", "文件"), Column("item", "序号"), Column("text", "改进措施"), Column("addresses", "对应问题序号"),
        Column("categories", "类别"), Column("source_line", "来源行号"),
    ]

    public static let unclassifiedColumns: [Column] = [
        Column("file", "文件"), Column("section", "部分"), Column("item", "序号"), Column("text", "内容"), Column("source_line", "来源行号"),
    ]

    public static let qualityColumns: [Column] = [
        Column("file", "文件"), Column("agency", "单位名称"), Column("year", "年度"), Column("sections_present", "已有部分"),
        Column("sections_missing", "缺少部分"), Column("indicators_three_levels", "指标细化到三级"), Column("problem_items", "问题条数"),
        Column("problem_areas", "问题涉及方面"), Column("problem_area_count", "问题涉及方面数"), Column("causes_given", "分析原因条数"),
        Column("funding_only_problems", "问题仅为资金不足"), Column("measure_items", "改进措施条数"),
        Column("funding_only_measures", "措施仅为增加资金"), Column("answered_share_pct", "问题有对应措施占比（%）"),
        Column("score_sections", "完整性得分"), Column("score_indicators", "指标得分"), Column("score_problems", "问题得分"),
        Column("score_measures", "措施得分"), Column("quality_score", "质量总分"),
    ]

    public static let indicatorColumns: [Column] = [
        Column("file", "文件"), Column("project", "项目名称"), Column("level1", "一级指标"), Column("level2", "二级指标"),
        Column("name", "三级指标"), Column("target_raw", "年度指标值"), Column("target_value", "指标值数值"), Column("target_unit", "指标值单位"),
        Column("target_comparator", "指标值比较符"), Column("actual_raw", "实际完成值"), Column("actual_value", "完成值数值"),
        Column("actual_unit", "完成值单位"), Column("weight", "分值"), Column("score", "得分"), Column("completion_pct", "完成率（%）"),
        Column("deviation_note", "偏差原因分析及改进措施"), Column("source_line", "来源行号"),
    ]

    public static let itemColumns: [Column] = [
        Column("file", "文件"), Column("project", "项目名称"), Column("parent", "上级科目"), Column("item", "支出项目"),
        Column("amount_wan", "金额（万元）"), Column("stated_share_pct", "填报占比（%）"), Column("computed_share_pct", "计算占比（%）"),
        Column("stated_change_wan", "填报比上年增减（万元）"), Column("stated_change_pct", "填报比上年增减（%）"), Column("source_line", "来源行号"),
    ]

    public static let auditColumns: [Column] = [
        Column("file", "文件"), Column("project", "项目名称"), Column("check", "审核项"), Column("status", "结果"),
        Column("expected", "应为"), Column("found", "实为"), Column("detail", "说明"), Column("source_line", "来源行号"),
    ]

    public static let rejectColumns = [Column("file", "文件"), Column("reason", "原因")]
    public static let warningColumns = [Column("file", "文件"), Column("warning", "提示")]

    /// The comparative tables written by the aggregate stage.
    static let comparativeFileNames = ["compare_execution.csv", "compare_scores.csv", "compare_spending.csv", "compare_problems.csv",
                                       "recurring.csv", "agency_trends.csv", "audit_summary.csv"]

    /// The tables of a run, in the order `rows(for:outcome:)` fills them.
    static let layouts: [(fileName: String, columns: [Column])] = [
        ("records.csv", recordColumns), ("indicators.csv", indicatorColumns), ("expenditure_items.csv", itemColumns),
        ("audits.csv", auditColumns), ("problems.csv", problemColumns), ("measures.csv", measureColumns),
        ("review_unclassified.csv", unclassifiedColumns), ("quality.csv", qualityColumns),
        ("rejects.csv", rejectColumns), ("warnings.csv", warningColumns),
    ]

    /// A file's rows for the comparative tables, read from its records, problems and audits
    /// rows (`rows(for:outcome:)`) as `perfeval aggregate` reads them back from the CSVs.
    static func reportRows(_ tables: [[[CellValue]]], issues: RowIssues) -> ReportRows {
        var report = ReportRows()
        report.records = tables[TablePosition.records].map { cells in
            AggregateRun.recordRow(AggregateRun.NamedRow(cells: cells.map(Emit.render), index: recordIndex, file: "records.csv", line: 0), issues: issues)
        }
        // Audits and problems by column position: the few cells read, not a named row each.
        report.audits = tables[TablePosition.audits].map { cells in
            AuditRow(project: Emit.render(cells[AuditColumn.project]), check: Emit.render(cells[AuditColumn.check]),
                     statusCell: Emit.render(cells[AuditColumn.status]))
        }
        report.problemCategories = tables[TablePosition.problems].map { cells in AggregateRun.categories(Emit.render(cells[ProblemColumn.categories])) }
        return report
    }

    /// Where a table stands in `layouts` (and in the result of `rows(for:outcome:)`).
    static func position(_ fileName: String) -> Int { layouts.firstIndex { $0.fileName == fileName }! }

    enum TablePosition {
        static let records = position("records.csv"), audits = position("audits.csv"), problems = position("problems.csv")
    }
    enum AuditColumn {
        static let project = auditIndex["project"]!, check = auditIndex["check"]!, status = auditIndex["status"]!
    }
    enum ProblemColumn {
        static let categories = problemIndex["categories"]!
    }

    static let recordIndex = columnIndex(recordColumns), auditIndex = columnIndex(auditColumns), problemIndex = columnIndex(problemColumns)
    static func columnIndex(_ columns: [Column]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element.en, $0.offset) })
    }

    /// The rows one input file contributes to each table of `layouts`.
    static func rows(for file: InputFile, outcome: FileOutcome) -> [[[CellValue]]] {
        var records: [[CellValue]] = [], indicators: [[CellValue]] = [], items: [[CellValue]] = [], audits: [[CellValue]] = []
        var rejects: [[CellValue]] = [], warnings: [[CellValue]] = []
        if let reason = outcome.rejection { rejects.append([.text(file.name), .text(reason)]) }
        warnings += outcome.warnings.map { [.text(file.name), .text($0)] }
        for record in outcome.records {
            records.append(recordRow(record, report: outcome.report))
            indicators += record.indicators.map { indicatorRow($0, of: record) }
            items += record.items.map { itemRow($0, of: record) }
            audits += record.audits.map { auditRow($0, of: record) }
            warnings += record.flags.filter { $0 != "truncated" }.map { [.text(file.name), .text(describe(record) + $0)] }
        }
        var problems: [[CellValue]] = [], measures: [[CellValue]] = [], unclassified: [[CellValue]] = [], quality: [[CellValue]] = []
        if let report = outcome.report {
            problems = report.problems.map { problemRow($0, file: file.name) }
            measures = report.measures.map { measureRow($0, file: file.name) }
            unclassified = report.problems.filter { $0.categories == [Taxonomy.other] }.map { [.text(file.name), .text("problem"), .number($0.item), .text($0.writtenText ?? $0.text), .number($0.line)] }
                + report.measures.filter { $0.categories == [Taxonomy.other] }.map { [.text(file.name), .text("measure"), .number($0.item), .text($0.writtenText ?? $0.text), .number($0.line)] }
            quality = [qualityRow(report)]
        }
        return [records, indicators, items, audits, problems, measures, unclassified, quality, rejects, warnings]
    }

    static func describe(_ record: Record) -> String {
        record.project.map { "\($0): " } ?? ""
    }

    static func recordRow(_ record: Record, report: ReportDetails?) -> [CellValue] {
        [
            .text(record.file), .text(record.kind.rawValue), .text(record.project), .text(record.agency), .text(record.supervisor),
            .text(record.region?.province), .text(record.region?.prefecture), .text(record.region?.county), .text(record.region?.code),
            .number(record.year), .amount(record.budgetInitial), .amount(record.budgetFull), .amount(record.executed),
            .percent(record.executionRate), .number(record.executionRateStated), .number(record.scoreTotal), .text(record.grade),
            .number(record.staffAuthorized), .number(record.staffActual), .amount(record.basicExp), .amount(record.personnelExp),
            .amount(record.publicExp), .amount(record.projectExp), .percent(record.personnelShare),
            .text(record.derivedFields.isEmpty ? nil : record.derivedFields.joined(separator: ";")),
            .number(record.indicators.count), .number(report?.problems.count),
            .text(sourceLinesText(record.sourceLines)),
            .text(record.flags.isEmpty ? nil : record.flags.joined(separator: ";")),
            .text(record.scoreSumConvention), .number(findings(record.audits)),
            .text(report.map { distinctCategories($0.problems.flatMap(\.categories)) }), .number(report?.measures.count),
        ]
    }

    /// How many of the audits are findings (counted in place, no filtered copy).
    static func findings(_ audits: [Audit]) -> Int {
        var count = 0
        for index in audits.indices where audits[index].status == .finding { count += 1 }
        return count
    }

    /// `field:line` of each source line, space-separated.
    static func sourceLinesText(_ sourceLines: [(field: String, line: Int)]) -> String {
        var text = ""
        for (index, source) in sourceLines.enumerated() {
            if index > 0 { text += " " }
            text += source.field
            text += ":"
            text += String(source.line)
        }
        return text
    }

    static func distinctCategories(_ codes: [String]) -> String {
        var seen: [String] = []
        for code in codes where !seen.contains(code) { seen.append(code) }
        return seen.joined(separator: ";")
    }

    static func problemRow(_ problem: Problem, file: String) -> [CellValue] {
        [.text(file), .number(problem.item), .text(problem.writtenText ?? problem.text), .text(problem.writtenCause ?? problem.cause), .text(problem.categories.joined(separator: ";")), .number(problem.line)]
    }

    static func measureRow(_ measure: ImprovementMeasure, file: String) -> [CellValue] {
        [.text(file), .number(measure.item), .text(measure.writtenText ?? measure.text), .text(measure.addresses.map(String.init).joined(separator: ";")),
         .text(measure.categories.joined(separator: ";")), .number(measure.line)]
    }

    static func qualityRow(_ report: ReportDetails) -> [CellValue] {
        let quality = report.quality!
        func yesNo(_ flag: Bool) -> CellValue { .text(flag ? "yes" : "no") }
        return [
            .text(report.file), .text(report.agency), .number(report.year), .text(report.sectionsPresent.joined(separator: ";")),
            .text(quality.sectionsMissing.joined(separator: ";")), yesNo(report.indicatorsThreeLevels), .number(report.problems.count),
            .text(quality.problemAreas.joined(separator: ";")), .number(quality.problemAreas.count), .number(quality.causesGiven),
            yesNo(quality.fundingOnlyProblems), .number(report.measures.count), yesNo(quality.fundingOnlyMeasures),
            .percent(quality.answeredShare), .number(quality.scoreSections), .number(quality.scoreIndicators),
            .number(quality.scoreProblems), .number(quality.scoreMeasures), .number(quality.score),
        ]
    }

    static func indicatorRow(_ indicator: Indicator, of record: Record) -> [CellValue] {
        [
            .text(record.file), .text(record.project), .text(indicator.level1), .text(indicator.level2), .text(indicator.name),
            .text(indicator.target.raw), .number(indicator.target.value), .text(indicator.target.unit), .text(indicator.target.comparator),
            .text(indicator.actual.raw), .number(indicator.actual.value), .text(indicator.actual.unit),
            .number(indicator.weight), .number(indicator.score), .percent(indicator.completionPct), .text(indicator.deviation),
            .number(indicator.line),
        ]
    }

    static func itemRow(_ item: ExpenditureItem, of record: Record) -> [CellValue] {
        [
            .text(record.file), .text(item.reportLevel && record.kind == .project ? nil : record.project), .text(item.parent),
            .text(item.item), .amount(item.amount),
            .number(item.statedShare), .percent(item.computedShare), .amount(item.statedChange), .number(item.statedChangePct),
            .number(item.line),
        ]
    }

    static func auditRow(_ audit: Audit, of record: Record) -> [CellValue] {
        [
            .text(record.file), .text(record.project), .text(audit.check), .text(audit.status.rawValue),
            .text(audit.expected), .text(audit.found), .text(audit.detail), .number(audit.line),
        ]
    }
}
