import PerfevalCore
import Emit

/// Stage 5: the comparative tables of the annual cross-agency review, built report by report.
/// `add` folds one report's rows into running per-group figures (counts, exact sums, how
/// often each rate or score occurs, which agencies) and lets the rows go. What grows with
/// the agencies and the values (`AgencyFigures`, `ValueCounts`) is written to a temporary
/// file in sorted runs past a limit and merged back for the tables, so memory follows the
/// number of groups, not of reports or agencies. Every table depends only on the set of
/// reports added, not on their order, so split runs aggregate to the same bytes as one run.
public struct Aggregator {
    /// Most distinct check names kept (the program writes about a dozen); audit rows naming
    /// more are counted in `skippedAudits` and left out.
    public static let maxChecks = 10_000
    /// Agencies whose figures are held in memory before they are written to a temporary file
    /// (about 1.2 KB each, some 40 MB at the limit): this bounds the comparative step's memory
    /// however many agencies. Sized so that a province's agencies of a year (thousands to tens
    /// of thousands) are usually held whole: merging runs back costs far more than holding them.
    public static let defaultAgenciesInMemory = 32_768
    /// Distinct (group column, value) counts held for the medians before they are written out
    /// (about 40 bytes each).
    public static let defaultValuesInMemory = 1 << 17

    let filter: AggregateFilter
    let levels: [RegionLevel]
    /// Which agencies each group has, each agency's figures per year, its problems per year.
    private var perAgency: AgencyFigures
    /// How often each rate, score and personnel share occurs per group, for the medians.
    private var valueCounts: ValueCounts
    /// Groups are numbered in order of first sight: a record's groups are looked up by key
    /// once, then kept by number (its audits and problems need no lookup).
    private var groupKeys = Numbering<GroupKey>()
    private var groups: [GroupFigures] = []
    private var problemGroups: [Int32: ProblemFigures] = [:]
    /// Problem categories: a report's categories are hashed as names once, then kept by number.
    private var categories = Numbering<String>()
    /// Agency sets (of groups, of their problem filers and reporters) are numbered.
    private var agencySets: Int32 = 0
    /// Check names, numbered in order of first sight (per-group totals are kept by number).
    private var checks = Numbering<String>()
    /// The number of the check last looked up (-1 before the first).
    private var lastCheck: Int32 = -1
    public private(set) var skippedAudits = 0
    /// Runs of per-agency figures written to the temporary file so far.
    var spilledRuns: Int { perAgency.runsWritten }
    var spilledValueRuns: Int { valueCounts.runsWritten }

    /// `agenciesInMemory`: how many agencies' figures are held before they are written to a
    /// temporary file in `spillDirectory` (the system's temporary folder when nil);
    /// `valuesInMemory`: how many distinct (group column, value) counts, likewise.
    public init(filter: AggregateFilter = AggregateFilter(), agenciesInMemory: Int = Aggregator.defaultAgenciesInMemory,
                valuesInMemory: Int = Aggregator.defaultValuesInMemory, spillDirectory: String? = nil) {
        self.filter = filter
        levels = filter.level.map { [$0] } ?? RegionLevel.allCases
        perAgency = AgencyFigures(limit: agenciesInMemory, spillDirectory: spillDirectory)
        valueCounts = ValueCounts(limit: valuesInMemory, spillDirectory: spillDirectory)
    }

    /// Every table, its rows built as they are written: a writer never holds a whole table.
    public func streamedTables() -> [StreamedTable] {
        // Merged from their runs once, when a table first needs them.
        let ranks = Once { [perAgency] in perAgency.agencyRanks() }
        let agencyCounts = Once { [perAgency, agencySets] in try perAgency.distinctAgencies(sets: Int(agencySets), ranks: ranks.get()) }
        let medians = Once { [valueCounts] in try valueCounts.medians() }
        // Four tables list the groups in the same order: sorted once.
        let sorted = Once { [groupKeys, groups] in Self.sortedByKey(Array(zip(groupKeys.keys, groups))) }
        return [executionTable(sorted, agencyCounts, medians), scoresTable(sorted, medians), spendingTable(sorted, medians),
                problemsTable(agencyCounts), recurringTable(ranks), trendsTable(ranks), auditSummaryTable(sorted)]
    }

