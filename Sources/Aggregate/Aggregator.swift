import PerfevalCore
import Emit

/// Stage 5: records, problems and audits of many reports → the comparative tables of the
/// annual cross-agency review. Every table depends only on the set of input rows, not on
/// their order, so outputs of split runs aggregate to the same bytes as one run.
public struct Aggregator {
    let records: [RecordRow]
    let problems: [ProblemRow]
    let audits: [AuditEntry]
    let checks: [String]
    let filter: AggregateFilter
    let levels: [RegionLevel]
    /// Each record's agency (name within region) as a number: counting distinct agencies
    /// over a million records then builds no strings.
    let agencyOf: [Int32]

    /// `audits` refer to `records` by index; the filter is applied here.
    public init(records: [RecordRow], problems: [ProblemRow], audits: [AuditEntry], checks: [String], filter: AggregateFilter = AggregateFilter()) {
        let admitted = records.indices.filter { filter.admits(records[$0]) }
        var newIndex = [Int32](repeating: -1, count: records.count)
        for (position, old) in admitted.enumerated() { newIndex[old] = Int32(position) }
        self.records = admitted.map { records[$0] }
        self.problems = problems
        self.audits = audits.compactMap { entry in
            let index = newIndex[Int(entry.record)]
            return index < 0 ? nil : AuditEntry(record: index, check: entry.check, status: entry.status)
        }
        self.checks = checks
        self.filter = filter
        levels = filter.level.map { [$0] } ?? RegionLevel.allCases
        var numbers: [String: [String: Int32]] = [:], agencyOf: [Int32] = []
        agencyOf.reserveCapacity(self.records.count)
        for record in self.records {
            let next = Int32(agencyOf.count)
            let number = numbers[record.regionCode, default: [:]][record.agency] ?? next
            if number == next { numbers[record.regionCode, default: [:]][record.agency] = next }
            agencyOf.append(number)
        }
        self.agencyOf = agencyOf
    }

    public func tables() -> [OutputTable] {
        [executionTable(), scoresTable(), spendingTable(), problemsTable(), recurringTable(), trendsTable(), auditSummaryTable()]
    }

    // MARK: grouping

    struct GroupKey: Hashable, Comparable {
        var level: RegionLevel
        var code: String
        var name: String
        var year: Int?
        var kind: String

        static func < (a: GroupKey, b: GroupKey) -> Bool {
            let left = (RegionLevel.allCases.firstIndex(of: a.level)!, a.code, a.name, a.year ?? Int.min, a.kind)
            let right = (RegionLevel.allCases.firstIndex(of: b.level)!, b.code, b.name, b.year ?? Int.min, b.kind)
            return left < right
        }

        var cells: [CellValue] { [.text(level.rawValue), .text(code), .text(name), .number(year), .text(kind)] }
        /// Groups compared in a ranking: same level, year and kind.
        var peers: [String] { [level.rawValue, year.map(String.init) ?? "", kind] }
    }

    static let groupColumns = [Column("level", "层级"), Column("region_code", "行政区划代码"), Column("region_name", "地区"),
                               Column("year", "年度"), Column("kind", "类型")]

