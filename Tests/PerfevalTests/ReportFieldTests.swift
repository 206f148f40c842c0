import XCTest
import PerfevalCore
import Ingest
@testable import Extract
import Normalize

/// The report-level fields of pages that are not well-formed forms: the agency chosen among
/// the names a page offers, the title's year, head counts in sentences, fund rows without
/// their table, and transfer-payment allocations. The texts are made up in the genre's
/// wording (no real page's text).
final class ReportFieldTests: XCTestCase {
    let extractor = Extractor(labels: Reference.shared.labels)

    func values(_ text: String) -> [Field: RawValue] {
        let document = try! Ingest.read(bytes: Array(text.utf8)).document
        return extractor.extract(document).records.first?.values ?? [:]
    }

    // MARK: agency

    func testLabelledNameOnItsLineBeatsATitleThatNamesOnlyThePlace() {
        let text = "某县2021年度部门(单位)整体支出\n\n绩效评价自评报告\n\n部门(单位)名称  某县卫生健康局\n\n报告日期:2022年03月21日\n"
        XCTAssertEqual(values(text)[.agency]?.text, "某县卫生健康局")
    }

    func testTheFullerNameOfTheSameUnitWins() {
        let text = "某区财政局2022年度部门整体支出绩效自评报告\n\n单位名称\n\n某市某区财政局\n\n基本支出总额\n\n12.5\n"
        XCTAssertEqual(values(text)[.agency]?.text, "某市某区财政局")
        let township = "某市某区某镇2021年度部门预算项目支出绩效自评报告\n\n来源:某市某区某镇人民政府     发布时间:2022-05-19\n"
        XCTAssertEqual(values(township)[.agency]?.text, "某市某区某镇人民政府", "the publisher gives the rest of the unit's name")
    }

    func testPublisherLineIsCutAfterTheAgencyWord() {
        let text = "发布机构 某县农业农村局\n\n某县2021年某补助项目绩效自评报告\n\n一、绩效目标分解下达情况\n"
        XCTAssertEqual(values(text)[.agency]?.text, "某县农业农村局", "a title naming only the county is not an agency")
    }

    func testTheNameAfterASealedLabel() {
        let text = "评价年度:2024\n\n评价单位(公章): 某县地方公路局\n\n填报日期:2025年10月29日\n\n一、根据县财政局《关于做好绩效自评工作的通知》要求,开展自评。\n"
        let values = values(text)
        XCTAssertEqual(values[.agency]?.text, "某县地方公路局")
        XCTAssertEqual(values[.year]?.text, "2024")
    }

    func testShortFormDefinitionsAndTheFullerUnit() {
        let text = "二、绩效评价工作开展情况\n\n某省某会议委员会(以下简称省会议)是地方委员会。某省某会议委员会办公厅(以下简称办公厅)是其办事机构。\n\n2023年办公厅收入全部为财政拨款收入。\n"
        XCTAssertEqual(values(text)[.agency]?.text, "某省某会议委员会办公厅")
    }

    func testTitleAndPublisherOutweighASubUnitsImplementingCell() {
        let text = "某市公安局禁毒项目绩效支出自评表\n\n发布时间:2022-03-17 来源:市公安局\n\n项目支出绩效自评表\n\n(2021年度)\n\n项目名称 禁毒经费\n\n主管部门 某市公安局 实施单位 禁毒支队\n"
        XCTAssertEqual(values(text)[.agency]?.text, "某市公安局")
    }

    func testAPrepositionIsNotPartOfTheName() {
        let text = "某市某实验小学2023年度部门整体支出绩效评价报告\n\n我们接受委托,对某市某实验小学(以下简称:实验小学)本级财政预算资金进行绩效评价。\n"
        XCTAssertEqual(values(text)[.agency]?.text, "某市某实验小学")
    }

