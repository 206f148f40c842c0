import XCTest
import Foundation
import CSVKit
import Emit
import Pipeline
@testable import Review

/// review.xlsx read back by an independent reader (Python openpyxl) and review.html
/// rendered by headless Chromium, on the fixture corpus (Tests/Fixtures/corpus; its values
/// are tabled in AggregateTests).
final class ReviewTests: XCTestCase {
    static let corpus = Paths.fixtures.appendingPathComponent("corpus").path
    static let zh: URL = run("zh")

    static func run(_ name: String, _ extra: [String] = []) -> URL {
        let out = try! Paths.temporaryDirectory("review-\(name)")
        let result = try! runPerfeval(["run", corpus, "--out", out.path, "--quiet"] + extra)
        precondition(result.status == 0, result.stderr)
        return out
    }

    // MARK: the workbook

    func testEverySheetHoldsItsCSVTableWithNumbersAsNumbers() throws {
        let book = try Workbook(Self.zh.appendingPathComponent("review.xlsx"))
        XCTAssertEqual(book.sheetNames.first, "概览")
        var compared = 0
        for table in ReviewFiles.tables {
            let csv = try CSV.parse(Array(try Data(contentsOf: Self.zh.appendingPathComponent(table.fileName))))
            let sheet = try XCTUnwrap(book.sheet(table.sheetZh), table.fileName)
            XCTAssertEqual(sheet.header, csv[0], "\(table.sheetZh): the CSV's Chinese headers")
            XCTAssertEqual(sheet.rows.count, csv.count - 1, "\(table.sheetZh): every row")
            XCTAssertEqual(sheet.freeze, "A2", table.sheetZh)
            XCTAssertEqual(sheet.filter, "A1:\(columnName(csv[0].count))\(max(csv.count, 2))", table.sheetZh)
            let kinds = table.columns.map { ColumnKind.of($0.en, in: table.fileName) }
            for (csvRow, sheetRow) in zip(csv.dropFirst(), sheet.rows) {
                for (column, text) in csvRow.enumerated() {
                    compared += 1
                    try assertCell(sheetRow[safe: column] ?? nil, equals: text, kind: kinds[column], "\(table.sheetZh) \(table.columns[column].zh)")
                }
            }
        }
        XCTAssertGreaterThan(compared, 10_000, "the fixture run's cells were compared one by one")
    }

    func assertCell(_ cell: Workbook.Cell?, equals text: String, kind: ColumnKind, _ where_: String) throws {
        guard !text.isEmpty else { return XCTAssertNil(cell, "\(where_): empty stays empty") }
        let cell = try XCTUnwrap(cell, "\(where_): \(text)")
        if kind == .text {
            XCTAssertEqual(cell.type, "s", where_)
            XCTAssertEqual(cell.text, text, where_)
        } else {
            XCTAssertEqual(cell.type, "n", "\(where_): \(text) is a number cell")
            XCTAssertEqual(cell.number, Double(text), where_)
            XCTAssertEqual(cell.format, kind.numberFormat, where_)
        }
    }

    func testRealValuesAndFormats() throws {
        let book = try Workbook(Self.zh.appendingPathComponent("review.xlsx"))
        let execution = try XCTUnwrap(book.sheet("执行率比较"))
        // 株洲市 2022 dept: d02 100 and d04 95 → mean 97.50, weighted 98.57, rank 2.
        let zhuzhou = try XCTUnwrap(execution.rows.first { $0[1]?.text == "430200" && $0[3]?.number == 2022 && $0[4]?.text == "dept" })
        XCTAssertEqual(zhuzhou[8]?.number, 97.5)
        XCTAssertEqual(zhuzhou[8]?.format, "0.00")
        XCTAssertEqual(zhuzhou[9]?.number, 98.57)
        XCTAssertEqual(zhuzhou[14]?.number, 2)
        let records = try XCTUnwrap(book.sheet("评价记录"))
        let d01 = try XCTUnwrap(records.rows.first { $0[0]?.text == "d01.txt" })
        XCTAssertEqual(d01[8]?.text, "430212", "a region code stays text")
        XCTAssertEqual(d01[9]?.number, 2021)
        XCTAssertEqual(d01[11]?.number, 100)
        XCTAssertEqual(d01[11]?.format, "#,##0.00##")
        XCTAssertEqual(d01[19]?.number, 258.31, "basic spending 258.31 万元")
        XCTAssertEqual(records.widths["D"].map { $0 >= 18 }, true, "单位名称 column fitted to 株洲市渌口区档案馆")
    }

