import XCTest
import PerfevalCore
import Ingest
@testable import Extract

final class ExtractTests: XCTestCase {
    let extractor = Extractor(labels: Reference.shared.labels)

    func extract(_ text: String) -> ExtractedReport {
        extractor.extract(TikaText.parse(utf8: Array(text.utf8)))
    }

    func testFormWithSynonymLabelsAndMissingCells() throws {
        // A department form in another wording: 单位名称 / 调整后预算数 / 执行数, one value cell missing.
        let text = """
        部门整体支出绩效自评表
        （2021年度）
        \t单位名称
        \t某县审计局

        \t资金（元）
        \t年初预算
        \t调整后预算数
        \t执行数
        \t执行率

        \t年度资金总额
        \t1200000
        \t
        \t1150000
        \t

        \t总分
        \t100
        \t88

        """
        let report = extract(text)
        XCTAssertEqual(report.kind, .dept)
        let record = try XCTUnwrap(report.records.first)
        XCTAssertEqual(report.records.count, 1)
        XCTAssertEqual(record.values[.agency]?.text, "某县审计局")
        XCTAssertEqual(record.values[.budgetInitial], RawValue(text: "1200000", unitHint: "元", line: 13))
        XCTAssertNil(record.values[.budgetFull], "the empty cell stays empty")
        XCTAssertEqual(record.values[.executed]?.text, "1150000")
        XCTAssertEqual(record.values[.scoreTotal]?.text, "88")
        XCTAssertEqual(record.values[.year]?.text, "2021")
    }

    func testProjectListGivesOneRecordPerRowUntilTheTotal() {
        let text = """
        2024年度某市图书馆项目支出绩效自评报告

        \t项目名称
        \t预算数（万元）
        \t实际使用资金（万元）

        \t古籍修复
        \t12.5
        \t12

        \t合计
        \t12.5
        \t12

        我单位自评得分为91分，评价等级为优。
        """
        let report = extract(text)
        XCTAssertEqual(report.records.count, 1)
        XCTAssertEqual(report.records[0].kind, .project)
        XCTAssertEqual(report.records[0].values[.project]?.text, "古籍修复")
        XCTAssertEqual(report.records[0].values[.budgetFull]?.text, "12.5")
        XCTAssertEqual(report.records[0].values[.scoreTotal]?.text, "91")
        XCTAssertEqual(report.records[0].values[.grade]?.text, "优")
        XCTAssertEqual(report.records[0].values[.agency]?.text, "某市图书馆")
    }

    func testYearIsNotTakenFromDatesOrDocumentNumbers() {
        let text = "怀财绩〔2025〕32号\n2023年4月14日\n某县档案馆\n2022年度部门整体支出绩效自评报告\n"
        XCTAssertEqual(extract(text).records.first?.values[.year]?.text, "2022")
        XCTAssertNil(extract("某县档案馆部门整体支出绩效自评报告\n2023年4月14日\n").records.first?.values[.year])
    }

    func testTextValuesNeedTheirLabelDirectlyBeforeThem() {
        let text = """
        某县档案馆
        2023年度部门整体支出绩效自评报告
        （一）基本支出情况
        基本支出完成174.49万元，其中人员经费完成174.38万元，公用经费0.11万元。
        本部门核定编制22人，正式干部职工18人。
        """
        let values = extract(text).records[0].values
        XCTAssertEqual(values[.basicExp]?.text, "174.49万元")
        XCTAssertEqual(values[.personnelExp]?.text, "174.38万元")
        XCTAssertEqual(values[.publicExp]?.text, "0.11万元")
        XCTAssertEqual(values[.staffAuthorized]?.text, "22")
        XCTAssertEqual(values[.staffActual]?.text, "18")
        XCTAssertEqual(values[.agency]?.text, "某县档案馆")
    }

    func testACountOfProjectsMayStandBetweenLabelAndAmount() {
        let values = extract("某县档案馆\n2024年度项目支出绩效自评报告\n年初批复预算8个项目985万元,项目支出共3项12人。\n").records[0].values
        XCTAssertEqual(values[.budgetInitial]?.text, "985万元")
        XCTAssertNil(values[.projectExp], "a count followed by people is not an amount")
    }