    /// A table whose `rows` writes each row, in order, to the sink it is given.
    public struct StreamedTable {
        public let fileName: String
        public let columns: [Column]
        public let rows: (_ sink: inout any TableSink) throws -> Void
    }

    // MARK: adding a report

    /// Folds one report's rows into the figures; records the filter does not admit are left out.
    /// Throws only when per-agency figures cannot be written to their temporary file.
    public mutating func add(_ report: ReportRows) throws {
        // By record position: the agency number and groups of each admitted record.
        var admitted = [Admitted?](repeating: nil, count: report.records.count)
        for (position, record) in report.records.enumerated() where filter.admits(record) {
            let agency = perAgency.number(of: AgencyName(name: record.agency, regionCode: record.regionCode))
            let numbers = groupKeys(record).map { groupNumber($0) }
            admitted[position] = Admitted(agency: agency, groups: numbers)
            for number in numbers {
                // Changed in place (a group's figures are never copied).
                let set = groups[Int(number)].add(record, nextSet: &agencySets, values: &valueCounts)
                perAgency.addMember(agency, toSet: set)
            }
            if let year = record.year { perAgency.addTrend(agency, kind: record.kind, year: year, record: record) }
        }
        addAudits(report, admitted: admitted)
        addProblems(report, admitted: admitted)
        try perAgency.spillIfFull()
        try valueCounts.spillIfFull()
    }

    /// A record the filter admits: its agency's number and its groups' numbers.
    private struct Admitted {
        var agency: Int32
        var groups: [Int32]
    }

    private mutating func groupNumber(_ key: GroupKey) -> Int32 {
        let number = groupKeys.number(key)
        if Int(number) == groups.count { groups.append(GroupFigures()) }   // a new group
        return number
    }

    /// The report's problems count under its first admitted record.
    private mutating func addProblems(_ report: ReportRows, admitted: [Admitted?]) {
        guard !report.problemCategories.isEmpty, let first = admitted.firstIndex(where: { $0 != nil }), let entry = admitted[first] else { return }
        let record = report.records[first], agency = entry.agency
        let categories = report.problemCategories.flatMap { $0 }.map { self.categories.number($0) }
        for group in entry.groups {
            for set in problemGroups[group, default: ProblemFigures()].add(categories, nextSet: &agencySets) {
                perAgency.addMember(agency, toSet: set)
            }
        }
        if let year = record.year {
            for category in Set(categories) { perAgency.addRecurrence(agency, category: self.categories[category], year: year) }
        }
    }

    /// Per record and check: was it applicable, how many findings (indicator checks give one
    /// row per finding); then added to every group of the record (one group lookup for all
    /// of a record's checks). Audits name their record by project; when two records share
    /// a name, the later one has them.
    private mutating func addAudits(_ report: ReportRows, admitted: [Admitted?]) {
        guard !report.audits.isEmpty else { return }
        // A report of few records is scanned from its last record (names are slow to hash);
        // of many, looked up in a table. Either way the later of two namesakes is found.
        var table: [String: Int]?
        if report.records.count > 8 {
            table = [:]
            for (position, record) in report.records.enumerated() { table![record.project] = position }
        }
        func recordOfProject(_ project: String) -> Int? {
            if let table { return table[project] }
            return report.records.lastIndex { $0.project == project }
        }
        // By record position, then check number; `present` marks the checks a record has.
        var perRecord = [[CheckFigures]?](repeating: nil, count: report.records.count)
        var last: (project: String, position: Int?)?   // a record's audits come together: its name looked up once
        for audit in report.audits {
            if last?.project != audit.project { last = (audit.project, recordOfProject(audit.project)) }
            guard let position = last?.position, admitted[position] != nil else { continue }
            guard let check = checkNumber(audit.check) else { skippedAudits += 1; continue }
            if perRecord[position] == nil { perRecord[position] = Array(repeating: CheckFigures(), count: checks.count) }
            perRecord[position]!.withEntry(Int(check)) { entry in
                entry.present = true
                if audit.status != .notApplicable { entry.checked = 1 }
                if audit.status == .finding { entry.findings += 1 }
            }
        }
        for (position, checks) in perRecord.enumerated() {
            guard let checks else { continue }
            for group in admitted[position]!.groups { groups[Int(group)].addChecks(checks) }
        }
    }