    func testOverviewSheetHasHeadlineFiguresAndFourNativeCharts() throws {
        let book = try Workbook(Self.zh.appendingPathComponent("review.xlsx"))
        let overview = try XCTUnwrap(book.sheet("概览"))
        func value(after label: String) -> Double? { overview.rows.first { $0.first??.text == label }?[safe: 1]??.number }
        XCTAssertEqual(value(after: "报告数"), 13)
        XCTAssertEqual(value(after: "评价记录数"), 13)
        XCTAssertEqual(value(after: "审核发现数"), 52, "the finding rows of audits.csv")
        XCTAssertEqual(book.charts.map(\.title), [
            "各市（州）平均执行率（%）· 2023年 部门整体支出", "自评得分分布（记录数）· 2023年 部门整体支出",
            "最常见的问题类别（反映该问题的单位数）· 2023年 部门整体支出", "审核发现（按审核项）· 2023年 部门整体支出",
        ])
        // 2023 dept prefectures, lowest mean rate first: 昌吉州 (d09 80), 株洲市 (d03 80, d05 100 → 90), 衡阳市 (d07 90).
        XCTAssertEqual(value(after: "昌吉回族自治州"), 80)
        XCTAssertEqual(value(after: "株洲市"), 90)
        XCTAssertEqual(value(after: "预算编制不够精准"), 3, "d03, d05, d07 report budget_preparation in 2023")
        XCTAssertEqual(value(after: "优（≥90）"), 2, "2023 dept scores 88, 90, 97, 75")
    }

    func testEnglishHeadersNameSheetsAndColumnsInEnglish() throws {
        let book = try Workbook(AggregateTests.single.appendingPathComponent("review.xlsx"))
        XCTAssertEqual(Array(book.sheetNames.prefix(3)), ["overview", "compare_execution", "compare_scores"])
        XCTAssertEqual(Array(try XCTUnwrap(book.sheet("records")).header.prefix(3)), ["file", "kind", "project"])
    }

    func testGB18030TablesAreReadBackToo() throws {
        let book = try Workbook(Self.run("gb18030", ["--encoding", "gb18030"]).appendingPathComponent("review.xlsx"))
        let records = try XCTUnwrap(book.sheet("评价记录"))
        XCTAssertEqual(records.header.prefix(4), ["文件", "类型", "项目名称", "单位名称"])
        XCTAssertEqual(records.rows.first { $0[0]?.text == "d01.txt" }?[3]?.text, "株洲市渌口区档案馆")
        XCTAssertEqual(records.rows.count, 13)
    }

