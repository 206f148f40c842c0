import XCTest
import PerfevalCore
import Extract
@testable import Normalize
@testable import Compute

final class NormalizeTests: XCTestCase {
    func testAmountsConvertToWan() {
        XCTAssertEqual(Normalizer.amountInWan(RawValue(text: "214.86万元", line: 1))?.description, "214.86")
        XCTAssertEqual(Normalizer.amountInWan(RawValue(text: "1,150,000", unitHint: "元", line: 1))?.description, "115")
        XCTAssertEqual(Normalizer.amountInWan(RawValue(text: "1.2亿元", line: 1))?.description, "12000")
        XCTAssertEqual(Normalizer.amountInWan(RawValue(text: "58", line: 1))?.description, "58")
        XCTAssertNil(Normalizer.amountInWan(RawValue(text: "—", line: 1)))
    }

    func testPercentages() {
        XCTAssertEqual(Normalizer.percent(RawValue(text: "100%", line: 1))?.description, "100")
        XCTAssertEqual(Normalizer.percent(RawValue(text: "0.98", line: 1))?.description, "98")
        XCTAssertEqual(Normalizer.percent(RawValue(text: "91.64", line: 1))?.description, "91.64")
    }

    func testRegionsThroughTheGazetteer() throws {
        let gazetteer = Reference.shared.gazetteer
        let county = try XCTUnwrap(gazetteer.resolve("株洲市渌口区档案馆"))
        XCTAssertEqual([county.province, county.prefecture, county.county], ["湖南省", "株洲市", "渌口区"])
        XCTAssertEqual(county.code, "430212")
        let countyCity = try XCTUnwrap(gazetteer.resolve("常宁市档案馆"))
        XCTAssertEqual([countyCity.prefecture, countyCity.county], ["衡阳市", "常宁市"])
        let shortForm = try XCTUnwrap(gazetteer.resolve("昌吉州档案馆"))
        XCTAssertEqual([shortForm.province, shortForm.prefecture], ["新疆维吾尔自治区", "昌吉回族自治州"])
        XCTAssertNil(shortForm.county)
        XCTAssertNil(gazetteer.resolve("城市建设档案馆"))
    }

    func testAmbiguousCountyNameIsFlaggedNotGuessed() throws {
        // 朝阳区 exists in 北京市 and in 长春市.
        // The county's name is certain, its place is not: no province, prefecture or code.
        let region = try XCTUnwrap(Reference.shared.gazetteer.resolve("朝阳区档案馆"))
        XCTAssertEqual(region.county, "朝阳区")
        XCTAssertNil(region.province)
        XCTAssertNil(region.code)
        XCTAssertNotNil(region.ambiguity)
        let decided = try XCTUnwrap(Reference.shared.gazetteer.resolve("长春市朝阳区档案馆"))
        XCTAssertEqual(decided.county, "朝阳区")
        XCTAssertEqual(decided.prefecture, "长春市")
    }

    func testMissingYearIsFlagged() {
        let record = Normalizer(gazetteer: Reference.shared.gazetteer).normalize(RawRecord(kind: .dept), file: "x.txt")
        XCTAssertNil(record.year)
        XCTAssertTrue(record.flags.contains("year_missing"))
        XCTAssertTrue(record.flags.contains("region_unresolved"))
    }
}

final class ComputeTests: XCTestCase {
    func testDerivesPersonnelAndPublicFromEconomicClassification() {
        var record = Record(file: "x", kind: .dept)
        record.basicExp = ExactDecimal("258.31")
        record.wagesWelfare = ExactDecimal("169.19")
        record.householdTransfers = ExactDecimal("21.65")
        record.goodsServices = ExactDecimal("67.47")
        Compute.apply(&record)
        XCTAssertEqual(record.personnelExp?.description, "190.84")
        XCTAssertEqual(record.publicExp?.description, "67.47")
        XCTAssertEqual(record.personnelShare?.formatted(decimals: 2), "73.88")
        XCTAssertEqual(record.derivedFields, ["personnel_exp_wan", "public_exp_wan"])
    }

    func testStatedValuesAreNotOverwritten() {
        var record = Record(file: "x", kind: .dept)
        record.personnelExp = ExactDecimal("311.80")
        record.basicExp = ExactDecimal("340.25")
        record.wagesWelfare = ExactDecimal("1")
        Compute.apply(&record)
        XCTAssertEqual(record.personnelExp?.description, "311.8")
        XCTAssertEqual(record.derivedFields, [])
        XCTAssertEqual(record.personnelShare?.formatted(decimals: 2), "91.64")
    }

    func testExecutionRateAndGrade() {
        var record = Record(file: "x", kind: .project)
        record.budgetFull = ExactDecimal("861.46")
        record.executed = ExactDecimal("334.67")
        record.scoreTotal = ExactDecimal("89.99")
        Compute.apply(&record)
        XCTAssertEqual(record.executionRate?.formatted(decimals: 2), "38.85")
        XCTAssertEqual(record.grade, "良")
        XCTAssertEqual(Compute.grade(forScore: ExactDecimal(90)), "优")
        XCTAssertEqual(Compute.grade(forScore: ExactDecimal("59.9")!), "差")
        XCTAssertEqual(Compute.grade(forScore: ExactDecimal(60)), "中")
    }

    func testNoBudgetMeansNoRate() {
        var record = Record(file: "x", kind: .project)
        record.executed = ExactDecimal(5)
        record.budgetFull = .zero
        Compute.apply(&record)
        XCTAssertNil(record.executionRate)
        XCTAssertNil(record.grade)
    }
}