    func testPlaceholderIsNotAnAgency() {
        let text = "单位名称：（盖章）\n年  月  日\n2024年度某州气象局\n项目支出绩效自评报告\n"
        XCTAssertEqual(extract(text).records.first?.values[.agency]?.text, "某州气象局")
    }

    func testAgencyOpeningTheRunningTextBeforeAYear() {
        let opening = "(一)项目概况\n某州交通运输局2024年年初预算项目共5个,项目支出预算资金为120万元。\n"
        XCTAssertEqual(extract("项目支出绩效自评报告\n" + opening).records.first?.values[.agency]?.text, "某州交通运输局",
                       "a title without a name")
        XCTAssertEqual(extractor.extract(TikaText.parse(utf8: Array(("项目支出情况\n" + opening).utf8))).records.first?.values[.agency]?.text,
                       "某州交通运输局")
        for text in ["项目支出情况\n我单位2024年年初预算项目共5个。\n", "项目支出情况\n根据有关文件2024年安排资金。\n"] {
            XCTAssertNil(extractor.extract(TikaText.parse(utf8: Array(text.utf8))).records.first?.values[.agency], text)
        }
    }

    func testTextWithoutAReportIsNotOne() {
        XCTAssertTrue(extract("会议纪要\n今天讨论了库房搬迁。\n").records.isEmpty)
        XCTAssertTrue(extract("").records.isEmpty)
    }
}

final class IndicatorExtractTests: XCTestCase {
    let extractor = Extractor(labels: Reference.shared.labels)

    func testIndicatorTableWithTwoRowHeaderMergedCellsAndBrokenLabels() throws {
        let text = """
        \t年度资金总额
        \t10

        \t绩
        效
        指
        标
        \t一级指标
        \t二级指标
        \t三级指标
        \t年度
        \t实际
        \t分值
        \t得分

        \t
        \t
        \t
        \t
        \t指标值
        \t完成值
        \t
        \t

        \t
        \t产出指标
        (50分)
        \t经济效
        益指标
        \t修复档案（卷）
        \t≧100
        \t120
        \t30
        \t30

        \t
        \t
        \t
        \t验收合格率
        \t100%
        \t
        \t20
        \t18

        \t总分
        \t100
        \t48

        """
        let record = try XCTUnwrap(extractor.extract(TikaText.parse(utf8: Array(text.utf8))).records.first)
        XCTAssertEqual(record.indicators.count, 2)
        let second = record.indicators[1]
        XCTAssertEqual([second.level1, second.level2, second.name, second.target, second.actual, second.weight, second.score],
                       ["产出指标", "经济效益指标", "验收合格率", "100%", "", "20", "18"])
        XCTAssertEqual(record.indicators[0].target, "≧100")
        XCTAssertEqual(record.values[.scoreTotal]?.text, "48")
    }

