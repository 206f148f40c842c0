import Foundation
import Emit

/// What both review files show first, taken from the rows of the CSV tables as written
/// (values stay the CSV's strings; nothing is recomputed): headline figures, the
/// per-year summary, and the data of the four charts. The charts show one fiscal year
/// (the latest) and one kind (dept when present), which their titles name.
struct Overview {
    struct Bar { var label: String; var value: Double; var text: String }
    struct Chart { var title: String; var valueName: String; var bars: [Bar]; var note: String? }
    struct Figure { var label: String; var value: Int }

    var figures: [Figure] = []
    /// compare_execution and compare_scores rows of level `all`, one per year and kind.
    var years: [(execution: [String: String], scores: [String: String])] = []
    var focusYear = "", focusKind = "", level = "prefecture"
    var charts: [Chart] = []

    static let chartBars = 30

    init(folder: URL, tables: [String: ReviewTable], options: ReviewOptions) throws {
        func load(_ name: String, where keep: @escaping ([String: String]) -> Bool = { _ in true }) throws -> [[String: String]] {
            guard let table = tables[name], let file = TableFile(folder: folder, table: table) else { return [] }
            return try file.namedRows(where: keep)
        }
        figures = try Self.figures(folder: folder, tables: tables)
        let execution = try load("compare_execution.csv")
        let scores = try load("compare_scores.csv") { $0["level"] == "all" }
        years = Self.yearRows(execution.filter { $0["level"] == "all" }, scores)
        // Tables restricted to one level (--level county) have no 全部 rows: the year comes from that level.
        (focusYear, focusKind) = Self.focus(years.isEmpty ? execution : years.map(\.execution))
        level = options.level ?? Self.defaultLevel(execution)
        let focus: ([String: String]) -> Bool = { [focusYear, focusKind] in $0["year"] == focusYear && $0["kind"] == focusKind }
        let problems = try load("compare_problems.csv") { $0["level"] == "all" && focus($0) }
        let audits = try load("audit_summary.csv") { $0["level"] == "all" && focus($0) }
        charts = [
            executionChart(execution.filter { $0["level"] == level && focus($0) }),
            gradeChart(scores.first(where: focus)),
            problemChart(problems, names: options.categoryNames),
            auditChart(audits),
        ]
        if years.isEmpty && !execution.isEmpty {
            for index in 1..<charts.count { charts[index].note = "比较表不含“全部”层级（汇总时指定了 --level），此图无数据" }
        }
    }

    /// Row counts of the per-report tables present in the folder.
    static func figures(folder: URL, tables: [String: ReviewTable]) throws -> [Figure] {
        let wanted = [("quality.csv", "报告数"), ("records.csv", "评价记录数"), ("rejects.csv", "未能处理的文件数"), ("warnings.csv", "提示数")]
        var figures: [Figure] = []
        for (name, label) in wanted {
            guard let table = tables[name], let file = TableFile(folder: folder, table: table) else { continue }
            figures.append(Figure(label: label, value: try file.rowCount()))
        }
        if let table = tables["audits.csv"], let file = TableFile(folder: folder, table: table) {
            figures.append(Figure(label: "审核发现数", value: try file.rowCount(where: "status", is: "finding")))
        }
        return figures
    }

    static func yearRows(_ execution: [[String: String]], _ scores: [[String: String]]) -> [(execution: [String: String], scores: [String: String])] {
        execution.map { row in (row, scores.first { $0["year"] == row["year"] && $0["kind"] == row["kind"] } ?? [:]) }
    }

    /// The latest year with records, and dept when that year has dept records.
    static func focus(_ rows: [[String: String]]) -> (String, String) {
        let year = rows.compactMap { $0["year"].flatMap { Int($0) } }.max().map(String.init) ?? ""
        let kinds = rows.filter { $0["year"] == year }.compactMap { $0["kind"] }
        return (year, kinds.contains("dept") ? "dept" : kinds.first ?? "")
    }

    /// Prefecture when the tables hold it, else the one level they hold.
    static func defaultLevel(_ rows: [[String: String]]) -> String {
        let levels = Set(rows.compactMap { $0["level"] })
        return levels.contains("prefecture") || levels.isEmpty ? "prefecture" : ["county", "province", "all"].first(where: levels.contains)!
    }

    var focusText: String { "\(focusYear)年 \(Labels.kind(focusKind))" }

    /// Mean execution rate per region, lowest first (where to look first), at most 30.
    func executionChart(_ rows: [[String: String]]) -> Chart {
        let bars = rows.compactMap { row -> Bar? in
            guard let text = row["rate_mean_pct"], let value = plainNumber(text) else { return nil }
            return Bar(label: row["region_name"] ?? "", value: value, text: text)
        }.sorted { ($0.value, $0.label) < ($1.value, $1.label) }
        let note = bars.count > Self.chartBars ? "共\(bars.count)个地区，图中为平均执行率最低的\(Self.chartBars)个" : nil
        return Chart(title: "各\(Labels.level(level))平均执行率（%）· \(focusText)", valueName: "平均执行率（%）",
                     bars: Array(bars.prefix(Self.chartBars)), note: note)
    }

    func gradeChart(_ row: [String: String]?) -> Chart {
        let grades = [("优（≥90）", "grade_excellent"), ("良（80–89.99）", "grade_good"), ("中（60–79.99）", "grade_fair"), ("差（<60）", "grade_poor")]
        let bars = grades.map { label, key in
            let text = row?[key] ?? ""
            return Bar(label: label, value: plainNumber(text) ?? 0, text: text)
        }
        return Chart(title: "自评得分分布（记录数）· \(focusText)", valueName: "记录数", bars: row == nil ? [] : bars, note: nil)
    }

    /// The categories reported by the most agencies, at most 30.
    func problemChart(_ rows: [[String: String]], names: [String: String]) -> Chart {
        let bars = rows.compactMap { row -> Bar? in
            guard let text = row["agencies_reporting"], let value = plainNumber(text), value > 0 else { return nil }
            let code = row["category"] ?? ""
            return Bar(label: names[code] ?? code, value: value, text: text)
        }.sorted { ($1.value, $0.label) < ($0.value, $1.label) }
        return Chart(title: "最常见的问题类别（反映该问题的单位数）· \(focusText)", valueName: "单位数",
                     bars: Array(bars.prefix(Self.chartBars)), note: nil)
    }

    func auditChart(_ rows: [[String: String]]) -> Chart {
        let bars = rows.compactMap { row -> Bar? in
            guard let text = row["findings"], let value = plainNumber(text), value > 0 else { return nil }
            return Bar(label: Labels.check(row["check"] ?? ""), value: value, text: text)
        }.sorted { ($1.value, $0.label) < ($0.value, $1.label) }
        return Chart(title: "审核发现（按审核项）· \(focusText)", valueName: "发现数", bars: bars, note: nil)
    }
}

public struct ReviewOptions: Sendable {
    public var headers: HeaderLanguage
    /// The region level of the execution chart and the ranking (nil: prefecture).
    public var level: String?
    /// Problem category code → Chinese name (data/problem_taxonomy.csv).
    public var categoryNames: [String: String]
    /// Rows per sheet, header included (Excel's limit; smaller in tests).
    public var maxSheetRows = 1_048_576
    /// Rows of a long table shown in the page before the link to its CSV.
    public var pageRows = 50
    /// Which of the two files to write (`--no-xlsx`, `--no-html`).
    public var workbook = true
    public var page = true
    public init(headers: HeaderLanguage, level: String? = nil, categoryNames: [String: String] = [:]) {
        self.headers = headers; self.level = level; self.categoryNames = categoryNames
    }
}
