import XCTest
import PerfevalCore
import Ingest
@testable import Extract
import Normalize
@testable import Compute

final class SectionTests: XCTestCase {
    let extractor = Extractor(labels: Reference.shared.labels)

    func sections(_ text: String) -> ReportSections {
        let document = TikaText.parse(utf8: Array(text.utf8))
        return extractor.sections(document, paragraphs: Extractor.compactParagraphs(document))
    }

    func testNumberedItemsWithCausesAndNestedPoints() {
        let found = sections("""
        一、基本情况
        本单位编制10人。
        四、存在的主要问题及原因分析
        1、预算执行进度不均衡。部分项目未按计划支出，原因是各环节之间缺乏沟通。
        （1）一季度支出偏慢。
        2.绩效意识不强。由于培训不足，重视不够。
        五、改进措施和建议
        （一）加强预算执行管理。
        （二）强化培训。
        六、自评结果应用和公开情况
        已公开。
        """)
        XCTAssertEqual(found.present, ["section_basic", "section_problems", "section_measures", "section_application"])
        XCTAssertEqual(found.problems.map(\.text), ["预算执行进度不均衡。部分项目未按计划支出。一季度支出偏慢。", "绩效意识不强。"])
        XCTAssertEqual(found.problems.map(\.cause), ["各环节之间缺乏沟通", "培训不足,重视不够"])
        XCTAssertEqual(found.measures.map(\.text), ["加强预算执行管理。", "强化培训。"])
    }

    func testGroupTitlesTitledItemsAndUnnumberedSections() {
        let found = sections("""
        （二）存在的问题
        1.评价体系有待完善
        部分指标设置过于笼统。
        2.数据收集存在局限
        数据来源复杂。
        （三）相关建议
        ①完善数据收集机制。
        ②引入分析方法。
        3.加强部门间协作
        ①建立信息共享平台。
        """)
        XCTAssertEqual(found.problems.map(\.text), ["评价体系有待完善。部分指标设置过于笼统。", "数据收集存在局限。数据来源复杂。"])
        XCTAssertEqual(found.measures.map(\.text), ["完善数据收集机制。", "引入分析方法。", "建立信息共享平台。"])
        let single = sections("四、存在的问题\n预算编制细化不够，科目设置与实际有出入。\n五、下一步改进措施\n一是细化预算编制；二是加强财务管理。\n")
        XCTAssertEqual(single.problems.count, 1)
        XCTAssertEqual(single.measures.map(\.text), ["细化预算编制", "加强财务管理"])
    }

    func testNoSectionsNoItems() {
        let found = sections("项目支出绩效自评表\n\t项目名称\n\t某项目\n")
        XCTAssertTrue(found.problems.isEmpty)
        XCTAssertTrue(found.measures.isEmpty)
        XCTAssertEqual(found.present, [])
    }
}

final class QualityTests: XCTestCase {
    func report(_ text: String) -> ReportDetails {
        let extracted = Extractor(labels: Reference.shared.labels).extract(TikaText.parse(utf8: Array(text.utf8)))
        var report = Normalizer(gazetteer: Reference.shared.gazetteer).report(extracted, records: [], file: "t.txt")
        QualityRubric.apply(&report, taxonomy: Reference.taxonomy)
        return report
    }

    func testProblemsThatAreOnlyALackOfMoneyAreFlagged() throws {
        let details = report("""
        某县档案馆2023年度部门整体支出绩效自评报告
        四、存在的问题
        1.经费不足，工作开展受限。
        2.资金短缺，无法购置设备。
        五、改进措施
        1.建立定期跟踪机制，加强预算执行管理。
        """)
        XCTAssertEqual(details.problems.map(\.categories), [["funding_shortage"], ["funding_shortage"]])
        let quality = try XCTUnwrap(details.quality)
        XCTAssertTrue(quality.fundingOnlyProblems)
        XCTAssertFalse(quality.fundingOnlyMeasures)
        XCTAssertEqual(quality.scoreProblems, 0)
    }

