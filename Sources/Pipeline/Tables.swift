import Normalize
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
        Column("flags", "提示"),
    ]

    public static let rejectColumns = [Column("file", "文件"), Column("reason", "原因")]
    public static let warningColumns = [Column("file", "文件"), Column("warning", "提示")]

    static func build(files: [InputFile], outcomes: [FileOutcome]) -> [OutputTable] {
        var records = OutputTable(fileName: "records.csv", columns: recordColumns)
        var rejects = OutputTable(fileName: "rejects.csv", columns: rejectColumns)
        var warnings = OutputTable(fileName: "warnings.csv", columns: warningColumns)
        for (file, outcome) in zip(files, outcomes) {
            records.rows.append(contentsOf: outcome.records.map(recordRow))
            if let reason = outcome.rejection { rejects.rows.append([.text(file.name), .text(reason)]) }
            warnings.rows.append(contentsOf: outcome.warnings.map { [.text(file.name), .text($0)] })
            for record in outcome.records {
                warnings.rows.append(contentsOf: record.flags.filter { $0 != "truncated" }.map { [.text(file.name), .text(describe(record) + $0)] })
            }
        }
        return [records, rejects, warnings]
    }

    static func describe(_ record: Record) -> String {
        record.project.map { "\($0): " } ?? ""
    }

    static func recordRow(_ record: Record) -> [CellValue] {
        [
            .text(record.file), .text(record.kind.rawValue), .text(record.project), .text(record.agency), .text(record.supervisor),
            .text(record.region?.province), .text(record.region?.prefecture), .text(record.region?.county), .text(record.region?.code),
            .number(record.year), .amount(record.budgetInitial), .amount(record.budgetFull), .amount(record.executed),
            .percent(record.executionRate), .number(record.executionRateStated), .number(record.scoreTotal), .text(record.grade),
            .number(record.staffAuthorized), .number(record.staffActual), .amount(record.basicExp), .amount(record.personnelExp),
            .amount(record.publicExp), .amount(record.projectExp), .percent(record.personnelShare),
            .text(record.derivedFields.isEmpty ? nil : record.derivedFields.joined(separator: ";")),
            .empty, .empty,
            .text(record.sourceLines.map { "\($0.field):\($0.line)" }.joined(separator: " ")),
            .text(record.flags.isEmpty ? nil : record.flags.joined(separator: ";")),
        ]
    }
}
