import XCTest
import PerfevalCore
import Extract
@testable import Normalize
@testable import Compute

/// A small self-consistent record; each test breaks one thing and expects exactly that
/// check to report a finding.
final class AuditTests: XCTestCase {
    func indicator(_ level2: String, _ name: String, target: String, actual: String, weight: Int, score: Int, cost: Bool = false) -> Indicator {
        Indicator(level1: "产出指标", level2: level2, name: name, target: Measure(target), actual: Measure(actual),
                  weight: ExactDecimal(weight), score: ExactDecimal(score), deviation: "", isCost: cost, line: 1)
    }

    func item(_ name: String, _ amount: String, share: String? = nil, group: Int = 1) -> ExpenditureItem {
        let stated = share.flatMap(ExactDecimal.init)
        return ExpenditureItem(parent: "项目支出", parentAmount: ExactDecimal(100), item: name, amount: ExactDecimal(amount),
                               statedShare: stated, statedShareDecimals: stated?.fractionDigits ?? 0, group: group, line: 2, reportLevel: false)
    }

    func consistentRecord() -> Record {
        var record = Record(file: "t.txt", kind: .project)
        record.budgetFull = ExactDecimal(50)
        record.executed = ExactDecimal(50)
        record.executionRateStated = ExactDecimal(100)
        record.basicExp = ExactDecimal(100)
        record.personnelExp = ExactDecimal(70)
        record.publicExp = ExactDecimal(30)
        record.items = [item("甲项目", "60", share: "60"), item("乙项目", "40")]
        record.executionWeight = ExactDecimal(10)
        record.executionScore = ExactDecimal(10)
        record.indicators = [
            indicator("质量指标", "验收合格率", target: "≥90%", actual: "95%", weight: 40, score: 40),
            indicator("数量指标", "修复档案(卷)", target: "100", actual: "100", weight: 40, score: 40),
            indicator("成本指标", "经费投入", target: "50万元", actual: "50万元", weight: 10, score: 10, cost: true),
        ]
        record.scoreTotal = ExactDecimal(100)
        record.gradeStated = "优"
        return record
    }

    func findings(_ change: (inout Record) -> Void) -> [String] {
        var record = consistentRecord()
        change(&record)
        Compute.apply(&record)
        return record.audits.filter { $0.status == .finding }.map(\.check)
    }

    func testConsistentRecordHasNoFinding() {
        var record = consistentRecord()
        Compute.apply(&record)
        XCTAssertEqual(record.audits.filter { $0.status == .finding }.map(\.detail), [])
        XCTAssertEqual(record.scoreSumConvention, "inside")
        XCTAssertEqual(Set(record.audits.map(\.check)), Set(Audits.checks))
    }

    func testStatedExecutionRate() { XCTAssertEqual(findings { $0.executionRateStated = ExactDecimal(90) }, ["execution_rate_stated"]) }
    func testStatedShare() { XCTAssertEqual(findings { $0.items[0].statedShare = ExactDecimal(65) }, ["share_stated"]) }
    func testPartsSum() { XCTAssertEqual(findings { $0.items[1].amount = ExactDecimal(41) }, ["parts_sum"]) }
    func testBasicSplit() { XCTAssertEqual(findings { $0.personnelExp = ExactDecimal(71) }, ["basic_split_sum"]) }
    func testIndicatorScoreSum() { XCTAssertEqual(findings { $0.scoreTotal = ExactDecimal(95) }, ["indicator_score_sum"]) }

    func testWeightsSum() {
        XCTAssertEqual(findings {
            $0.indicators[1].weight = ExactDecimal(35); $0.indicators[1].score = ExactDecimal(35); $0.scoreTotal = ExactDecimal(95)
        }, ["weights_sum"])
    }

    func testScoreAboveWeight() {
        XCTAssertEqual(findings { $0.indicators[0].score = ExactDecimal(41); $0.scoreTotal = ExactDecimal(101) }, ["score_above_weight"])
    }

    func testFullScoreWithTargetMissed() {
        XCTAssertEqual(findings { $0.indicators[0].actual = Measure("85%") }, ["full_score_target_missed"])
    }

    func testFullScoreOnCostOverrun() {
        XCTAssertEqual(findings { $0.indicators[2].actual = Measure("60万元") }, ["full_score_cost_overrun"])
    }

    func testScoreWithoutMeasurableTarget() {
        XCTAssertEqual(findings { $0.indicators[1].target = Measure("无") }, ["score_without_measurable_target"])
    }

    func testUnderScoredWithTargetMet() {
        XCTAssertEqual(findings { $0.indicators[1].score = ExactDecimal(39); $0.scoreTotal = ExactDecimal(99) }, ["under_scored_target_met"])
    }

    func testStatedGrade() { XCTAssertEqual(findings { $0.gradeStated = "良" }, ["grade_stated"]) }

    func testTruncatedShareIsAccepted() {
        // 440.083 / 591.23 = 74.435…%: written 74.43 (truncated) or 74.44 (rounded), both agree; 74.42 does not.
        func status(_ stated: String) -> Audit.Status {
            var record = Record(file: "t", kind: .dept)
            let share = ExactDecimal(stated)!
            record.items = [ExpenditureItem(parent: "项目支出", parentAmount: ExactDecimal("591.23"), item: "甲", amount: ExactDecimal("440.083"),
                                            statedShare: share, statedShareDecimals: 2, group: nil, line: 1, reportLevel: false)]
            Compute.apply(&record)
            return record.audits.first { $0.check == "share_stated" }!.status
        }
        XCTAssertEqual(status("74.43"), .ok)
        XCTAssertEqual(status("74.44"), .ok)
        XCTAssertEqual(status("74.42"), .finding)
    }

    func testOutsideConventionAndNoIndicators() {
        var record = consistentRecord()
        record.scoreTotal = ExactDecimal(90)
        record.indicators[0].weight = ExactDecimal(50); record.indicators[0].score = ExactDecimal(40)
        record.indicators[0].actual = Measure("85%")
        Compute.apply(&record)
        XCTAssertEqual(record.scoreSumConvention, "outside")
        var empty = Record(file: "t", kind: .dept)
        Compute.apply(&empty)
        XCTAssertEqual(empty.audits.filter { $0.status == .finding }, [])
        XCTAssertEqual(empty.scoreSumConvention, "none")
    }

    func testMeasureParsing() {
        let satisfaction = Measure("满意率98%")
        XCTAssertEqual(satisfaction.value, ExactDecimal(98))
        XCTAssertEqual(satisfaction.unit, "%")
        XCTAssertEqual(Measure("≧90%").comparator, "≥")
        XCTAssertEqual(Measure("12人").unit, "人")
        XCTAssertEqual(Measure("214.86万元").value, ExactDecimal("214.86"))
        XCTAssertNil(Measure("持续提高").value)
        XCTAssertNil(Measure("无").value)
        XCTAssertTrue(Measure("2020年1月1日至2020年12月31日").isDate)
        XCTAssertTrue(Measure("2020-12-31").isDate)
        XCTAssertNil(Measure("2020-12-31").value)
        XCTAssertEqual(Measure("12", unitFromName: "月").unit, "月")
    }
}