    /// nil past `maxChecks` distinct names. Audit rows come check after check in the same
    /// order for every record: the last check's name and the next one's are tried before the
    /// names are looked up (no hashing of the name for most rows).
    private mutating func checkNumber(_ name: String) -> Int32? {
        let last = Int(lastCheck), names = checks.keys
        if last >= 0, names[last] == name { return lastCheck }
        if last + 1 < names.count, names[last + 1] == name { lastCheck += 1; return lastCheck }
        guard checks.existing(name) != nil || checks.count < Self.maxChecks else { return nil }
        lastCheck = checks.number(name)
        return lastCheck
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

        /// Hashes all but the region name (names are slow to hash, and the code nearly always
        /// tells groups apart); `==` compares every field.
        func hash(into hasher: inout Hasher) {
            hasher.combine(level)
            hasher.combine(code)
            hasher.combine(year)
            hasher.combine(kind)
        }

        /// By level (in `RegionLevel.allCases` order), code, name, year (none first), kind.
        static func < (a: GroupKey, b: GroupKey) -> Bool {
            if a.level != b.level { return a.level.order < b.level.order }
            if a.code != b.code { return a.code < b.code }
            if a.name != b.name { return a.name < b.name }
            let (leftYear, rightYear) = (a.year ?? Int.min, b.year ?? Int.min)
            return leftYear != rightYear ? leftYear < rightYear : a.kind < b.kind
        }

        var cells: [CellValue] { [.text(level.rawValue), .text(code), .text(name), .number(year), .text(kind)] }
        /// `cells`, written to `sink` (the start of a row).
        func write<Sink: TableSink>(into sink: inout Sink) {
            sink.text(level.rawValue); sink.text(code); sink.text(name); sink.number(year); sink.text(kind)
        }
        /// Groups compared in a ranking: same level, year and kind.
        var peers: [String] { [level.rawValue, year.map(String.init) ?? "", kind] }
    }

    /// What the execution, scores, spending and audit tables need of one group's records.
    struct GroupFigures {
        /// The number of the set of its agencies (kept by `AgencyFigures`), given at the first record.
        var agencySet: Int32 = -1
        var records = 0
        var rates = Tally(), scores = Tally(), personnelShares = Tally()
        var below90 = 0
        /// 执行数 and 全年预算数 summed over the records that give both (the weighted rate).
        var executedOfBoth = RunningSum(), budgetOfBoth = RunningSum()
        /// Records graded 优, 良, 中, 差 (`gradeNames` order), held inline (no array per group).
        var grades = SIMD4<Int32>()
        var withFindings = 0, highScoreWithFindings = 0
        var projectShares = RunningSum()
        /// Spending and 实有人数 summed over the records with both (spending per staff).
        var staffedSpending = RunningSum(), staff = 0
        /// By check number (a dozen checks: an array is smaller than a dictionary per group).
        var checks: [CheckFigures] = []

        /// A record's checks, by check number (those it has marked `present`).
        mutating func addChecks(_ entries: [CheckFigures]) {
            for check in entries.indices where entries[check].present {
                checks.withEntry(check) { $0.add(entries[check]) }
            }
        }

        static let gradeNames = ["优", "良", "中", "差"]