    /// A web page that copied every cell to its own line (`cell |`), row breaks lost: rows
    /// come back from the header labels, with merged cells, a short reason text in the last
    /// column and a qualitative target in the middle of a row.
    func testCellPerLinePageRegainsItsRows() throws {
        let cells = ["项目支出绩效自评表(2022年度)", "项目名称", "乡村道路养护经费", "实施单位(盖章)", "某县交通运输局", "",
                     "资金(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
                     "年度资金总额", "120.5", "118", "100", "10", "84.75%", "8",
                     "其中:财政拨款", "120.5", "118", "100", "/", "", "/",
                     "其他资金", "", "", "", "/", "", "/",
                     "一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分", "偏差原因分析",
                     "产出指标", "数量指标", "养护里程", "≥50公里", "42公里", "20", "16", "雨季延误",
                     "路面完好率", "≥90%", "92%", "20", "20", "",
                     "效益指标", "社会效益指标", "群众出行", "优良中低差", "良", "30", "25", "",
                     "总分", "100", "89"]
        let page = "URL: https://example.gov.cn/a.htm\n\n" + cells.map { $0.isEmpty ? "|" : "\($0) |" }.joined(separator: "\n") + "\n"
        let document = try Ingest.read(bytes: Array(page.utf8)).document
        let report = extractor.extract(document)
        let record = try XCTUnwrap(report.records.first)
        XCTAssertEqual(report.records.count, 1)
        XCTAssertEqual(record.values[.project]?.text, "乡村道路养护经费")
        XCTAssertEqual(record.values[.agency]?.text, "某县交通运输局")
        XCTAssertEqual([record.values[.budgetInitial]?.text, record.values[.budgetFull]?.text, record.values[.executed]?.text,
                        record.values[.executionRate]?.text, record.values[.score]?.text], ["120.5", "118", "100", "84.75%", "8"])
        XCTAssertEqual(record.values[.scoreTotal]?.text, "89")
        XCTAssertEqual(record.indicators.map { [$0.level1, $0.level2, $0.name, $0.target, $0.actual, $0.weight, $0.score] },
                       [["产出指标", "数量指标", "养护里程", "≥50公里", "42公里", "20", "16"],
                        ["产出指标", "数量指标", "路面完好率", "≥90%", "92%", "20", "20"],
                        ["效益指标", "社会效益指标", "群众出行", "优良中低差", "良", "30", "25"]])
    }

    /// A form keeps its own indicator table even when that is cut short; rows that name no
    /// indicator or give it no value are not indicators; a table of another form above the
    /// title is not borrowed.
    func testFormIndicatorsAreItsOwnAndNamed() throws {
        let page = """
        一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 | 得分 |
        产出指标 | 数量指标 | 上一项目的指标 | 10 | 50 | 50 |
        项目支出绩效自评表(2023年度) |
        项目名称 | 某项经费 |
        资金(万元) | 年初预算数 | 全年预算数 | 全年执行数 |
        年度资金总额 | 5 | 5 | 5 |
        一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 | 得分 |
        产出指标 | 质量指标 | 验收合格率 | 100% | 40 | 38 |
        = | 100 | | | |
        效益指标 | 社会效益指标 | 群众满意 | | | |

        """
        let record = try XCTUnwrap(extractor.extract(try Ingest.read(bytes: Array(page.utf8)).document).records.first)
        XCTAssertEqual(record.indicators.map(\.name), ["验收合格率"])
    }

    func testScoringRubricIsNotAnIndicatorTable() {
        let text = "部门整体支出绩效自评报告\n某县档案馆\n\t一级指标\n\t二级指标\n\t评分标准\n\t所需佐证材料\n\n\t布置工作\n\t自评通知\n\t印发通知得2分\n\t文件\n"
        XCTAssertEqual(extractor.extract(TikaText.parse(utf8: Array(text.utf8))).records.first?.indicators.count, 0)
    }

    func testAmountsInTextWithSharesChangesAndParts() throws {
        let text = """
        某县档案馆
        2023年度部门整体支出绩效自评报告
        （一）基本支出情况
        基本支出完成120.50万元，比上年减少8.40万元，减少6.52%，其中人员经费完成100.50万元，占基本支出的83.40%；公用经费20万元。
        五、社会保险基金预算支出情况
        养老保险缴费7.04万元、职业年金1.51万元。
        """
        let items = try XCTUnwrap(extractor.extract(TikaText.parse(utf8: Array(text.utf8))).records.first).items
        XCTAssertEqual(items.map(\.item), ["基本支出", "人员经费", "公用经费", "养老保险缴费", "职业年金"])
        XCTAssertEqual(items[0].statedChange, "-8.40万元")
        XCTAssertEqual(items[0].statedChangePct, "-6.52")
        XCTAssertEqual(items[1].parent, "基本支出")
        XCTAssertEqual(items[1].parentAmount, "120.50万元")
        XCTAssertEqual(items[1].statedShare, "83.40")
        XCTAssertEqual(items[1].group, items[2].group)
        XCTAssertNotNil(items[1].group)
        XCTAssertEqual(items[3].parent, "社会保险基金预算支出")
        XCTAssertNil(items[3].group)
    }
}
