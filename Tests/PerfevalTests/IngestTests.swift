import XCTest
import PerfevalCore
@testable import Ingest

final class DecoderTests: XCTestCase {
    func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Paths.fixtures.appendingPathComponent(path)))
    }

    func testDetectsEncodingsFromBytes() throws {
        let original = try Data(contentsOf: Paths.samples.appendingPathComponent("000_d5715af45698640f.txt"))
        for (file, name) in [("encodings/000_gb18030.txt", "GB18030"), ("encodings/000_utf16le.txt", "UTF-16LE"), ("encodings/000_utf8bom.txt", "UTF-8 (BOM)")] {
            let decoded = try TextDecoder.decode(try fixture(file))
            XCTAssertEqual(decoded.encoding, name, file)
            XCTAssertFalse(decoded.truncated, file)
            XCTAssertEqual(decoded.utf8, Array(original), file)
        }
    }

    func testTruncatedGB18030IsReadUpToTheCut() throws {
        let decoded = try TextDecoder.decode(try fixture("bad/000_gb18030_truncated.txt"))
        XCTAssertEqual(decoded.encoding, "GB18030")
        XCTAssertTrue(decoded.truncated)
        XCTAssertTrue(String(decoding: decoded.utf8, as: UTF8.self).hasSuffix("附件3\n"))
    }

    func testTruncatedUTF8IsFlagged() throws {
        let bytes = Array("年度资金总额".utf8).dropLast(1)
        let decoded = try TextDecoder.decode(Array(bytes))
        XCTAssertTrue(decoded.truncated)
        XCTAssertEqual(String(decoding: decoded.utf8, as: UTF8.self), "年度资金总")
    }

    func testRejectsEmptyBinaryAndJunk() throws {
        XCTAssertThrowsError(try TextDecoder.decode([])) { XCTAssertEqual($0 as? TextDecoder.Failure, .empty) }
        XCTAssertThrowsError(try TextDecoder.decode(try fixture("bad/binary.txt"))) { error in
            guard case .binary = error as? TextDecoder.Failure else { return XCTFail("\(error)") }
        }
        // 0x80 and 0xFF are invalid lead bytes in UTF-8 and in GB18030.
        XCTAssertThrowsError(try TextDecoder.decode([0x41, 0xFF, 0xFF, 0x80, 0x41])) { error in
            guard case .undecodable = error as? TextDecoder.Failure else { return XCTFail("\(error)") }
        }
    }
}

final class TikaTextTests: XCTestCase {
    func parse(_ text: String) -> Document { TikaText.parse(utf8: Array(text.utf8)) }

    func rows(_ document: Document) -> [[String]] {
        document.tables.flatMap { $0.rows.map { $0.cells.map(\.text) } }
    }

    func testCellsRowsEmptyCellsAndMultiLineCells() {
        let document = parse("标题\n\t年度预\n算申请\n\t\n\t全年  预算数\n\n\t年度资金总额\n\t258.31\n\n正文\n")
        XCTAssertEqual(rows(document), [["年度预\n算申请", "", "全年  预算数"], ["年度资金总额", "258.31"]])
        guard case .paragraph(let title) = document.blocks.first, case .paragraph(let body) = document.blocks.last else { return XCTFail() }
        XCTAssertEqual(title.text, "标题")
        XCTAssertEqual(body.line, 10)
        XCTAssertEqual(document.tables.first?.rows.last?.cells.last?.line, 8)
    }

    func testParagraphsInsideACellDoNotEndTheTable() {
        let document = parse("\t预期目标\n\t一、档案管理工作\n\n完成年鉴出版。\n\n\t绩效指标\n\n\n附件3\n")
        XCTAssertEqual(rows(document), [["预期目标", "一、档案管理工作\n完成年鉴出版。"], ["绩效指标"]])
        guard case .paragraph(let after) = document.blocks.last else { return XCTFail() }
        XCTAssertEqual(after.text, "附件3")
    }

    func testFoldsWidthAndDropsBookmarks() {
        let document = parse("4、 [bookmark: _GoBack]国有资本经营预算支出情况\n\t执行率\n\t１００％\n")
        guard case .paragraph(let heading) = document.blocks.first else { return XCTFail() }
        XCTAssertEqual(heading.text, "4、 国有资本经营预算支出情况")
        XCTAssertEqual(rows(document), [["执行率", "100%"]])
    }

    func testEmptyInputHasNoBlocks() {
        XCTAssertTrue(parse("").blocks.isEmpty)
        XCTAssertTrue(parse("\n\n  \n").blocks.isEmpty)
    }
}