        /// Returns the group's agency set (numbered `nextSet` at the group's first record).
        mutating func add(_ record: RecordRow, nextSet: inout Int32, values: inout ValueCounts) -> Int32 {
            if agencySet < 0 { agencySet = nextSet; nextSet += 1 }
            records += 1
            rates.add(record.executionRate, into: &values)
            if let rate = record.executionRate, rate < ExactDecimal(90) { below90 += 1 }
            if let executed = record.executed, let budget = record.budgetFull { executedOfBoth.add(executed); budgetOfBoth.add(budget) }
            scores.add(record.score, into: &values)
            if let grade = GroupFigures.gradeNames.firstIndex(of: record.grade) { grades[grade] += 1 }
            if record.auditFindings > 0 {
                withFindings += 1
                if (record.score ?? .zero) >= ExactDecimal(95) { highScoreWithFindings += 1 }
            }
            personnelShares.add(record.personnelShare, into: &values)
            if let project = record.projectExp, let basic = record.basicExp { projectShares.add(project.percent(of: basic + project)) }
            if let spending = record.spending, let staffActual = record.staffActual, staffActual > 0 {
                staffedSpending.add(spending)
                staff += staffActual
            }
            return agencySet
        }

        /// 执行数 ÷ 预算数 over the group's records that give both.
        var weightedRate: ExactDecimal? { executedOfBoth.sum.flatMap { executed in budgetOfBoth.sum.flatMap { executed.percent(of: $0) } } }
    }

    struct CheckFigures {
        var checked: Int32 = 0, findings: Int32 = 0
        /// Whether a record of the group had the check at all (then it has a row, even at 0).
        var present = false
        mutating func add(_ other: CheckFigures) { checked += other.checked; findings += other.findings; present = true }
    }


    /// The problem categories of one group's reports: the agency sets of those that filed
    /// problems and, per category, of those that reported it; and how many items per category.
    struct ProblemFigures {
        var filingSet: Int32 = -1
        /// By category number: the agency set of the reports giving it, and its items.
        var categories: [Int32: (reportingSet: Int32, items: Int)] = [:]

        /// One report's problem items by category number: returns the agency sets its agency
        /// counts in (those filing problems, then those reporting each category); sets new to
        /// the group are numbered from `nextSet`.
        mutating func add(_ categories: [Int32], nextSet: inout Int32) -> [Int32] {
            if filingSet < 0 { filingSet = nextSet; nextSet += 1 }
            var sets = [filingSet]
            for category in categories {
                if let known = self.categories[category] {
                    self.categories[category] = (known.reportingSet, known.items + 1)
                    sets.append(known.reportingSet)
                    continue
                }
                self.categories[category] = (nextSet, 1)
                sets.append(nextSet)
                nextSet += 1
            }
            return sets
        }
    }

    // MARK: tables

    static let groupColumns = [Column("level", "层级"), Column("region_code", "行政区划代码"), Column("region_name", "地区"),
                               Column("year", "年度"), Column("kind", "类型")]

    /// The groups and their figures, by group key.
    typealias SortedGroups = Once<[(key: GroupKey, value: GroupFigures)]>

    /// Groups' entries by key: positions are sorted (entries are not moved about).
    static func sortedByKey<Figures>(_ entries: [(GroupKey, Figures)]) -> [(key: GroupKey, value: Figures)] {
        let keys = entries.map(\.0)
        return keys.indices.sorted { keys[$0] < keys[$1] }.map { entries[$0] }
    }

