import XCTest
import Foundation
import PerfevalCore
import CSVKit
@testable import Aggregate
@testable import Pipeline
import Emit

/// The comparative tables on the fixture corpus (Tests/Fixtures/corpus, built by
/// scripts/make_fixture_corpus.py). Every expected value below is worked out by hand from
/// the corpus table in that script:
///
/// | file | agency (region) | kind | year | budget | executed | rate | score | problem |
/// |---|---|---|---|---|---|---|---|---|
/// | d01 | 株洲市渌口区档案馆 (430212) | dept | 2021 | 100 | 90 | 90 | 92 | budget_preparation |
/// | d02 | 株洲市渌口区档案馆 | dept | 2022 | 200 | 200 | 100 | 96 | budget_preparation |
/// | d03 | 株洲市渌口区档案馆 | dept | 2023 | 150 | 120 | 80 | 88 | budget_preparation |
/// | d04 | 攸县档案馆 (430223) | dept | 2022 | 80 | 76 | 95 | 95 | execution_progress |
/// | d05 | 攸县档案馆 | dept | 2023 | 120 | 120 | 100 | 90 | budget_preparation |
/// | d06 | 常宁市档案馆 (430482) | dept | 2021 | 60 | 45 | 75 | 85 | staffing |
/// | d07 | 常宁市档案馆 | dept | 2023 | 90 | 81 | 90 | 97 | budget_preparation |
/// | d08 | 昌吉市档案馆 (652301) | dept | 2022 | 50 | 50 | 100 | 99 | digitization |
/// | d09 | 昌吉市档案馆 | dept | 2023 | 70 | 56 | 80 | 75 | digitization |
/// | p01 | 昌吉州档案馆 (652300) | project | 2021 | 20 | 20 | 100 | 98 | |
/// | p02 | 昌吉州档案馆 | project | 2022 | 30 | 27 | 90 | 91 | |
/// | p03 | 株洲市渌口区档案馆 | project | 2022 | 40 | 30 | 75 | 80 | |
/// | p04 | 常宁市档案馆 | project | 2023 | 10 | 10 | 100 | 100 | |
///
/// Every dept record keeps the template's basic spending 258.31 with derived personnel
/// 190.84 (share 73.88), project spending 0 and 11 actual staff; every record has audit
/// findings (the template's indicator findings), and only d07's score equals its
/// indicators' sum.
final class AggregateTests: XCTestCase {
    static let corpus = Paths.fixtures.appendingPathComponent("corpus").path
    static let single: URL = {
        let out = try! Paths.temporaryDirectory("single")
        let result = try! runPerfeval(["run", corpus, "--out", out.path, "--headers", "en", "--quiet"])
        precondition(result.status == 0, result.stderr)
        return out
    }()

    func rows(_ name: String, in folder: URL = single) throws -> [[String: String]] {
        try readTable(folder.appendingPathComponent(name))
    }

    func row(_ table: [[String: String]], _ match: [String: String]) throws -> [String: String] {
        let found = table.filter { row in match.allSatisfy { row[$0.key] == $0.value } }
        XCTAssertEqual(found.count, 1, "\(match)")
        return try XCTUnwrap(found.first)
    }

    func testExecutionRates() throws {
        let table = try rows("compare_execution.csv")
        let zhuzhou = try row(table, ["level": "prefecture", "region_code": "430200", "year": "2022", "kind": "dept"])
        // d02 100 and d04 95: weighted (200 + 76) / (200 + 80) = 98.571…
        XCTAssertEqual(zhuzhou["records"], "2")
        XCTAssertEqual(zhuzhou["agencies"], "2")
        XCTAssertEqual(zhuzhou["rate_mean_pct"], "97.50")
        XCTAssertEqual(zhuzhou["rate_weighted_pct"], "98.57")
        XCTAssertEqual(zhuzhou["rate_median_pct"], "97.50")
        XCTAssertEqual(zhuzhou["rate_min_pct"], "95.00")
        XCTAssertEqual(zhuzhou["rate_max_pct"], "100.00")
        XCTAssertEqual(zhuzhou["rank"], "2", "昌吉回族自治州 (d08, 100) ranks first among 2022 dept prefectures")
        XCTAssertEqual(try row(table, ["level": "prefecture", "region_code": "652300", "year": "2022", "kind": "dept"])["rank"], "1")
        let hunan2023 = try row(table, ["level": "province", "region_code": "430000", "year": "2023", "kind": "dept"])
        // d03 80, d05 100, d07 90: weighted 321 / 360 = 89.166…
        XCTAssertEqual([hunan2023["rate_mean_pct"], hunan2023["rate_weighted_pct"], hunan2023["rate_median_pct"], hunan2023["below_90"]],
                       ["90.00", "89.17", "90.00", "1"])
        let all2023 = try row(table, ["level": "all", "year": "2023", "kind": "dept"])
        // 80, 100, 90, 80: median (80 + 90) / 2; weighted 377 / 430 = 87.674…
        XCTAssertEqual([all2023["records"], all2023["rate_mean_pct"], all2023["rate_weighted_pct"], all2023["rate_median_pct"], all2023["below_90"], all2023["rank"]],
                       ["4", "87.50", "87.67", "85.00", "2", "1"])
        let counties2022 = table.filter { $0["level"] == "county" && $0["year"] == "2022" && $0["kind"] == "dept" }
        XCTAssertEqual(counties2022.map { "\($0["region_name"]!):\($0["rank"]!)" }, ["渌口区:1", "攸县:3", "昌吉市:1"])
    }