    /// Each item under every level its record has a region for, grouped and sorted. Groups
    /// hold indices into `items`, so a large run is not copied once per level.
    func grouped<T>(_ items: [T], record: (T) -> RecordRow) -> [(GroupKey, [Int])] {
        var groups: [GroupKey: [Int]] = [:]
        for (position, item) in items.enumerated() {
            let row = record(item)
            for level in levels {
                guard let (code, name) = level.group(of: row) else { continue }
                groups[GroupKey(level: level, code: code, name: name, year: row.year, kind: row.kind), default: []].append(position)
            }
        }
        return groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Distinct agencies among the records at `positions` (by their precomputed number).
    func agencies(_ positions: [Int]) -> Int { Set(positions.map { agencyOf[$0] }).count }

    // MARK: tables

    func executionTable() -> OutputTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("agencies", "单位数"), Column("rate_records", "有执行率记录数"),
            Column("rate_mean_pct", "平均执行率（%）"), Column("rate_weighted_pct", "加权执行率（%）"),
            Column("rate_median_pct", "执行率中位数（%）"), Column("rate_min_pct", "最低执行率（%）"), Column("rate_max_pct", "最高执行率（%）"),
            Column("below_90", "执行率低于90%记录数"), Column("rank", "排名"),
        ]
        let groups = grouped(records) { $0 }
        var rows: [[CellValue]] = []
        var means: [[String]: [(Int, ExactDecimal)]] = [:]
        for (index, (key, positions)) in groups.enumerated() {
            let members = positions.lazy.map { records[$0] }   // no copy of the group's rows
            let rates = Array(members.compactMap(\.executionRate))
            let summary = Summary(rates)
            let both = members.filter { $0.executed != nil && $0.budgetFull != nil }
            let weighted = both.compactMap(\.executed).total().flatMap { executed in both.compactMap(\.budgetFull).total().flatMap { executed.percent(of: $0) } }
            rows.append(key.cells + [
                .number(members.count), .number(agencies(positions)), .number(rates.count),
                .percent(summary?.mean), .percent(weighted), .percent(summary?.median), .percent(summary?.min), .percent(summary?.max),
                .number(rates.filter { $0 < ExactDecimal(90) }.count), .empty,
            ])
            if let mean = summary?.mean { means[key.peers, default: []].append((index, mean)) }
        }
        // Rank by mean execution rate among groups of the same level, year and kind.
        for peers in means.values {
            for ((index, _), rank) in zip(peers, ranks(peers.map(\.1))) { rows[index][rows[index].count - 1] = .number(rank) }
        }
        return OutputTable(fileName: "compare_execution.csv", columns: columns, rows: rows)
    }

    func scoresTable() -> OutputTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("scored_records", "有得分记录数"), Column("score_mean", "平均得分"),
            Column("score_median", "得分中位数"), Column("score_min", "最低得分"), Column("score_max", "最高得分"),
            Column("grade_excellent", "优"), Column("grade_good", "良"), Column("grade_fair", "中"), Column("grade_poor", "差"),
            Column("records_with_findings", "有审核发现记录数"), Column("high_score_with_findings", "95分以上且有审核发现记录数"),
        ]
        let rows = grouped(records) { $0 }.map { key, positions -> [CellValue] in
            let members = positions.lazy.map { records[$0] }   // no copy of the group's rows
            let summary = Summary(Array(members.compactMap(\.score)))
            let grades = ["优", "良", "中", "差"].map { grade in CellValue.number(members.filter { $0.grade == grade }.count) }
            return key.cells + [
                .number(members.count), .number(members.filter { $0.score != nil }.count),
                .percent(summary?.mean), .percent(summary?.median), .number(summary?.min), .number(summary?.max),
            ] + grades + [
                .number(members.filter { $0.auditFindings > 0 }.count),
                .number(members.filter { $0.auditFindings > 0 && ($0.score ?? .zero) >= ExactDecimal(95) }.count),
            ]
        }
        return OutputTable(fileName: "compare_scores.csv", columns: columns, rows: rows)
    }

    func spendingTable() -> OutputTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("personnel_share_mean_pct", "人员经费占比均值（%）"),
            Column("personnel_share_median_pct", "人员经费占比中位数（%）"), Column("personnel_share_min_pct", "人员经费占比最低（%）"),
            Column("personnel_share_max_pct", "人员经费占比最高（%）"), Column("project_share_mean_pct", "项目支出占比均值（%）"),
            Column("spending_per_staff_wan", "人均支出（万元）"),
        ]
        let rows = grouped(records) { $0 }.map { key, positions -> [CellValue] in
            let members = positions.lazy.map { records[$0] }   // no copy of the group's rows
            let personnel = Summary(Array(members.compactMap(\.personnelShare)))
            let projectShares = Array(members.compactMap { row in row.projectExp.flatMap { project in row.basicExp.flatMap { project.percent(of: $0 + project) } } })
            let staffed = members.filter { $0.spending != nil && ($0.staffActual ?? 0) > 0 }
            let perStaff = staffed.compactMap(\.spending).total()?.divided(by: ExactDecimal(staffed.compactMap(\.staffActual).reduce(0, +)))
            return key.cells + [
                .number(members.count), .percent(personnel?.mean), .percent(personnel?.median), .percent(personnel?.min),
                .percent(personnel?.max), .percent(Summary(projectShares)?.mean), .percent(perStaff),
            ]
        }
        return OutputTable(fileName: "compare_spending.csv", columns: columns, rows: rows)
    }

    /// One record per report (its first), carrying the report's problem categories.
    struct ReportProblems {
        var record: RecordRow
        var categories: [String]   // one entry per problem item and category
        var itemCount: Int
    }

    func reportProblems() -> [ReportProblems] {
        var firstRecord: [String: RecordRow] = [:]
        for record in records where firstRecord[record.file] == nil { firstRecord[record.file] = record }
        var byFile: [String: ReportProblems] = [:]
        for problem in problems {
            guard let record = firstRecord[problem.file] else { continue }
            byFile[problem.file, default: ReportProblems(record: record, categories: [], itemCount: 0)].categories += problem.categories
            byFile[problem.file]!.itemCount += 1
        }
        return byFile.keys.sorted().map { byFile[$0]! }
    }

    func problemsTable() -> OutputTable {
        let columns = Self.groupColumns + [
            Column("category", "问题类别"), Column("agencies_reporting", "反映该问题单位数"),
            Column("agencies_with_problems", "填报问题的单位数"), Column("share_pct", "占比（%）"), Column("items", "问题条数"),
        ]
        var rows: [[CellValue]] = []
        let allReports = reportProblems()
        for (key, positions) in grouped(allReports, record: \.record) {
            let reports = positions.map { allReports[$0] }
            let filing = Set(reports.map(\.record.agencyKey)).count
            for category in Set(reports.flatMap(\.categories)).sorted() {
                let reporting = Set(reports.filter { $0.categories.contains(category) }.map(\.record.agencyKey)).count
                let items = reports.reduce(0) { $0 + $1.categories.filter { $0 == category }.count }
                rows.append(key.cells + [.text(category), .number(reporting), .number(filing),
                                         .percent(ExactDecimal(reporting).percent(of: ExactDecimal(filing))), .number(items)])
            }
        }
        return OutputTable(fileName: "compare_problems.csv", columns: columns, rows: rows)
    }

    func recurringTable() -> OutputTable {
        let columns = [Column("agency", "单位名称"), Column("region_code", "行政区划代码"), Column("category", "问题类别"),
                       Column("years", "反映年度"), Column("year_count", "年度数"), Column("longest_run", "最长连续年数")]
        var years: [[String]: Set<Int>] = [:]
        for report in reportProblems() {
            guard let year = report.record.year else { continue }
            for category in Set(report.categories) { years[[report.record.agency, report.record.regionCode, category], default: []].insert(year) }
        }
        let rows = years.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { key -> [CellValue] in
            let list = years[key]!.sorted()
            return [.text(key[0]), .text(key[1]), .text(key[2]), .text(list.map(String.init).joined(separator: ";")),
                    .number(list.count), .number(longestRun(list))]
        }
        return OutputTable(fileName: "recurring.csv", columns: columns, rows: rows)
    }

    func trendsTable() -> OutputTable {
        let columns = [
            Column("agency", "单位名称"), Column("region_code", "行政区划代码"), Column("kind", "类型"), Column("year", "年度"),
            Column("budget_full_wan", "全年预算数（万元）"), Column("budget_full_prev_wan", "上年全年预算数（万元）"),
            Column("budget_full_change_wan", "全年预算数增减（万元）"), Column("execution_rate_pct", "执行率（%）"),
            Column("execution_rate_prev_pct", "上年执行率（%）"), Column("execution_rate_change_pct", "执行率增减（百分点）"),
            Column("score", "自评得分"), Column("score_prev", "上年自评得分"), Column("score_change", "自评得分增减"),
            Column("personnel_share_pct", "人员经费占比（%）"), Column("personnel_share_prev_pct", "上年人员经费占比（%）"),
            Column("personnel_share_change_pct", "人员经费占比增减（百分点）"),
        ]
        struct YearValues { var budget, rate, score, personnel: ExactDecimal? }
        var byAgency: [[String]: [Int: [RecordRow]]] = [:]
        for record in records { if let year = record.year { byAgency[[record.agency, record.regionCode, record.kind], default: [:]][year, default: []].append(record) } }
        func values(_ rows: [RecordRow]) -> YearValues {
            let budgets = rows.compactMap(\.budgetFull)
            let both = rows.filter { $0.executed != nil && $0.budgetFull != nil }
            return YearValues(budget: budgets.isEmpty ? nil : budgets.total(),
                              rate: both.compactMap(\.executed).total().flatMap { executed in both.compactMap(\.budgetFull).total().flatMap { executed.percent(of: $0) } },
                              score: Summary(rows.compactMap(\.score))?.mean, personnel: Summary(rows.compactMap(\.personnelShare))?.mean)
        }
        func change(_ now: ExactDecimal?, _ before: ExactDecimal?) -> ExactDecimal? { now.flatMap { now in before.map { now - $0 } } }
        var rows: [[CellValue]] = []
        for key in byAgency.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let years = byAgency[key]!
            for year in years.keys.sorted() {
                let now = values(years[year]!), before = years[year - 1].map(values)
                rows.append([.text(key[0]), .text(key[1]), .text(key[2]), .number(year),
                             .amount(now.budget), .amount(before?.budget), .amount(change(now.budget, before?.budget)),
                             .percent(now.rate), .percent(before?.rate), .percent(change(now.rate, before?.rate)),
                             .number(now.score), .number(before?.score), .number(change(now.score, before?.score)),
                             .percent(now.personnel), .percent(before?.personnel), .percent(change(now.personnel, before?.personnel))])
            }
        }
        return OutputTable(fileName: "agency_trends.csv", columns: columns, rows: rows)
    }

    func auditSummaryTable() -> OutputTable {
        let columns = Self.groupColumns + [Column("check", "审核项"), Column("records_checked", "审核记录数"), Column("findings", "发现数")]
        // Per record and check first: was it applicable, how many findings (indicator checks
        // give one row per finding).
        var perRecord: [Int32: [UInt32: (checked: Bool, findings: Int)]] = [:]
        for audit in audits {
            var entry = perRecord[audit.record, default: [:]][audit.check] ?? (false, 0)
            if audit.status != .notApplicable { entry.checked = true }
            if audit.status == .finding { entry.findings += 1 }
            perRecord[audit.record, default: [:]][audit.check] = entry
        }
        var rows: [[CellValue]] = []
        for (key, positions) in grouped(records, record: { $0 }) {
            var totals: [String: (checked: Int, findings: Int)] = [:]
            for position in positions {
                for (check, entry) in perRecord[Int32(position)] ?? [:] {
                    let total = totals[checks[Int(check)]] ?? (0, 0)
                    totals[checks[Int(check)]] = (total.checked + (entry.checked ? 1 : 0), total.findings + entry.findings)
                }
            }
            for check in totals.keys.sorted() {
                rows.append(key.cells + [.text(check), .number(totals[check]!.checked), .number(totals[check]!.findings)])
            }
        }
        return OutputTable(fileName: "audit_summary.csv", columns: columns, rows: rows)
    }
}