    func executionTable(_ sortedGroups: SortedGroups, _ agencyCounts: Once<[Int]>, _ medians: Once<[ExactDecimal]>) -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("agencies", "单位数"), Column("rate_records", "有执行率记录数"),
            Column("rate_mean_pct", "平均执行率（%）"), Column("rate_weighted_pct", "加权执行率（%）"),
            Column("rate_median_pct", "执行率中位数（%）"), Column("rate_min_pct", "最低执行率（%）"), Column("rate_max_pct", "最高执行率（%）"),
            Column("below_90", "执行率低于90%记录数"), Column("rank", "排名"),
        ]
        return StreamedTable(fileName: "compare_execution.csv", columns: columns) { sink in
            let agencies = try agencyCounts.get(), medians = try medians.get()
            var rows: [[CellValue]] = []
            var means: [[String]: [(Int, ExactDecimal)]] = [:]
            for (index, (key, group)) in try sortedGroups.get().enumerated() {
                let summary = group.rates.summary(medians)
                rows.append(key.cells + [
                    .number(group.records), .number(agencies[Int(group.agencySet)]), .number(group.rates.count),
                    .percent(summary?.mean), .percent(group.weightedRate), .percent(summary?.median), .percent(summary?.min), .percent(summary?.max),
                    .number(group.below90), .empty,
                ])
                if let mean = summary?.mean { means[key.peers, default: []].append((index, mean)) }
            }
            // Rank by mean execution rate among groups of the same level, year and kind.
            for peers in means.values {
                for ((index, _), rank) in zip(peers, ranks(peers.map(\.1))) { rows[index][rows[index].count - 1] = .number(rank) }
            }
            for row in rows { sink.row(row) }
        }
    }

    func scoresTable(_ sortedGroups: SortedGroups, _ medians: Once<[ExactDecimal]>) -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("scored_records", "有得分记录数"), Column("score_mean", "平均得分"),
            Column("score_median", "得分中位数"), Column("score_min", "最低得分"), Column("score_max", "最高得分"),
            Column("grade_excellent", "优"), Column("grade_good", "良"), Column("grade_fair", "中"), Column("grade_poor", "差"),
            Column("records_with_findings", "有审核发现记录数"), Column("high_score_with_findings", "95分以上且有审核发现记录数"),
        ]
        return StreamedTable(fileName: "compare_scores.csv", columns: columns) { sink in
            let medians = try medians.get()
            for (key, group) in try sortedGroups.get() {
                let summary = group.scores.summary(medians)
                key.write(into: &sink)
                sink.number(group.records); sink.number(group.scores.count)
                sink.cell(.percent(summary?.mean)); sink.cell(.percent(summary?.median)); sink.cell(.number(summary?.min)); sink.cell(.number(summary?.max))
                for grade in 0..<4 { sink.number(Int(group.grades[grade])) }
                sink.number(group.withFindings); sink.number(group.highScoreWithFindings)
                sink.endRow()
            }
        }
    }

    func spendingTable(_ sortedGroups: SortedGroups, _ medians: Once<[ExactDecimal]>) -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("records", "记录数"), Column("personnel_share_mean_pct", "人员经费占比均值（%）"),
            Column("personnel_share_median_pct", "人员经费占比中位数（%）"), Column("personnel_share_min_pct", "人员经费占比最低（%）"),
            Column("personnel_share_max_pct", "人员经费占比最高（%）"), Column("project_share_mean_pct", "项目支出占比均值（%）"),
            Column("spending_per_staff_wan", "人均支出（万元）"),
        ]
        return StreamedTable(fileName: "compare_spending.csv", columns: columns) { sink in
            let medians = try medians.get()
            for (key, group) in try sortedGroups.get() {
                let personnel = group.personnelShares.summary(medians)
                let perStaff = group.staffedSpending.sum?.divided(by: ExactDecimal(group.staff))
                key.write(into: &sink)
                sink.number(group.records)
                for value in [personnel?.mean, personnel?.median, personnel?.min, personnel?.max, group.projectShares.mean, perStaff] {
                    sink.cell(.percent(value))
                }
                sink.endRow()
            }
        }
    }

    func problemsTable(_ agencyCounts: Once<[Int]>) -> StreamedTable {
        let columns = Self.groupColumns + [
            Column("category", "问题类别"), Column("agencies_reporting", "反映该问题单位数"),
            Column("agencies_with_problems", "填报问题的单位数"), Column("share_pct", "占比（%）"), Column("items", "问题条数"),
        ]
        return StreamedTable(fileName: "compare_problems.csv", columns: columns) { sink in
            let agencies = try agencyCounts.get()
            // Categories by name: each number's place in the order of the names, found once.
            let names = categories.keys
            let nameRanks = AgencyFigures.ranks(of: names.count) { names[$0] < names[$1] }
            for (key, group) in Self.sortedByKey(problemGroups.map { (groupKeys[$0.key], $0.value) }) {
                let filing = agencies[Int(group.filingSet)]
                for (category, figures) in group.categories.sorted(by: { nameRanks[Int($0.key)] < nameRanks[Int($1.key)] }) {
                    let reporting = agencies[Int(figures.reportingSet)]
                    key.write(into: &sink)
                    sink.text(names[Int(category)]); sink.number(reporting); sink.number(filing)
                    sink.cell(.percent(ExactDecimal(reporting).percent(of: ExactDecimal(filing)))); sink.number(figures.items)
                    sink.endRow()
                }
            }
        }
    }

    func recurringTable(_ ranks: Once<[Int32]>) -> StreamedTable {
        let columns = [Column("agency", "单位名称"), Column("region_code", "行政区划代码"), Column("category", "问题类别"),
                       Column("years", "反映年度"), Column("year_count", "年度数"), Column("longest_run", "最长连续年数")]
        return StreamedTable(fileName: "recurring.csv", columns: columns) { sink in
            try perAgency.forEachRecurrence(ranks: ranks.get()) { agency, category, years in
                sink.text(agency.name); sink.text(agency.regionCode); sink.text(category); sink.text(years.map(String.init).joined(separator: ";"))
                sink.number(years.count); sink.number(longestRun(years))
                sink.endRow()
            }
        }
    }

    func trendsTable(_ ranks: Once<[Int32]>) -> StreamedTable {
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
        return StreamedTable(fileName: "agency_trends.csv", columns: columns) { sink in
            var previous: TrendEntry?   // entries come by agency, kind and year
            try perAgency.forEachTrend(ranks: ranks.get()) { entry in
                defer { previous = entry }
                let now = entry.figures
                let before = previous.flatMap { $0.agency == entry.agency && $0.kind == entry.kind && $0.year == entry.year - 1 ? $0.figures : nil }
                let score = now.scores.mean, personnel = now.personnelShares.mean
                let scoreBefore = before?.scores.mean, personnelBefore = before?.personnelShares.mean
                sink.text(entry.agency.name); sink.text(entry.agency.regionCode); sink.text(entry.kind); sink.number(Int(entry.year))
                sink.row([.amount(now.budget), .amount(before?.budget), .amount(change(now.budget, before?.budget)),
                          .percent(now.rate), .percent(before?.rate), .percent(change(now.rate, before?.rate)),
                          .number(score), .number(scoreBefore), .number(change(score, scoreBefore)),
                          .percent(personnel), .percent(personnelBefore), .percent(change(personnel, personnelBefore))])
            }
        }
    }

    func auditSummaryTable(_ sortedGroups: SortedGroups) -> StreamedTable {
        let columns = Self.groupColumns + [Column("check", "审核项"), Column("records_checked", "审核记录数"), Column("findings", "发现数")]
        return StreamedTable(fileName: "audit_summary.csv", columns: columns) { sink in
            let checkNames = checks.keys
            let checkOrder = checkNames.indices.sorted { checkNames[$0] < checkNames[$1] }   // check numbers by name
            for (key, group) in try sortedGroups.get() {
                for check in checkOrder where check < group.checks.count && group.checks[check].present {
                    let totals = group.checks[check]
                    key.write(into: &sink)
                    sink.text(checkNames[check]); sink.number(Int(totals.checked)); sink.number(Int(totals.findings))
                    sink.endRow()
                }
            }
        }
    }
}

extension Array where Element == Aggregator.CheckFigures {
    /// Changes the entry of check number `check` in place, growing the array to hold it.
    mutating func withEntry(_ check: Int, _ change: (inout Aggregator.CheckFigures) -> Void) {
        if count <= check { self += Array(repeating: Aggregator.CheckFigures(), count: check + 1 - count) }
        change(&self[check])
    }
}
