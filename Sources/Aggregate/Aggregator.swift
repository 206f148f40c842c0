import PerfevalCore
import Emit

/// Stage 5: the comparative tables of the annual cross-agency review, built report by report.
/// `add` folds one report's rows into running per-group figures (counts, exact sums, how
/// often each rate or score occurs, which agencies) and lets the rows go, so memory follows
/// the number of groups and agencies, not of reports. Every table depends only on the set
/// of reports added, not on their order, so split runs aggregate to the same bytes as one run.
public struct Aggregator {
    /// Most distinct check names kept (the program writes about a dozen); audit rows naming
    /// more are counted in `skippedAudits` and left out.
    public static let maxChecks = 10_000

    let filter: AggregateFilter
    let levels: [RegionLevel]
    /// Each agency (its name within its region) once, numbered in order of first sight: the
    /// per-agency figures and the sets of agencies per group hold numbers, not names.
    private var agencyNumbers: [String: [String: Int32]] = [:]   // region code → name → number
    private var agencies: [(name: String, regionCode: String)] = []
    private var categoryNumbers: [String: Int32] = [:]
    private var categories: [String] = []
    private var groups: [GroupKey: GroupFigures] = [:]
    private var problemGroups: [GroupKey: ProblemFigures] = [:]
    /// Each (agency, problem category, year) reported.
    private var recurring: Set<Recurrence> = []
    /// Each agency's figures per kind and year.
    private var trends: [TrendKey: YearFigures] = [:]
    /// Check names, numbered in order of first sight (per-group totals are kept by number).
    private var checkNumbers: [String: Int32] = [:]
    private var checkNames: [String] = []
    public private(set) var skippedAudits = 0

    public init(filter: AggregateFilter = AggregateFilter()) {
        self.filter = filter
        levels = filter.level.map { [$0] } ?? RegionLevel.allCases
    }

    /// Every table, its rows built as they are written: a writer never holds a whole table.
    public func streamedTables() -> [StreamedTable] {
        [executionTable(), scoresTable(), spendingTable(), problemsTable(), recurringTable(), trendsTable(), auditSummaryTable()]
    }

    /// A table whose `rows` hands each row, in order, to the function it is given.
    public struct StreamedTable {
        public let fileName: String
        public let columns: [Column]
        public let rows: (_ emit: ([CellValue]) throws -> Void) throws -> Void
    }

    // MARK: adding a report

    /// Folds one report's rows into the figures; records the filter does not admit are left out.
    public mutating func add(_ report: ReportRows) {
        var admitted: [Int: Int32] = [:]   // record position → agency number
        for (position, record) in report.records.enumerated() where filter.admits(record) {
            let agency = agencyNumber(record)
            admitted[position] = agency
            for key in groupKeys(record) { groups[key, default: GroupFigures()].add(record, agency: agency) }
            if let year = record.year { trends[TrendKey(agency: agency, kind: record.kind, year: Int16(year)), default: YearFigures()].add(record) }
        }
        addAudits(report, admitted: admitted)
        // The report's problems count under its first admitted record.
        guard !report.problemCategories.isEmpty, let first = admitted.keys.min() else { return }
        let record = report.records[first], agency = admitted[first]!
        let categories = report.problemCategories.flatMap { $0 }
        for key in groupKeys(record) { problemGroups[key, default: ProblemFigures()].add(categories, agency: agency) }
        if let year = record.year {
            for category in Set(categories) {
                recurring.insert(Recurrence(agency: agency, category: categoryNumber(category), year: Int16(year)))
            }
        }
    }

    /// Per record and check: was it applicable, how many findings (indicator checks give one
    /// row per finding); then added to every group of the record. Audits name their record
    /// by project; when two records share a name, the later one has them.
    private mutating func addAudits(_ report: ReportRows, admitted: [Int: Int32]) {
        guard !report.audits.isEmpty else { return }
        var recordOfProject: [String: Int] = [:]
        for (position, record) in report.records.enumerated() { recordOfProject[record.project] = position }
        var perRecord: [Int: [Int32: CheckFigures]] = [:]
        for audit in report.audits {
            guard let position = recordOfProject[audit.project], admitted[position] != nil else { continue }
            guard let check = checkNumber(audit.check) else { skippedAudits += 1; continue }
            var entry = perRecord[position, default: [:]][check] ?? CheckFigures()
            if audit.status != .notApplicable { entry.checked = 1 }
            if audit.status == .finding { entry.findings += 1 }
            perRecord[position, default: [:]][check] = entry
        }
        for (position, checks) in perRecord {
            for key in groupKeys(report.records[position]) {
                for (check, entry) in checks { groups[key]!.checks[check, default: CheckFigures()].add(entry) }
            }
        }
    }

