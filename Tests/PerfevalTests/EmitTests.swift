import XCTest
import PerfevalCore
@testable import Emit

final class EmitTests: XCTestCase {
    let table = OutputTable(fileName: "t.csv", columns: [Column("agency", "单位名称"), Column("amount_wan", "金额（万元）")],
                            rows: [[.text("=HYPERLINK(\"x\")"), .amount(ExactDecimal("30.5"))], [.text("株洲市,档案馆"), .empty],
                                   [.text(nil), .number(ExactDecimal("-3"))]])

    func testUTF8WithBOMAndCRLFAndChineseHeaders() throws {
        let bytes = try Emit.encode(table, headers: .zh, encoding: .utf8)
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        XCTAssertEqual(text, "单位名称,金额（万元）\r\n\"'=HYPERLINK(\"\"x\"\")\",30.50\r\n\"株洲市,档案馆\",\r\n,-3\r\n")
    }

    func testEnglishHeadersAndGB18030() throws {
        let bytes = try Emit.encode(table, headers: .en, encoding: .gb18030)
        XCTAssertNotEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let text = try XCTUnwrap(String(data: Data(try Iconv.convert(bytes, from: "GB18030", to: "UTF-8").bytes), encoding: .utf8))
        XCTAssertTrue(text.hasPrefix("agency,amount_wan\r\n"))
        XCTAssertTrue(text.contains("株洲市,档案馆"))
    }

    func testAtomicWriteLeavesNoTemporaryFile() throws {
        let directory = try Paths.temporaryDirectory()
        try Emit.write(table, to: directory, headers: .en, encoding: .utf8)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["t.csv"])
    }
}