    func testScoresAndGrades() throws {
        let table = try rows("compare_scores.csv")
        let all2023 = try row(table, ["level": "all", "year": "2023", "kind": "dept"])
        // 88, 90, 97, 75
        XCTAssertEqual([all2023["score_mean"], all2023["score_median"], all2023["score_min"], all2023["score_max"]], ["87.50", "89.00", "75", "97"])
        XCTAssertEqual([all2023["grade_excellent"], all2023["grade_good"], all2023["grade_fair"], all2023["grade_poor"]], ["2", "1", "1", "0"])
        XCTAssertEqual([all2023["records_with_findings"], all2023["high_score_with_findings"]], ["4", "1"])
        let all2022 = try row(table, ["level": "all", "year": "2022", "kind": "dept"])
        // 96, 95, 99: mean 96.666…
        XCTAssertEqual([all2022["score_mean"], all2022["score_median"], all2022["high_score_with_findings"]], ["96.67", "96.00", "3"])
    }

    func testSpending() throws {
        let all2023 = try row(try rows("compare_spending.csv"), ["level": "all", "year": "2023", "kind": "dept"])
        // executed 120 + 120 + 81 + 56 = 377 over 4 × 11 staff
        XCTAssertEqual([all2023["personnel_share_mean_pct"], all2023["personnel_share_median_pct"], all2023["project_share_mean_pct"], all2023["spending_per_staff_wan"]],
                       ["73.88", "73.88", "0.00", "8.57"])
    }

    func testProblemCategoriesAndRecurrence() throws {
        let problems = try rows("compare_problems.csv")
        let zhuzhou = try row(problems, ["level": "prefecture", "region_code": "430200", "year": "2023", "category": "budget_preparation"])
        XCTAssertEqual([zhuzhou["agencies_reporting"], zhuzhou["agencies_with_problems"], zhuzhou["share_pct"], zhuzhou["items"]], ["2", "2", "100.00", "2"])
        let hunan2021 = problems.filter { $0["level"] == "province" && $0["region_code"] == "430000" && $0["year"] == "2021" }
        XCTAssertEqual(hunan2021.map { "\($0["category"]!) \($0["share_pct"]!)" }, ["budget_preparation 50.00", "staffing 50.00"])
        let all2022 = try row(problems, ["level": "all", "year": "2022", "category": "budget_preparation"])
        XCTAssertEqual(all2022["share_pct"], "33.33")

        let recurring = try rows("recurring.csv")
        let luKou = try row(recurring, ["agency": "株洲市渌口区档案馆", "category": "budget_preparation"])
        XCTAssertEqual([luKou["years"], luKou["year_count"], luKou["longest_run"]], ["2021;2022;2023", "3", "3"])
        XCTAssertEqual(try row(recurring, ["agency": "昌吉市档案馆", "category": "digitization"])["longest_run"], "2")
        XCTAssertEqual(try row(recurring, ["agency": "常宁市档案馆", "category": "staffing"])["years"], "2021")
        XCTAssertEqual(recurring.count, 6)
    }

