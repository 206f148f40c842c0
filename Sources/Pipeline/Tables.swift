import Normalize
import Aggregate
import Compute
import Emit
import CSVKit

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

    /// The tables of a run, in the order of the sinks `write` fills.
    static let layouts: [(fileName: String, columns: [Column])] = [
        ("records.csv", recordColumns), ("indicators.csv", indicatorColumns), ("expenditure_items.csv", itemColumns),
        ("audits.csv", auditColumns), ("problems.csv", problemColumns), ("measures.csv", measureColumns),
        ("review_unclassified.csv", unclassifiedColumns), ("quality.csv", qualityColumns),
        ("rejects.csv", rejectColumns), ("warnings.csv", warningColumns),
    ]

    /// A file's rows for the comparative tables, as `perfeval aggregate` reads them back from
    /// the CSVs: its records rows (`recordCells`, the cells `write` returned) read by column
    /// name; its audits and problems taken from the values their rows are written from.
    static func reportRows(_ recordCells: [[CellValue]], of outcome: FileOutcome, issues: RowIssues) -> ReportRows {
        var report = ReportRows()
        report.records = recordCells.map { cells in
            AggregateRun.recordRow(AggregateRun.NamedRow(cells: cells.map(Emit.render), index: recordColumnIndex, file: "records.csv", line: 0), issues: issues)
        }
        report.audits.reserveCapacity(outcome.records.reduce(0) { $0 + $1.audits.count })
        for record in outcome.records {
            let project = Emit.render(.text(record.project))
            for audit in record.audits {
                report.audits.append(AuditRow(project: project, check: Emit.render(.text(audit.check)), status: auditStatus(audit.status)))
            }
        }
        report.problemCategories = (outcome.report?.problems ?? []).map { categoriesAsRead($0.categories) }
        return report
    }

    /// A problem's categories as `perfeval aggregate` reads them from its written cell (codes
    /// joined by `;`, guarded, split again): the codes themselves when that cannot change them
    /// (each non-empty ASCII without `;`, the first not starting a formula).
    static func categoriesAsRead(_ codes: [String]) -> [String] {
        let unchanged = codes.allSatisfy { code in !code.isEmpty && code.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: ";") } }
            && !(codes.first.map { Emit.render(.text($0)) != $0 } ?? false)
        return unchanged ? codes : AggregateRun.categories(Emit.render(.text(codes.joined(separator: ";"))))
    }

    /// The status of an audits.csv row as the aggregator reads its cell.
    static func auditStatus(_ status: Audit.Status) -> AuditRow.Status {
        switch status {
        case .ok: return .ok
        case .finding: return .finding
        case .notApplicable: return .notApplicable
        }
    }

    /// Where a table stands in `layouts` (and in the sinks of `write`).
    static func position(_ fileName: String) -> Int { layouts.firstIndex { $0.fileName == fileName }! }

    enum TablePosition {
        static let records = position("records.csv"), indicators = position("indicators.csv"), items = position("expenditure_items.csv"),
                   audits = position("audits.csv"), problems = position("problems.csv"), measures = position("measures.csv"),
                   unclassified = position("review_unclassified.csv"), quality = position("quality.csv"),
                   rejects = position("rejects.csv"), warnings = position("warnings.csv")
    }

    static let recordIndex = columnIndex(recordColumns)
    static let recordColumnIndex = AggregateRun.ColumnIndex(recordIndex)
    static func columnIndex(_ columns: [Column]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element.en, $0.offset) })
    }

    /// The rows of one input file for each table of `layouts`, handed to `sinks` (one per
    /// table, in `layouts` order). Returns the cells of its records rows.
    @discardableResult
    static func write<Sink: TableSink>(_ file: InputFile, _ outcome: FileOutcome, into sinks: inout [Sink]) -> [[CellValue]] {
        let name = file.name
        if let reason = outcome.rejection { textRow([name, reason], into: &sinks[TablePosition.rejects]) }
        for warning in outcome.warnings { textRow([name, warning], into: &sinks[TablePosition.warnings]) }
        var recordCells: [[CellValue]] = []
        for record in outcome.records {
            let cells = recordRow(record, report: outcome.report)
            sinks[TablePosition.records].row(cells)
            recordCells.append(cells)
            for indicator in record.indicators { indicatorRow(indicator, of: record, into: &sinks[TablePosition.indicators]) }
            for item in record.items { itemRow(item, of: record, into: &sinks[TablePosition.items]) }
            for audit in record.audits { auditRow(audit, of: record, into: &sinks[TablePosition.audits]) }
            for flag in record.flags where flag != "truncated" { textRow([name, describe(record) + flag], into: &sinks[TablePosition.warnings]) }
        }
        if let report = outcome.report {
            for problem in report.problems { problemRow(problem, file: name, into: &sinks[TablePosition.problems]) }
            for measure in report.measures { measureRow(measure, file: name, into: &sinks[TablePosition.measures]) }
            for problem in report.problems where problem.categories == [Taxonomy.other] {
                unclassifiedRow("problem", item: problem.item, text: problem.writtenText ?? problem.text, line: problem.line, file: name,
                                into: &sinks[TablePosition.unclassified])
            }
            for measure in report.measures where measure.categories == [Taxonomy.other] {
                unclassifiedRow("measure", item: measure.item, text: measure.writtenText ?? measure.text, line: measure.line, file: name,
                                into: &sinks[TablePosition.unclassified])
            }
            sinks[TablePosition.quality].row(qualityRow(report))
        }
        return recordCells
    }

    static func textRow<Sink: TableSink>(_ texts: [String], into sink: inout Sink) {
        for text in texts { sink.text(text) }
        sink.endRow()
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
        var text = CSVText()   // bytes as they are (nothing escaped): one string made at the end
        for (index, source) in sourceLines.enumerated() {
            if index > 0 { text.append(UInt8(ascii: " ")) }
            var field = source.field
            field.withUTF8 { text.append($0) }
            text.append(UInt8(ascii: ":"))
            Emit.encodeNumber(source.line, into: &text)
        }
        return String(decoding: text.take(), as: UTF8.self)
    }

    static func distinctCategories(_ codes: [String]) -> String {
        var seen: [String] = []
        for code in codes where !seen.contains(code) { seen.append(code) }
        return seen.joined(separator: ";")
    }

    static func problemRow<Sink: TableSink>(_ problem: Problem, file: String, into sink: inout Sink) {
        sink.text(file); sink.number(problem.item); sink.text(problem.writtenText ?? problem.text); sink.text(problem.writtenCause ?? problem.cause)
        sink.text(problem.categories.joined(separator: ";")); sink.number(problem.line)
        sink.endRow()
    }

    static func measureRow<Sink: TableSink>(_ measure: ImprovementMeasure, file: String, into sink: inout Sink) {
        sink.text(file); sink.number(measure.item); sink.text(measure.writtenText ?? measure.text)
        sink.text(measure.addresses.map(String.init).joined(separator: ";")); sink.text(measure.categories.joined(separator: ";"))
        sink.number(measure.line)
        sink.endRow()
    }

    static func unclassifiedRow<Sink: TableSink>(_ section: String, item: Int?, text: String, line: Int?, file: String, into sink: inout Sink) {
        sink.text(file); sink.text(section); sink.number(item); sink.text(text); sink.number(line)
        sink.endRow()
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

    static func indicatorRow<Sink: TableSink>(_ indicator: Indicator, of record: Record, into sink: inout Sink) {
        sink.text(record.file); sink.text(record.project); sink.text(indicator.level1); sink.text(indicator.level2); sink.text(indicator.name)
        sink.text(indicator.target.raw); sink.cell(.number(indicator.target.value)); sink.text(indicator.target.unit)
        sink.text(indicator.target.comparator)
        sink.text(indicator.actual.raw); sink.cell(.number(indicator.actual.value)); sink.text(indicator.actual.unit)
        sink.cell(.number(indicator.weight)); sink.cell(.number(indicator.score)); sink.cell(.percent(indicator.completionPct))
        sink.text(indicator.deviation); sink.number(indicator.line)
        sink.endRow()
    }

    static func itemRow<Sink: TableSink>(_ item: ExpenditureItem, of record: Record, into sink: inout Sink) {
        sink.text(record.file); sink.text(item.reportLevel && record.kind == .project ? nil : record.project); sink.text(item.parent)
        sink.text(item.item); sink.cell(.amount(item.amount))
        sink.cell(.number(item.statedShare)); sink.cell(.percent(item.computedShare)); sink.cell(.amount(item.statedChange))
        sink.cell(.number(item.statedChangePct)); sink.number(item.line)
        sink.endRow()
    }

    static func auditRow<Sink: TableSink>(_ audit: Audit, of record: Record, into sink: inout Sink) {
        sink.text(record.file); sink.text(record.project); sink.text(audit.check); sink.text(audit.status.rawValue)
        sink.text(audit.expected); sink.text(audit.found); sink.text(audit.detail); sink.number(audit.line)
        sink.endRow()
    }
}