    private mutating func agencyNumber(_ record: RecordRow) -> Int32 {
        if let number = agencyNumbers[record.regionCode]?[record.agency] { return number }
        let number = Int32(agencies.count)
        agencyNumbers[record.regionCode, default: [:]][record.agency] = number
        agencies.append((record.agency, record.regionCode))
        return number
    }

    /// nil past `maxChecks` distinct names.
    private mutating func checkNumber(_ name: String) -> Int32? {
        if let number = checkNumbers[name] { return number }
        guard checkNames.count < Self.maxChecks else { return nil }
        let number = Int32(checkNames.count)
        checkNumbers[name] = number
        checkNames.append(name)
        return number
    }

    private mutating func categoryNumber(_ category: String) -> Int32 {
        if let number = categoryNumbers[category] { return number }
        let number = Int32(categories.count)
        categoryNumbers[category] = number
        categories.append(category)
        return number
    }

    /// The groups of a record: one per level its region has.
    func groupKeys(_ record: RecordRow) -> [GroupKey] {
        levels.compactMap { level in
            level.group(of: record).map { GroupKey(level: level, code: $0.code, name: $0.name, year: record.year, kind: record.kind) }
        }
    }

    // MARK: running figures

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

    /// What the execution, scores, spending and audit tables need of one group's records.
    struct GroupFigures {
        var records = 0
        var agencies: Set<Int32> = []
        var rates = Tally(), scores = Tally(), personnelShares = Tally()
        var below90 = 0
        /// 执行数 and 全年预算数 summed over the records that give both (the weighted rate).
        var executedOfBoth = RunningSum(), budgetOfBoth = RunningSum()
        /// Records graded 优, 良, 中, 差 (`gradeNames` order).
        var grades = [0, 0, 0, 0]
        var withFindings = 0, highScoreWithFindings = 0
        var projectShares = RunningSum()
        /// Spending and 实有人数 summed over the records with both (spending per staff).
        var staffedSpending = RunningSum(), staff = 0
        var checks: [Int32: CheckFigures] = [:]   // by check number

        static let gradeNames = ["优", "良", "中", "差"]

        mutating func add(_ record: RecordRow, agency: Int32) {
            records += 1
            agencies.insert(agency)
            rates.add(record.executionRate)
            if let rate = record.executionRate, rate < ExactDecimal(90) { below90 += 1 }
            if let executed = record.executed, let budget = record.budgetFull { executedOfBoth.add(executed); budgetOfBoth.add(budget) }
            scores.add(record.score)
            if let grade = GroupFigures.gradeNames.firstIndex(of: record.grade) { grades[grade] += 1 }
            if record.auditFindings > 0 {
                withFindings += 1
                if (record.score ?? .zero) >= ExactDecimal(95) { highScoreWithFindings += 1 }
            }
            personnelShares.add(record.personnelShare)
            if let project = record.projectExp, let basic = record.basicExp { projectShares.add(project.percent(of: basic + project)) }
            if let spending = record.spending, let staffActual = record.staffActual, staffActual > 0 {
                staffedSpending.add(spending)
                staff += staffActual
            }
        }

        /// 执行数 ÷ 预算数 over the group's records that give both.
        var weightedRate: ExactDecimal? { executedOfBoth.sum.flatMap { executed in budgetOfBoth.sum.flatMap { executed.percent(of: $0) } } }
    }

    struct CheckFigures {
        var checked = 0, findings = 0
        mutating func add(_ other: CheckFigures) { checked += other.checked; findings += other.findings }
    }

    /// The problem categories of one group's reports: which agencies filed problems, and per
    /// category which agencies reported it and how many items.
    struct ProblemFigures {
        var filing: Set<Int32> = []
        var reporting: [String: Set<Int32>] = [:]
        var items: [String: Int] = [:]

        mutating func add(_ categories: [String], agency: Int32) {
            filing.insert(agency)
            for category in categories {
                reporting[category, default: []].insert(agency)
                items[category, default: 0] += 1
            }
        }
    }

    struct Recurrence: Hashable {
        var agency: Int32, category: Int32, year: Int16
    }

    struct TrendKey: Hashable {
        var agency: Int32, kind: String, year: Int16
    }

    /// One agency's records of one year and kind, for agency_trends.csv.
    struct YearFigures {
        var budgets = RunningSum(), executedOfBoth = RunningSum(), budgetOfBoth = RunningSum()
        var scores = RunningSum(), personnelShares = RunningSum()