    func testYearOnYearChanges() throws {
        let trends = try rows("agency_trends.csv")
        let luKou2022 = try row(trends, ["agency": "株洲市渌口区档案馆", "kind": "dept", "year": "2022"])
        XCTAssertEqual([luKou2022["budget_full_wan"], luKou2022["budget_full_prev_wan"], luKou2022["budget_full_change_wan"]], ["200.00", "100.00", "100.00"])
        XCTAssertEqual([luKou2022["execution_rate_pct"], luKou2022["execution_rate_prev_pct"], luKou2022["execution_rate_change_pct"]], ["100.00", "90.00", "10.00"])
        XCTAssertEqual([luKou2022["score"], luKou2022["score_prev"], luKou2022["score_change"]], ["96", "92", "4"])
        let luKou2023 = try row(trends, ["agency": "株洲市渌口区档案馆", "kind": "dept", "year": "2023"])
        XCTAssertEqual([luKou2023["budget_full_change_wan"], luKou2023["execution_rate_change_pct"], luKou2023["score_change"]], ["-50.00", "-20.00", "-8"])
        let changning2023 = try row(trends, ["agency": "常宁市档案馆", "kind": "dept", "year": "2023"])
        XCTAssertEqual([changning2023["budget_full_prev_wan"], changning2023["score_prev"]], ["", ""], "no 2022 report: no previous value")
        let changji2022 = try row(trends, ["agency": "昌吉州档案馆", "kind": "project", "year": "2022"])
        XCTAssertEqual([changji2022["budget_full_change_wan"], changji2022["execution_rate_change_pct"], changji2022["score_change"]], ["10.00", "-10.00", "-7"])
    }

    func testAuditSummary() throws {
        let summary = try rows("audit_summary.csv")
        let sums = try row(summary, ["level": "all", "year": "2023", "kind": "dept", "check": "indicator_score_sum"])
        XCTAssertEqual([sums["records_checked"], sums["findings"]], ["4", "3"], "only d07's 97 equals its indicators' sum")
    }

    static let comparative = ["compare_execution.csv", "compare_scores.csv", "compare_spending.csv", "compare_problems.csv",
                              "recurring.csv", "agency_trends.csv", "audit_summary.csv"]