    func testSameTablesGiveTheSameBytes() throws {
        let again = Self.run("again")
        for name in [Review.workbookName, Review.pageName] {
            XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent(name)), try Data(contentsOf: Self.zh.appendingPathComponent(name)), name)
        }
    }

    func testNoXlsxAndNoHtmlFlags() throws {
        let out = Self.run("none", ["--no-xlsx", "--no-html"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("review.xlsx").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("review.html").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("records.csv").path))
    }

    func testAggregateWritesBothFromTheComparativeTables() throws {
        let out = try Paths.temporaryDirectory("review-aggregate")
        let result = try runPerfeval(["aggregate", Self.zh.path, "--out", out.path, "--level", "county"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let book = try Workbook(out.appendingPathComponent("review.xlsx"))
        XCTAssertEqual(book.sheetNames, ["概览", "执行率比较", "得分比较", "支出结构比较", "问题类别比较", "反复出现的问题", "单位年度变化", "审核汇总"])
        XCTAssertEqual(book.charts.first?.title, "各县（市、区）平均执行率（%）· 2023年 部门整体支出")
        let html = try String(contentsOf: out.appendingPathComponent("review.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("本文件夹没有 records.csv 和 audits.csv"))
        XCTAssertTrue(html.contains("比较表不含“全部”层级（汇总时指定了 --level），此图无数据"), "the grade chart says why it is empty")
    }

    /// A sheet longer than the limit keeps its first rows and says, in its last row, how many there were.
    func testLongTableCappedWithANote() throws {
        let folder = try Paths.temporaryDirectory("review-cap")
        try FileManager.default.copyItem(at: Self.zh.appendingPathComponent("audits.csv"), to: folder.appendingPathComponent("audits.csv"))
        var options = ReviewOptions(headers: .zh)
        options.maxSheetRows = 10
        options.page = false
        try Review.write(outputFolder: folder, tables: ReviewFiles.tables, options: options)
        let sheet = try XCTUnwrap(try Workbook(folder.appendingPathComponent("review.xlsx")).sheet("审核明细"))
        XCTAssertEqual(sheet.rows.count, 9, "8 data rows and the note: 10 rows with the header")
        XCTAssertEqual(sheet.rows.last?.first??.text, "（超过 Excel 的行数上限：共 152 行，此处列出前 8 行；完整数据见 audits.csv）")
        XCTAssertEqual(sheet.filter, "A1:H9")
    }

    /// Text from reports is never a formula in the workbook, and never markup in the page.
    func testHostileTextStaysText() throws {
        let folder = try Paths.temporaryDirectory("review-hostile")
        let records = Tables.recordColumns.map(\.zh)
        var row = [String](repeating: "", count: records.count)
        row[0] = "x.txt"; row[1] = "dept"; row[3] = "<script>alert(1)</script>"; row[4] = "=HYPERLINK(\"http://x\")"; row[30] = "1"
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSV.encodeRow(records, into: &bytes)
        CSV.encodeRow(row, into: &bytes)
        try Data(bytes).write(to: folder.appendingPathComponent("records.csv"))
        bytes = [0xEF, 0xBB, 0xBF]
        CSV.encodeRow(Tables.auditColumns.map(\.zh), into: &bytes)
        CSV.encodeRow(["x.txt", "", "grade_stated", "finding", "优", "<b>良</b>", "a & b", "7"], into: &bytes)
        try Data(bytes).write(to: folder.appendingPathComponent("audits.csv"))
        try Review.write(outputFolder: folder, tables: ReviewFiles.tables, options: ReviewOptions(headers: .zh))
        let sheet = try XCTUnwrap(try Workbook(folder.appendingPathComponent("review.xlsx")).sheet("评价记录"))
        XCTAssertEqual(sheet.rows.first?[4]?.type, "s")
        XCTAssertEqual(sheet.rows.first?[4]?.text, "=HYPERLINK(\"http://x\")")
        let html = try String(contentsOf: folder.appendingPathComponent("review.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("<script>alert"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&lt;b&gt;良&lt;/b&gt;"))
        XCTAssertTrue(html.contains("<td>a &amp; b</td>"))
        XCTAssertTrue(html.contains("x.txt：第 7 行"))
    }

    // MARK: the page

    func testPageRendersInHeadlessChromiumWithChartsTablesAndNoConsoleErrors() throws {
        guard let chromium = Tool.find(["chromium", "chromium-browser"]) else {
            throw XCTSkip("chromium is not installed (scripts/setup.sh installs Debian's chromium)")
        }
        let page = Self.zh.appendingPathComponent("review.html")
        let dump = try Tool.run(chromium, Tool.headless + ["--enable-logging=stderr", "--v=0", "--dump-dom", page.absoluteString])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let dom = dump.stdout
        XCTAssertEqual(dom.components(separatedBy: "<svg").count - 1, 4, "the four charts")
        XCTAssertEqual(dom.components(separatedBy: "<rect").count - 1, 3 + 4 + 2 + 5, "one bar per region, grade, category and check")
        XCTAssertTrue(dom.contains("<h2>执行率排名 · 各市（州） · 2023年</h2>"))
        XCTAssertTrue(dom.contains("<td>株洲市渌口区档案馆</td>") || dom.contains("株洲市渌口区档案馆 · 2021年"), "an agency with findings")
        XCTAssertTrue(dom.contains("d01.txt：第 35 行"), "a finding with its file and source line")
        XCTAssertGreaterThanOrEqual(dom.components(separatedBy: "<table").count - 1, 10)
        let consoleLines = dump.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        XCTAssertEqual(consoleLines, [], "no console messages")
        let shot = FileManager.default.temporaryDirectory.appendingPathComponent("perfeval-review.png")
        try? FileManager.default.removeItem(at: shot)
        let screenshot = try Tool.run(chromium, Tool.headless + ["--window-size=1200,3000", "--screenshot=\(shot.path)", page.absoluteString])
        XCTAssertEqual(screenshot.status, 0, screenshot.stderr)
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG at \(shot.path)")
        XCTAssertGreaterThan(png.count, 50_000, "a page with content, not a blank one")
    }

    func testPageIsSelfContained() throws {
        let html = try String(contentsOf: Self.zh.appendingPathComponent("review.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("<script"))
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        XCTAssertFalse(withoutNamespace.contains("http://") || withoutNamespace.contains("https://"), "no network address")
        XCTAssertFalse(html.contains("<link"))
        XCTAssertTrue(html.contains("@media print"))
        XCTAssertTrue(html.contains("<a href=\"audits.csv\">") || html.contains("<a href=\"compare_execution.csv\">"), "links to the CSVs")
    }

    func columnName(_ count: Int) -> String {
        var count = count, name = ""
        while count > 0 { name = String(UnicodeScalar(UInt8(65 + (count - 1) % 26))) + name; count = (count - 1) / 26 }
        return name
    }
}

/// review.xlsx as Python's openpyxl reads it: an independent reader, not our writer.
struct Workbook {
    struct Cell { var type: String; var text: String?; var number: Double?; var format: String }
    struct Sheet {
        var name: String, freeze: String?, filter: String?, widths: [String: Double]
        var allRows: [[Cell?]]
        var header: [String] { allRows.first?.map { $0?.text ?? "" } ?? [] }
        /// The rows after the first (the header row of a data sheet, the title of 概览).
        var rows: [[Cell?]] { Array(allRows.dropFirst()) }
    }
    var sheets: [Sheet]
    var charts: [(title: String, type: String)]
    var sheetNames: [String] { sheets.map(\.name) }
    func sheet(_ name: String) -> Sheet? { sheets.first { $0.name == name } }

    static let script = """
    import json, sys, openpyxl
    wb = openpyxl.load_workbook(sys.argv[1])
    def cell(c):
        if c.value is None: return None
        return {"t": c.data_type, "v": c.value if c.data_type == "n" else str(c.value), "f": c.number_format}
    def title(chart):
        try: return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))
        except Exception: return ""
    out = {"sheets": [], "charts": []}
    for ws in wb.worksheets:
        out["sheets"].append({"name": ws.title, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "rows": [[cell(c) for c in row] for row in ws.iter_rows()]})
        out["charts"] += [{"title": title(c), "type": c.type} for c in ws._charts]
    json.dump(out, sys.stdout, ensure_ascii=False)
    """

    init(_ url: URL) throws {
        let python = try XCTUnwrap(Tool.pythonWithOpenpyxl(), "no python3 with openpyxl: run scripts/setup.sh")
        let result = try Tool.run(python, ["-c", Self.script, url.path])
        guard result.status == 0 else { throw NSError(domain: "openpyxl", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        sheets = (json["sheets"] as! [[String: Any]]).map { sheet in
            let rows = (sheet["rows"] as! [[Any]]).map { row in row.map { cell -> Cell? in
                guard let cell = cell as? [String: Any] else { return nil }
                let type = cell["t"] as! String
                return Cell(type: type, text: type == "n" ? nil : cell["v"] as? String, number: type == "n" ? (cell["v"] as? NSNumber)?.doubleValue : nil,
                            format: cell["f"] as! String)
            } }
            return Sheet(name: sheet["name"] as! String, freeze: sheet["freeze"] as? String, filter: sheet["filter"] as? String,
                         widths: (sheet["widths"] as? [String: Double]) ?? [:], allRows: rows)
        }
        charts = (json["charts"] as! [[String: Any]]).map { ($0["title"] as! String, $0["type"] as! String) }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// External programs the review tests use.
enum Tool {
    static let headless = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-dev-shm-usage"]

    static func find(_ names: [String]) -> String? {
        for name in names {
            for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// A python3 that can import openpyxl (Debian's python3-openpyxl is for /usr/bin/python3).
    static func pythonWithOpenpyxl() -> String? {
        ["/usr/bin/python3", find(["python3"])].compactMap { $0 }.first { python in
            (try? run(python, ["-c", "import openpyxl"]).status) == 0
        }
    }

    /// Runs a program; standard error goes to a file so that neither pipe can fill up and block.
    static func run(_ path: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("perfeval-tool-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