    func testABreadcrumbIsNotTheTitle() {
        let text = "首页 > 政务公开 > 财政资金 > 绩效自评报告\n\n某县林业局2022年度部门整体支出绩效自评报告\n\n一、部门基本情况\n"
        let values = values(text)
        XCTAssertEqual(values[.agency]?.text, "某县林业局")
        XCTAssertEqual(values[.year]?.text, "2022")
    }

    // MARK: year

    func testTheTitlesYearEvenWithoutNianDu() {
        XCTAssertEqual(values("某街道办事处关于2024年部门整体支出绩效自评的报告\n\n一、部门概况\n")[.year]?.text, "2024")
        XCTAssertEqual(values("2023年某市应急管理局部门整体支出绩效自评核查报告\n\n评价时间:2024年12月30日\n")[.year]?.text, "2023")
    }

    func testWithoutATitleTheYearTheTextSpeaksOfMost() {
        let text = "一、部门整体绩效评价情况\n\n2023年某办公厅收入全部为财政拨款收入。2023年实现支出100万元。\n\n评价依据《某办法》(某财〔2019〕5号),2024年1月5日印发。\n"
        XCTAssertEqual(values(text)[.year]?.text, "2023", "dates and document numbers are not the fiscal year")
    }

    // MARK: staff

    func testHeadCountsInSentences() {
        let text = "某县交通运输局2021年度整体支出绩效自评报告\n\n经县委编办核定编制120人,其中局本级12人。2021年单位在编在岗110人。\n"
        XCTAssertEqual(values(text)[.staffAuthorized]?.text, "120")
        XCTAssertEqual(values(text)[.staffActual]?.text, "110")
        let establishment = "某县某局2024年度部门整体支出绩效自评报告\n\n截至年底,本单位财政核定编制在职人员为41人,年末实有在职人员为39人,退休人员20人。\n"
        XCTAssertEqual(values(establishment)[.staffAuthorized]?.text, "41")
        XCTAssertEqual(values(establishment)[.staffActual]?.text, "39")
    }

    func testACountOfAllPersonnelWithRetireesIsNeither() {
        let text = "某县财政局2020年度机关整体支出绩效评价报告\n\n现有编制人员150人。其中,局机关在职90人、离休1人、退休40人、某中心8人。\n"
        XCTAssertNil(values(text)[.staffAuthorized])
        XCTAssertNil(values(text)[.staffActual])
    }

    func testLabelLineThenValueLine() {
        let text = "某县2021年度部门整体支出绩效评价自评报告\n\n人员编制\n\n48\n\n实有人数\n\n60\n\n自评等级\n\n优秀\n"
        let values = values(text)
        XCTAssertEqual([values[.staffAuthorized]?.text, values[.staffActual]?.text, values[.grade]?.text], ["48", "60", "优"])
    }

    func testAHeaderRowOverItsValues() {
        // Tika text: each cell starts with a TAB, rows are separated by blank lines.
        let text = "部门整体支出绩效自评表\n（2022年度）\n\t单位名称\n\t某县审计局\n\n\t编制人数\n\t实有人数\n\t自评得分\n\n\t22\n\t18\n\t96\n\n"
        let values = values(text)
        XCTAssertEqual([values[.staffAuthorized]?.text, values[.staffActual]?.text, values[.scoreTotal]?.text], ["22", "18", "96"],
                       "each label's value is the one under it, not the next cell in reading order")
    }

    // MARK: fund rows without their table

    func testFundRowWrittenOneCellPerLine() {
        let cells = ["项目支出绩效自评表", "项目资金", "(万元)", "年初", "预算数", "全年", "预算数", "全年", "执行数", "分值", "执行率", "得分",
                     "年度资金总额", "36.5", "36.5", "31.39", "10", "86%", "9"]
        let values = values(cells.joined(separator: "\n") + "\n")
        XCTAssertEqual([values[.budgetInitial]?.text, values[.budgetFull]?.text, values[.executed]?.text, values[.executionRate]?.text],
                       ["36.5", "36.5", "31.39", "86%"])
        XCTAssertEqual(values[.budgetFull]?.unitHint, "万元")
    }