    func testMeasuresThatOnlyAskForMoneyAreFlagged() throws {
        let details = report("""
        某县档案馆2023年度部门整体支出绩效自评报告
        四、存在的问题
        1.库房容量饱和，存在安全隐患。原因是馆舍建于上世纪。
        五、改进措施
        1.争取资金支持。
        2.加大财政投入。
        """)
        let quality = try XCTUnwrap(details.quality)
        XCTAssertFalse(quality.fundingOnlyProblems)
        XCTAssertTrue(quality.fundingOnlyMeasures)
        XCTAssertEqual(quality.scoreMeasures, 0)
        XCTAssertEqual(quality.causesGiven, 1)
        XCTAssertEqual(details.problems[0].categories, ["facilities", "safety"])
    }

    func testUnmatchedTextIsOtherAndAnswersFollowCategories() {
        let details = report("""
        某县档案馆2023年度部门整体支出绩效自评报告
        四、存在的问题
        1.宣传报道偏少。
        2.部门之间沟通不畅。
        五、改进措施
        1.加强沟通协调。
        """)
        XCTAssertEqual(details.problems.map(\.categories), [["other"], ["coordination"]])
        XCTAssertEqual(details.measures[0].addresses, [2])
        XCTAssertEqual(details.quality?.answeredShare?.formatted(decimals: 2), "50.00")
    }

    func testTaxonomyRejectsAMalformedFile() {
        XCTAssertThrowsError(try Taxonomy(rows: [["code", "name"]]))
        XCTAssertThrowsError(try Taxonomy(rows: [["code", "name_zh", "area", "keywords", "exclusions"], ["", "x"]]))
    }
}

/// Issue 4 on the seed reports, against the hand-labelled gold files.
final class ProblemEndToEndTests: XCTestCase {
    static let output: URL = {
        let out = try! Paths.temporaryDirectory("problems")
        _ = try! runPerfeval(["run", "data/samples", "--out", out.path, "--headers", "en", "--quiet"])
        return out
    }()

    func testProblemItemsAndMeasureCountsMatchTheGold() throws {
        let problems = try readTable(Self.output.appendingPathComponent("problems.csv"))
        let gold = try readTable(Paths.fixtures.appendingPathComponent("gold/seeds_problems.csv"))
        XCTAssertEqual(problems.map { "\($0["file"]!)#\($0["item"]!)" }, gold.map { "\($0["file"]!)#\($0["item"]!)" })
        for (got, want) in zip(problems, gold) {
            XCTAssertTrue(got["text"]!.hasPrefix(want["text_starts_with"]!), "\(got["text"]!) should start with \(want["text_starts_with"]!)")
        }
        let records = try readTable(Self.output.appendingPathComponent("records.csv"))
        for measure in try readTable(Paths.fixtures.appendingPathComponent("gold/seeds_measures.csv")) {
            let counts = Set(records.filter { $0["file"] == measure["file"] }.map { $0["measure_count"]! })
            XCTAssertEqual(counts, [measure["measures_count"]!], measure["file"]!)
        }
    }

    func testCategoriesReachTheGoldWithMicroF1AboveNinety() throws {
        let problems = try readTable(Self.output.appendingPathComponent("problems.csv"))
        let gold = try readTable(Paths.fixtures.appendingPathComponent("gold/seeds_problems.csv"))
        var truePositives = 0, predicted = 0, expected = 0
        for (got, want) in zip(problems, gold) {
            let predictedSet = Set(got["categories"]!.split(separator: ";")), goldSet = Set(want["categories"]!.split(separator: ";"))
            truePositives += predictedSet.intersection(goldSet).count
            predicted += predictedSet.count
            expected += goldSet.count
        }
        let precision = Double(truePositives) / Double(predicted), recall = Double(truePositives) / Double(expected)
        let f1 = 2 * precision * recall / (precision + recall)
        print(String(format: "problem categories on the seeds: precision %.3f recall %.3f F1 %.3f", precision, recall, f1))
        XCTAssertGreaterThanOrEqual(f1, 0.9)
    }

    func testQualityTableHasOneRowPerReport() throws {
        let quality = try readTable(Self.output.appendingPathComponent("quality.csv"))
        XCTAssertEqual(quality.count, 5)
        XCTAssertEqual(quality.map { $0["funding_only_problems"]! }, ["no", "no", "no", "no", "no"])
        XCTAssertEqual(quality.first { $0["file"]!.hasPrefix("003") }?["sections_missing"]?.split(separator: ";").count, 6)
    }
}