    func testHalvesAggregateToTheSameBytesAsOneRun() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).sorted()
        var outputs: [String] = []
        for (index, half) in [Array(files.prefix(7)), Array(files.dropFirst(7))].enumerated() {
            let input = try Paths.temporaryDirectory("half\(index)"), out = try Paths.temporaryDirectory("halfout\(index)")
            for name in half {
                try FileManager.default.copyItem(atPath: "\(Self.corpus)/\(name)", toPath: input.appendingPathComponent(name).path)
            }
            XCTAssertEqual(try runPerfeval(["run", input.path, "--out", out.path, "--headers", "en", "--quiet"]).status, 0)
            outputs.append(out.path)
        }
        let merged = try Paths.temporaryDirectory("merged")
        let result = try runPerfeval(["aggregate"] + outputs + ["--out", merged.path, "--headers", "en"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for name in Self.comparative {
            XCTAssertEqual(try Data(contentsOf: merged.appendingPathComponent(name)), try Data(contentsOf: Self.single.appendingPathComponent(name)), name)
        }
    }

    func testAggregateReadsChineseHeadersAndGB18030() throws {
        let chinese = try Paths.temporaryDirectory("zh"), again = try Paths.temporaryDirectory("again")
        XCTAssertEqual(try runPerfeval(["run", Self.corpus, "--out", chinese.path, "--encoding", "gb18030", "--quiet"]).status, 0)
        XCTAssertEqual(try runPerfeval(["aggregate", chinese.path, "--out", again.path, "--headers", "en"]).status, 0)
        for name in Self.comparative {
            XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent(name)), try Data(contentsOf: Self.single.appendingPathComponent(name)), name)
        }
    }

    func testReviewerFilters() throws {
        let out = try Paths.temporaryDirectory("filtered")
        let result = try runPerfeval(["aggregate", Self.single.path, "--out", out.path, "--headers", "en",
                                      "--year", "2022-2023", "--level", "prefecture", "--kind", "dept"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let table = try rows("compare_execution.csv", in: out)
        XCTAssertEqual(table.map { "\($0["region_name"]!) \($0["year"]!)" },
                       ["株洲市 2022", "株洲市 2023", "衡阳市 2023", "昌吉回族自治州 2022", "昌吉回族自治州 2023"])
        let bad = try runPerfeval(["aggregate", Self.single.path, "--year", "twenty"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--year"), bad.stderr)
        let missing = try runPerfeval(["aggregate", NSTemporaryDirectory()])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("records.csv"), missing.stderr)
    }

    func testStatisticsHelpers() throws {
        XCTAssertEqual(longestRun([2021, 2022, 2023, 2025]), 3)
        XCTAssertEqual(longestRun([2020, 2022]), 1)
        XCTAssertEqual(longestRun([2023, 2021, 2022, 2022]), 3, "unsorted, repeated")
        XCTAssertEqual(longestRun([]), 0)
        XCTAssertEqual(ranks([ExactDecimal(100), ExactDecimal(95), ExactDecimal(95), ExactDecimal(90)]), [1, 2, 2, 4])
        // A tally counts its values (how often each occurs kept in ValueCounts), in any order;
        // missing values are not counted. With one count in memory, every value goes to a run.
        for limit in [1, 1_000] {
            var counts = ValueCounts(limit: limit, spillDirectory: nil), tally = Tally(), other = Tally()
            for value in [80, 100, 90, 80] {
                tally.add(ExactDecimal(value), into: &counts)
                other.add(ExactDecimal(value + 1), into: &counts)   // a second tally: medians stay apart
                try counts.spillIfFull()
            }
            tally.add(nil, into: &counts)
            XCTAssertEqual(counts.runsWritten, limit == 1 ? 4 : 0)
            let summary = try XCTUnwrap(tally.summary(try counts.medians()))
            XCTAssertEqual(tally.count, 4)
            XCTAssertEqual([summary.mean, summary.median, summary.min, summary.max].map(\.description), ["87.5", "85", "80", "100"])
            XCTAssertEqual(other.summary(try counts.medians())?.median.description, "86")
            tally.add(ExactDecimal(millionths: 95_500_000), into: &counts)   // 80, 80, 90, 95.5, 100: the middle one
            XCTAssertEqual([tally.summary(try counts.medians())!.mean, tally.summary(try counts.medians())!.median].map(\.description), ["89.1", "90"])
            XCTAssertNil(Tally().summary([]))
        }
        var sum = RunningSum()
        sum.add(ExactDecimal.plausibleLimit)
        XCTAssertEqual(sum.sum, ExactDecimal.plausibleLimit)
        for _ in 0..<1_000 { sum.add(ExactDecimal.plausibleLimit) }
        XCTAssertNil(sum.sum, "a total past the range is no number, not a wrapped one")
        XCTAssertEqual(sum.mean, ExactDecimal.plausibleLimit, "the mean is still exact")
    }

    /// Audits name their record by project: of two records with the same name the later one
    /// has them, in a report of few records (scanned) as in one of many (looked up).
    func testAuditsGoToTheLaterOfTwoNamesakes() throws {
        func record(_ project: String, county: String, code: String) -> RecordRow {
            RecordRow(file: "f", kind: "project", project: project, agency: "某单位", province: "某省", prefecture: "某市", county: county,
                      regionCode: code, year: 2000, budgetFull: nil, executed: nil, executionRate: nil, score: nil, grade: "",
                      staffActual: nil, basicExp: nil, projectExp: nil, personnelShare: nil, auditFindings: 0)
        }
        for padding in [0, 12] {
            var report = ReportRows()
            report.records = [record("甲项目", county: "甲县", code: "000001")]
                + (0..<padding).map { record("项目\($0)", county: "乙县", code: "000002") } + [record("甲项目", county: "丙县", code: "000003")]
            report.audits = [AuditRow(project: "甲项目", check: "sum", status: .finding)]
            var aggregator = Aggregator(filter: AggregateFilter(level: .county))
            try aggregator.add(report)
            let table = try XCTUnwrap(aggregator.streamedTables().first { $0.fileName == "audit_summary.csv" })
            var sink: any TableSink = CellRowSink()
            try table.rows(&sink)
            XCTAssertEqual((sink as! CellRowSink).rows.map { $0[2] }, [.text("丙县")], "\(padding)")
        }
    }

    /// Ranks give each numbered item its place in the order compared (per-agency figures are
    /// sorted by them); levels compare in the order of `allCases`.
    func testRanksFollowTheOrderCompared() {
        let names = ["株洲市渌口区档案馆", "攸县档案馆", "常宁市档案馆", "archive", "攸县"]
        let ranks = AgencyFigures.ranks(of: names.count) { names[$0] < names[$1] }
        XCTAssertEqual(names.indices.sorted { ranks[$0] < ranks[$1] }.map { names[$0] }, names.sorted())
        XCTAssertEqual(Set(ranks).count, names.count)
        XCTAssertEqual(RegionLevel.allCases.map(\.order), Array(RegionLevel.allCases.indices))
    }

    /// Tables a run writes list each file's rows together, in the same file order, and are
    /// walked side by side; tables in another order (here problems and audits reversed)
    /// are joined by file instead, with the same result.
    func testTablesInAnotherFileOrderAggregateTheSame() throws {
        let shuffled = try Paths.temporaryDirectory("shuffled"), out = try Paths.temporaryDirectory("shuffled-out")
        for name in ["records.csv", "problems.csv", "audits.csv"] {
            var table = try CSV.parse(Array(try Data(contentsOf: Self.single.appendingPathComponent(name))))
            if name != "records.csv" { table = [table[0]] + table.dropFirst().reversed() }
            var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
            for row in table { CSV.encodeRow(row, into: &bytes) }
            try Data(bytes).write(to: shuffled.appendingPathComponent(name))
        }
        let result = try runPerfeval(["aggregate", shuffled.path, "--out", out.path, "--headers", "en", "--no-xlsx", "--no-html"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for name in Self.comparative {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(name)), try Data(contentsOf: Self.single.appendingPathComponent(name)), name)
        }
        let bounded = try runPerfeval(["aggregate", shuffled.path, "--out", out.path, "--max-records", "5", "--no-xlsx", "--no-html"])
        XCTAssertEqual(bounded.status, 2)
        XCTAssertTrue(bounded.stderr.contains("--max-records"), bounded.stderr)
    }

    /// Per-agency figures beyond `agenciesInMemory` (and value counts beyond `valuesInMemory`)
    /// are written out in sorted runs and merged back: with one agency in memory (a run after
    /// almost every report, the same agencies in many runs) every table has the same rows as
    /// when all is held in memory.
    func testAgencyFiguresWrittenInRunsGiveTheSameTables() throws {
        func tables(agenciesInMemory: Int) throws -> (tables: [String: [[CellValue]]], runs: Int) {
            var aggregator = Aggregator(agenciesInMemory: agenciesInMemory, valuesInMemory: agenciesInMemory * 4)
            try AggregateRun.streamReports(Self.single, into: &aggregator, issues: RowIssues(log: { XCTFail($0) }))
            var tables: [String: [[CellValue]]] = [:]
            for table in aggregator.streamedTables() {
                var sink: any TableSink = CellRowSink()
                try table.rows(&sink)
                tables[table.fileName] = (sink as! CellRowSink).rows
            }
            return (tables, min(aggregator.spilledRuns, aggregator.spilledValueRuns))
        }
        let inMemory = try tables(agenciesInMemory: 1_000)
        XCTAssertEqual(inMemory.runs, 0)
        XCTAssertEqual(inMemory.tables["agency_trends.csv"]?.count, 13)
        XCTAssertEqual(inMemory.tables["recurring.csv"]?.count, 6)
        for limit in [1, 2, 4] {
            let spilled = try tables(agenciesInMemory: limit)
            XCTAssertGreaterThan(spilled.runs, 1, "limit \(limit)")
            for (name, rows) in inMemory.tables { XCTAssertEqual(spilled.tables[name], rows, "\(name), limit \(limit)") }
        }
    }

    /// Entries of a run are read back a block at a time: an entry longer than a block, and
    /// entries that straddle blocks, come back whole and in order.
    func testSpillFileReadsEntriesAcrossBlocks() throws {
        let file = try SpillFile(directory: nil)
        let long = String(repeating: "档", count: SpillReader.blockSize)   // 3 bytes each: three blocks
        var encoder = SpillEncoder()
        for index in 0..<5_000 {
            encoder.beginEntry()
            encoder.put(Int32(index))
            encoder.put(index == 2_500 ? long : "单位\(index)")
            encoder.endEntry()
        }
        let first = try file.append(encoder), second = try file.append(encoder)
        XCTAssertEqual(second.lowerBound, first.upperBound)
        var reader = file.entries(of: second), count = 0
        while var fields = try reader.next() {
            XCTAssertEqual(fields.take(Int32.self), Int32(count))
            XCTAssertEqual(fields.takeString(), count == 2_500 ? long : "单位\(count)")
            count += 1
        }
        XCTAssertEqual(count, 5_000)
    }
}