    func testMissingInitialBudgetCellIsTheOneLeftOut() {
        let text = "2022年度项目支出绩效自评表 | 部门:某县某中学 |\n| 项目资金 (元) |\n| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | 年度资金总额 |\n| 254000.00 | 254000.00 | 10 | 100% | 10 | 其中:当年财政拨款 |\n"
        let values = values(text)
        XCTAssertNil(values[.budgetInitial])
        XCTAssertEqual([values[.budgetFull]?.text, values[.executed]?.text, values[.weight]?.text], ["254000.00", "254000.00", "10"])
    }

    func testGluedDigitsSplitOnlyWhereTheArithmeticAgrees() {
        XCTAssertEqual(GluedRow.split(Array("120.560.281050%5".unicodeScalars), into: [.budgetInitial, .executed, .weight, .executionRate, .score]),
                       [.budgetInitial: "120.5", .executed: "60.28", .weight: "10", .executionRate: "50%", .score: "5"])
        XCTAssertEqual(GluedRow.splitStandard(Array("52.352.352.3100%".unicodeScalars)),
                       [.budgetInitial: "52.3", .budgetFull: "52.3", .executed: "52.3", .executionRate: "100%"])
        XCTAssertEqual(GluedRow.split(Array("120150.514310分95%9.5".unicodeScalars),
                                      into: [.budgetInitial, .budgetFull, .executed, .weight, .executionRate, .score]),
                       [.budgetInitial: "120", .budgetFull: "150.5", .executed: "143", .weight: "10", .executionRate: "95%", .score: "9.5"],
                       "分 ends the points it follows")
        XCTAssertNil(GluedRow.split(Array("180.5230.4230.410分100%10".unicodeScalars),
                                    into: [.budgetInitial, .budgetFull, .executed, .weight, .executionRate, .score]),
                     "180.5|230.4|230.4 and 180.52|30.42|30.4 both agree with 100%: no guess")
        XCTAssertNil(GluedRow.split(Array("3001005%".unicodeScalars), into: [.budgetFull, .executed, .executionRate]),
                     "no split of these digits gives 执行数 ÷ 预算数 = 执行率")
    }

    func testFundValuesApartFromTheirHeaderAreTakenOnlyWhenTheyAgree() {
        let text = "某项目绩效目标自评表(2022年度)资金情况(万元)年度资金总额全年预算数(A)200全年执行数(B)执行率(B/A)其中中央补助自治区补助200万元\n150万元\n75%市县资金年度总体目标一级指标二级指标\n"
        let values = values(text)
        XCTAssertEqual([values[.budgetFull]?.text, values[.executed]?.text, values[.executionRate]?.text], ["200", "150", "75%"])
        let disagreeing = "某项目绩效目标自评表(2022年度)全年预算数(A)全年执行数(B)执行率(B/A)其中中央补助300万元\n200万元\n86.5%\n"
        XCTAssertNil(self.values(disagreeing)[.executed], "200 ÷ 300 is not 86.5%")
    }

    // MARK: transfer payments

    func testTheOneAllocatedAmountIsTheBudget() {
        let one = "某区残联中央转移支付2023年度绩效自评报告(某补助资金)\n\n一、绩效目标分解下达情况\n\n2023年下达某区中央转移支付资金(某补助资金)12.8万元,用于康复。投入资金12.8万,执行数12.8万,执行率100%。\n"
        let values = values(one)
        XCTAssertEqual(values[.budgetFull]?.text, "12.8万元")
        XCTAssertEqual(values[.executed]?.text, "12.8万")
        XCTAssertEqual(values[.executionRate]?.text, "100%")
        let several = "某市民政局2021年度某专项转移支付资金绩效自评报告\n\n中央下达某补助资金5000万元。省级下达资金600万元。市县下达资金1200万元。\n"
        XCTAssertNil(self.values(several)[.budgetFull], "parallel allocations by level: no single budget stated")
        let total = "某区民政局2021年某补助资金管理使用情况绩效自评\n\n某补助资金下达我区90万元,调减30万元,全年实际下达60万元。\n"
        XCTAssertEqual(self.values(total)[.budgetFull]?.text, "60万元")
    }

