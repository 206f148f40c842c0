import XCTest
import PerfevalCore
@testable import Ingest
import Pipeline

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

/// data/noise.csv: page furniture and spam never reach extraction.
final class NoiseFilterTests: XCTestCase {
    let noise = Reference.shared.noise

    func testFurnitureAndSpamLinesAreDropped() {
        XCTAssertNil(noise.clean("第3页 / 共15页"))
        XCTAssertNil(noise.clean("文档贡献者:wenku_2019  上传时间:2023-04-01  下载积分:5"))
        XCTAssertNil(noise.clean("澳门娱乐城2025年度回馈,注册即送88万元,咨询热线4008123456"), "short spam line with a year and an amount")
    }

    func testCleanedDocumentKeepsEachTextsCompactForm() {
        let advert = "项目支出 4008341834 预算资金"
        let document = Document(blocks: [
            .paragraph(Paragraph(text: "（一）全年　预算数 ３００", line: 1)),
            .paragraph(Paragraph(text: advert, line: 2)),
            .table(Table(rows: [TableRow(cells: [Cell(text: "第3页 / 共15页", line: 3), Cell(text: "执行数（万元）", line: 3)])])),
        ])
        let cleaned = noise.clean(document)
        var texts: [(String, [Unicode.Scalar])] = []
        for block in cleaned.blocks {
            switch block {
            case .paragraph(let paragraph): XCTAssertTrue(paragraph.keepsCompact); texts.append((paragraph.text, paragraph.compact))
            case .table(let table):
                for cell in table.rows.flatMap(\.cells) { XCTAssertTrue(cell.keepsCompact); texts.append((cell.text, cell.compact)) }
            }
        }
        XCTAssertEqual(texts.map(\.0), ["（一）全年　预算数 ３００", noise.clean(advert)!, "", "执行数（万元）"])
        for (text, compact) in texts { XCTAssertEqual(compact, TextFolding.compact(text), text) }
        // A text set again drops the compact form kept for the old one.
        var cell = Cell(text: "全年预算数", line: 1)
        cell.keepCompact()
        cell.text = "执行数"
        XCTAssertFalse(cell.keepsCompact)
        XCTAssertEqual(cell.compact.string, "执行数")
    }

    func testAdvertInsideASentenceIsCutOutAndTheSentenceKept() {
        let line = "红河州某局2024年年初预算项目共14个,白事一条龙服务价格 4008341834项目支出预算资金为2836.14万元,其中:本年一般公共预算财政拨款收入预算安排项目11个,预算资金为2827.23万元。"
        XCTAssertEqual(noise.clean(line), "红河州某局2024年年初预算项目共14个,项目支出预算资金为2836.14万元,其中:本年一般公共预算财政拨款收入预算安排项目11个,预算资金为2827.23万元。")
    }

    func testReportTextIsLeftAlone() {
        let lines = ["安排彩票公益金50万元用于档案抢救,受理群众举报3件,共计下拨经费13500000000元。",
                     "2023年度,单位一般公共预算基本支出完成174.49万元,比上年减少18.45万元。"]
        for line in lines { XCTAssertEqual(noise.clean(line), line) }
        XCTAssertEqual(noise.clean("联系人:张三,联系电话:13812345678,地址为市政府大楼三楼档案馆办公室,邮编为421500,工作时间为周一至周五。"),
                       "联系人:张三,联系电话:,地址为市政府大楼三楼档案馆办公室,邮编为421500,工作时间为周一至周五。", "a phone number alone loses only its digits")
    }

    func testTableInterruptedByAPageFooterIsJoinedAgain() throws {
        let text = "项目名称 | 档案保护经费 |\n主管部门 | 某县档案局 |\n第1页 / 共2页\n年度资金总额 | 10 | 10 |\n"
        let document = try Ingest.read(bytes: Array(text.utf8), noise: noise).document
        XCTAssertEqual(document.blocks.count, 1)
        XCTAssertEqual(document.tables.first?.rows.map { $0.cells.first?.text }, ["项目名称", "主管部门", "年度资金总额"])
    }
}

/// Seeds 000 and 004 as a mirror site serves them (scripts/make_mirror_fixtures.py):
/// traditional characters, page furniture, spam with years, 万元 amounts and phone numbers.
/// Every value is the same as from the web text; quoted texts stay as the page writes them.
final class MirrorTests: XCTestCase {
    func testMirrorCopiesGiveTheSameTablesAsTheWebText() throws {
        let web = try Paths.temporaryDirectory("web"), mirror = try Paths.temporaryDirectory("mirror")
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/webtext", "--out", web.path, "--headers", "en", "--quiet"]).status, 0)
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/mirror", "--out", mirror.path, "--headers", "en", "--quiet"]).status, 0)
        for table in ["records.csv", "indicators.csv", "expenditure_items.csv", "problems.csv", "measures.csv", "audits.csv"] {
            func rows(_ folder: URL) throws -> [[String: String]] {
                try readTable(folder.appendingPathComponent(table))
                    .filter { $0["file"]!.hasPrefix("000") || $0["file"]!.hasPrefix("004") }
                    .map { $0.filter { !["source_line", "source_lines", "text", "cause"].contains($0.key) } }
            }
            let expected = try rows(web)
            XCTAssertFalse(expected.isEmpty, table)
            XCTAssertEqual(try rows(mirror), expected, table)
        }
        // Problems and measures quote the page as written: traditional characters.
        let problems = try readTable(mirror.appendingPathComponent("problems.csv")).map { $0["text"]! }
        XCTAssertTrue(problems.contains { $0.hasPrefix("檔案安全管理存在隱患，新館建設迫在眉睫。") }, "\(problems)")
        let records = try readTable(mirror.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.map { $0["agency"]! }, ["株洲市渌口区档案馆", "常宁市档案馆"])
        XCTAssertEqual(records.map { $0["year"]! }, ["2022", "2023"], "not the 2025/2026 of the spam lines")
    }

    /// A .docx in traditional characters (Tests/Fixtures/traditional): converted after reading.
    func testTraditionalDocxGivesTheSameTablesAsTheDocx() throws {
        let docx = try Paths.temporaryDirectory("docx"), traditional = try Paths.temporaryDirectory("traditional")
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/docx", "--out", docx.path, "--headers", "en", "--quiet"]).status, 0)
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/traditional", "--out", traditional.path, "--headers", "en", "--quiet"]).status, 0)
        for table in ["records.csv", "indicators.csv", "expenditure_items.csv", "problems.csv", "measures.csv"] {
            func rows(_ folder: URL) throws -> [[String: String]] {
                try readTable(folder.appendingPathComponent(table)).filter { $0["file"]!.hasPrefix("000") }
                    .map { $0.filter { $0.key != "text" && $0.key != "cause" } }
            }
            XCTAssertEqual(try rows(traditional), try rows(docx), table)
        }
        XCTAssertEqual(try readTable(traditional.appendingPathComponent("problems.csv")).first?["text"],
                       "預算編制細化不夠，年初預算和科目設置與實際發生情況有一定的出入。")
    }
}