        mutating func add(_ record: RecordRow) {
            budgets.add(record.budgetFull)
            if let executed = record.executed, let budget = record.budgetFull { executedOfBoth.add(executed); budgetOfBoth.add(budget) }
            scores.add(record.score)
            personnelShares.add(record.personnelShare)
        }

        var budget: ExactDecimal? { budgets.count == 0 ? nil : budgets.sum }
        var rate: ExactDecimal? { executedOfBoth.sum.flatMap { executed in budgetOfBoth.sum.flatMap { executed.percent(of: $0) } } }
    }

    // MARK: tables

    static let groupColumns = [Column("level", "层级"), Column("region_code", "行政区划代码"), Column("region_name", "地区"),
                               Column("year", "年度"), Column("kind", "类型")]

    func executionTable() -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("agencies", "单位数"), Column("rate_records", "有执行率记录数"),
            Column("rate_mean_pct", "平均执行率（%）"), Column("rate_weighted_pct", "加权执行率（%）"),
            Column("rate_median_pct", "执行率中位数（%）"), Column("rate_min_pct", "最低执行率（%）"), Column("rate_max_pct", "最高执行率（%）"),
            Column("below_90", "执行率低于90%记录数"), Column("rank", "排名"),
        ]
        return StreamedTable(fileName: "compare_execution.csv", columns: columns) { emit in
            var rows: [[CellValue]] = []
            var means: [[String]: [(Int, ExactDecimal)]] = [:]
            for (index, (key, group)) in groups.sorted(by: { $0.key < $1.key }).enumerated() {
                let summary = group.rates.summary
                rows.append(key.cells + [
                    .number(group.records), .number(group.agencies.count), .number(group.rates.count),
                    .percent(summary?.mean), .percent(group.weightedRate), .percent(summary?.median), .percent(summary?.min), .percent(summary?.max),
                    .number(group.below90), .empty,
                ])
                if let mean = summary?.mean { means[key.peers, default: []].append((index, mean)) }
            }
            // Rank by mean execution rate among groups of the same level, year and kind.
            for peers in means.values {
                for ((index, _), rank) in zip(peers, ranks(peers.map(\.1))) { rows[index][rows[index].count - 1] = .number(rank) }
            }
            for row in rows { try emit(row) }
        }
    }

    func scoresTable() -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("scored_records", "有得分记录数"), Column("score_mean", "平均得分"),
            Column("score_median", "得分中位数"), Column("score_min", "最低得分"), Column("score_max", "最高得分"),
            Column("grade_excellent", "优"), Column("grade_good", "良"), Column("grade_fair", "中"), Column("grade_poor", "差"),
            Column("records_with_findings", "有审核发现记录数"), Column("high_score_with_findings", "95分以上且有审核发现记录数"),
        ]
        return StreamedTable(fileName: "compare_scores.csv", columns: columns) { emit in
            for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
                let summary = group.scores.summary
                let grades = group.grades.map { CellValue.number($0) }
                try emit(key.cells + [
                    .number(group.records), .number(group.scores.count),
                    .percent(summary?.mean), .percent(summary?.median), .number(summary?.min), .number(summary?.max),
                ] + grades + [.number(group.withFindings), .number(group.highScoreWithFindings)])
            }
        }
    }

    func spendingTable() -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("personnel_share_mean_pct", "人员经费占比均值（%）"),
            Column("personnel_share_median_pct", "人员经费占比中位数（%）"), Column("personnel_share_min_pct", "人员经费占比最低（%）"),
            Column("personnel_share_max_pct", "人员经费占比最高（%）"), Column("project_share_mean_pct", "项目支出占比均值（%）"),
            Column("spending_per_staff_wan", "人均支出（万元）"),
        ]
        return StreamedTable(fileName: "compare_spending.csv", columns: columns) { emit in
            for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
                let personnel = group.personnelShares.summary
                let perStaff = group.staffedSpending.sum?.divided(by: ExactDecimal(group.staff))
                try emit(key.cells + [
                    .number(group.records), .percent(personnel?.mean), .percent(personnel?.median), .percent(personnel?.min),
                    .percent(personnel?.max), .percent(group.projectShares.mean), .percent(perStaff),
                ])
            }
        }
    }

    func problemsTable() -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("category", "问题类别"), Column("agencies_reporting", "反映该问题单位数"),
            Column("agencies_with_problems", "填报问题的单位数"), Column("share_pct", "占比（%）"), Column("items", "问题条数"),
        ]
        return StreamedTable(fileName: "compare_problems.csv", columns: columns) { emit in
            for (key, group) in problemGroups.sorted(by: { $0.key < $1.key }) {
                let filing = group.filing.count
                for category in group.reporting.keys.sorted() {
                    let reporting = group.reporting[category]!.count
                    try emit(key.cells + [.text(category), .number(reporting), .number(filing),
                                          .percent(ExactDecimal(reporting).percent(of: ExactDecimal(filing))), .number(group.items[category]!)])
                }
            }
        }
    }

    func recurringTable() -> StreamedTable {
        let columns = [Column("agency", "单位名称"), Column("region_code", "行政区划代码"), Column("category", "问题类别"),
                       Column("years", "反映年度"), Column("year_count", "年度数"), Column("longest_run", "最长连续年数")]
        return StreamedTable(fileName: "recurring.csv", columns: columns) { emit in
            var years: [[Int32]: [Int]] = [:]   // [agency, category] → years
            for entry in recurring { years[[entry.agency, entry.category], default: []].append(Int(entry.year)) }
            for key in years.keys.sorted(by: { sortKey($0[0], categories[Int($0[1])]) < sortKey($1[0], categories[Int($1[1])]) }) {
                let list = years[key]!.sorted(), agency = agencies[Int(key[0])]
                try emit([.text(agency.name), .text(agency.regionCode), .text(categories[Int(key[1])]), .text(list.map(String.init).joined(separator: ";")),
                          .number(list.count), .number(longestRun(list))])
            }
        }
    }

    func trendsTable() -> StreamedTable {
        let columns = [
            Column("agency", "单位名称"), Column("region_code", "行政区划代码"), Column("kind", "类型"), Column("year", "年度"),
            Column("budget_full_wan", "全年预算数（万元）"), Column("budget_full_prev_wan", "上年全年预算数（万元）"),
            Column("budget_full_change_wan", "全年预算数增减（万元）"), Column("execution_rate_pct", "执行率（%）"),
            Column("execution_rate_prev_pct", "上年执行率（%）"), Column("execution_rate_change_pct", "执行率增减（百分点）"),
            Column("score", "自评得分"), Column("score_prev", "上年自评得分"), Column("score_change", "自评得分增减"),
            Column("personnel_share_pct", "人员经费占比（%）"), Column("personnel_share_prev_pct", "上年人员经费占比（%）"),
            Column("personnel_share_change_pct", "人员经费占比增减（百分点）"),
        ]
        func change(_ now: ExactDecimal?, _ before: ExactDecimal?) -> ExactDecimal? { now.flatMap { now in before.map { now - $0 } } }
        return StreamedTable(fileName: "agency_trends.csv", columns: columns) { emit in
            let keys = trends.keys.sorted { a, b in
                let left = sortKey(a.agency, a.kind), right = sortKey(b.agency, b.kind)
                return left != right ? left < right : a.year < b.year
            }
            for key in keys {
                let now = trends[key]!, before = trends[TrendKey(agency: key.agency, kind: key.kind, year: key.year - 1)]
                let score = now.scores.mean, personnel = now.personnelShares.mean
                let scoreBefore = before?.scores.mean, personnelBefore = before?.personnelShares.mean
                let agency = agencies[Int(key.agency)]
                try emit([.text(agency.name), .text(agency.regionCode), .text(key.kind), .number(Int(key.year)),
                             .amount(now.budget), .amount(before?.budget), .amount(change(now.budget, before?.budget)),
                             .percent(now.rate), .percent(before?.rate), .percent(change(now.rate, before?.rate)),
                             .number(score), .number(scoreBefore), .number(change(score, scoreBefore)),
                             .percent(personnel), .percent(personnelBefore), .percent(change(personnel, personnelBefore))])
            }
        }
    }

    /// Rows per agency sort by name, then region code, then `detail` (category or kind).
    private func sortKey(_ agency: Int32, _ detail: String) -> (String, String, String) {
        let entry = agencies[Int(agency)]
        return (entry.name, entry.regionCode, detail)
    }

    func auditSummaryTable() -> StreamedTable {
        let columns = Self.groupColumns + [Column("check", "审核项"), Column("records_checked", "审核记录数"), Column("findings", "发现数")]
        return StreamedTable(fileName: "audit_summary.csv", columns: columns) { emit in
            for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
                for check in group.checks.keys.sorted(by: { checkNames[Int($0)] < checkNames[Int($1)] }) {
                    let totals = group.checks[check]!
                    try emit(key.cells + [.text(checkNames[Int(check)]), .number(totals.checked), .number(totals.findings)])
                }
            }
        }
    }
}