    func testAnEvaluationReportWithoutAKindWordIsKept() {
        let report = extractor.extract(TikaText.parse(utf8: Array("某省某补助资金(省对下转移支付)项目2018年度绩效自评报告\n\n一、项目基本情况\n".utf8)))
        XCTAssertEqual(report.kind, .project)
        XCTAssertEqual(report.records.count, 1)
    }

    // MARK: region

    func testMunicipalityHasNoPrefectureAndShortFormsResolve() throws {
        let gazetteer = Reference.shared.gazetteer
        let district = try XCTUnwrap(gazetteer.resolve("重庆市沙坪坝区某委员会"))
        XCTAssertEqual([district.province, district.prefecture, district.county], ["重庆市", nil, "沙坪坝区"])
        XCTAssertNil(gazetteer.resolve("苏州某职业学校"), "a short form is not read by default")
        let short = try XCTUnwrap(gazetteer.resolve("苏州某职业学校", stemsOnly: true))
        XCTAssertEqual([short.province, short.prefecture], ["江苏省", "苏州市"])
    }
}

/// Municipalities (北京市, 重庆市) through the whole run: province = the city, no prefecture,
/// the district as county; at prefecture level the comparative tables show the city.
final class MunicipalityTests: XCTestCase {
    func testMunicipalityDistrictsAreGroupedByTheirCity() throws {
        let inbox = try Paths.temporaryDirectory("inbox"), out = try Paths.temporaryDirectory("out")
        let reports = ["a.txt": "重庆市沙坪坝区某局2022年度部门整体支出绩效自评报告\n全年预算数为100万元,全年执行数为90万元。\n",
                       "b.txt": "重庆市渝中区某局2022年度部门整体支出绩效自评报告\n全年预算数为200万元,全年执行数为200万元。\n"]
        for (name, text) in reports { try text.write(to: inbox.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        XCTAssertEqual(try runPerfeval(["run", inbox.path, "--out", out.appendingPathComponent("o").path, "--headers", "en", "--quiet"]).status, 0)
        let records = try readTable(out.appendingPathComponent("o/records.csv"))
        XCTAssertEqual(records.map { [$0["province"]!, $0["prefecture"]!, $0["county"]!] }, [["重庆市", "", "沙坪坝区"], ["重庆市", "", "渝中区"]])
        let rows = try readTable(out.appendingPathComponent("o/compare_execution.csv"))
        let prefecture = try XCTUnwrap(rows.first { $0["level"] == "prefecture" })
        XCTAssertEqual([prefecture["region_name"], prefecture["records"]], ["重庆市", "2"])
        XCTAssertEqual(rows.filter { $0["level"] == "county" }.map { $0["region_name"]! }, ["渝中区", "沙坪坝区"], "in region-code order")
    }
}

/// Seeds 000 and 003 written one cell per line without TABs or pipes
/// (scripts/make_onecell_fixtures.py): the fund rows, the forms of a file and their 总分 are
/// found without the table structure.
final class OneCellPerLineTests: XCTestCase {
    func testFormsWrittenOneCellPerLine() throws {
        let out = try Paths.temporaryDirectory()
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/onecellperline", "--out", out.path, "--headers", "en", "--quiet", "--no-xlsx", "--no-html"]).status, 0)
        let records = try readTable(out.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.map { $0["project"]! }, ["", "档案事业费", "访惠聚为民办实事", "档案信息化建设"])
        XCTAssertEqual(records.map { $0["budget_full_wan"]! }, ["258.31", "55.00", "18.00", "20.00"])
        XCTAssertEqual(records.map { $0["budget_initial_wan"]! }, ["214.86", "55.00", "18.00", "20.00"])
        XCTAssertEqual(records.map { $0["score_total"]! }, ["97", "98.5", "97.8", "98.5"])
    }
}
