import XCTest
import Foundation
@testable import Ingest
import ZIPFoundation
typealias ZIPFoundationArchive = ZIPFoundation.Archive

/// The seed reports as .docx (scripts/make_docx_fixtures.py: split runs, merged cells,
/// automatic numbering, real bookmarks) must give what their Tika text gives.
final class DocxTests: XCTestCase {
    static let outputs: (tika: URL, docx: URL, web: URL, pdf: URL, layout: URL) = {
        let tika = try! Paths.temporaryDirectory("tika"), docx = try! Paths.temporaryDirectory("docx"), web = try! Paths.temporaryDirectory("web")
        let pdf = try! Paths.temporaryDirectory("pdf"), layout = try! Paths.temporaryDirectory("layout")
        _ = try! runPerfeval(["run", "Tests/Fixtures/pdf", "--out", pdf.path, "--headers", "en", "--quiet"])
        _ = try! runPerfeval(["run", "Tests/Fixtures/layout", "--out", layout.path, "--headers", "en", "--quiet"])
        _ = try! runPerfeval(["run", "data/samples", "--out", tika.path, "--headers", "en", "--quiet"])
        _ = try! runPerfeval(["run", "Tests/Fixtures/docx", "--out", docx.path, "--headers", "en", "--quiet"])
        _ = try! runPerfeval(["run", "Tests/Fixtures/webtext", "--out", web.path, "--headers", "en", "--quiet"])
        return (tika, docx, web, pdf, layout)
    }()

    static let comparedTables = ["records.csv", "indicators.csv", "expenditure_items.csv", "audits.csv", "problems.csv", "measures.csv", "quality.csv"]

    /// A table's rows without source lines (a .docx counts paragraphs, not text lines) and
    /// with the file's extension dropped.
    func comparable(_ folder: URL, _ table: String) throws -> [[String: String]] {
        try readTable(folder.appendingPathComponent(table)).map { row in
            var row = row
            for column in ["source_line", "source_lines"] { row[column] = nil }
            row["file"] = (row["file"]! as NSString).deletingPathExtension
            return row
        }
    }

    func assertSameTables(as other: URL) throws {
        for table in Self.comparedTables {
            let tika = try comparable(Self.outputs.tika, table)
            let converted = try comparable(other, table).filter { !["scan", "encrypted"].contains($0["file"]!) }
            XCTAssertEqual(tika.count, converted.count, table)
            for (index, (left, right)) in zip(tika, converted).enumerated() { XCTAssertEqual(left, right, "\(table) row \(index + 1)") }
        }
    }

    func testDocxGivesTheSameRecordsIndicatorsProblemsAndMeasuresAsTikaText() throws {
        try assertSameTables(as: Self.outputs.docx)
    }

    /// The seeds as web-page text (scripts/make_webtext_fixtures.py): `|` between cells,
    /// merged left cells missing, rows padded with `||||`.
    func testWebTextGivesTheSameTablesAsTikaText() throws {
        try assertSameTables(as: Self.outputs.web)
    }

    /// Space-aligned text, no TABs and no pipes (scripts/make_layout_fixtures.sh).
    func testSpaceAlignedTextGivesTheSameTablesAsTikaText() throws {
        try assertSameTables(as: Self.outputs.layout)
    }

    func testAutomaticNumberingItemizesTheLists() throws {
        // The fixtures' problem and measure lists carry no typed "1、": Word numbers them.
        let xml = try ZipParts(bytes: Array(Data(contentsOf: Paths.fixtures.appendingPathComponent("docx/000_d5715af45698640f.docx"))), limits: .standard)
            .data("word/document.xml", format: ".docx")
        XCTAssertFalse(String(decoding: xml, as: UTF8.self).contains("1、细化预算编制"))
        let measures = try readTable(Self.outputs.docx.appendingPathComponent("measures.csv"))
        XCTAssertEqual(measures.filter { $0["file"] == "000_d5715af45698640f.docx" }.map { $0["item"]! }, ["1", "2", "3", "4"])
        XCTAssertTrue(measures[0]["text"]!.hasPrefix("细化预算编制工作"))
        let problems = try readTable(Self.outputs.docx.appendingPathComponent("problems.csv"))
        XCTAssertEqual(problems.filter { $0["file"] == "001_f9e81e34f845ffee.docx" }.count, 3)
    }

    func archive(_ name: String) throws -> ZIPFoundationArchive {
        try ZIPFoundationArchive(data: Data(contentsOf: Paths.fixtures.appendingPathComponent("docx/\(name)")), accessMode: .read)
    }

    /// The seeds as PDF (scripts/make_pdf_fixtures.py), read through pdftotext -layout.
    func testPdfGivesTheSameTablesAsTikaText() throws {
        try assertSameTables(as: Self.outputs.pdf)
    }

    func testScannedAndEncryptedPdfsAreRejectedWithAReason() throws {
        let reasons = Dictionary(uniqueKeysWithValues: try readTable(Self.outputs.pdf.appendingPathComponent("rejects.csv")).map { ($0["file"]!, $0["reason"]!) })
        XCTAssertEqual(reasons["scan.pdf"], "PDF without a text layer (a scanned image?): run OCR first")
        XCTAssertEqual(reasons["encrypted.pdf"], "encrypted PDF: its text cannot be read without the password")
        XCTAssertEqual(reasons.count, 2)
    }

    func testLayoutColumnsKeepEmptyCellsInPlace() {
        /// Places each text at its character column, as pdftotext -layout does.
        func line(_ cells: [(Int, String)]) -> String {
            var out = ""
            for (column, text) in cells { out += String(repeating: " ", count: column - out.count) + text }
            return out
        }
        let layout = line([(0, "绩效指标"), (11, "一级指标"), (22, "二级指标"), (33, "三级指标"), (44, "分值"), (51, "得分")]) + "\n"
            + line([(11, "效益指标"), (33, "满意度"), (44, "10"), (51, "9")]) + "\n"
        let rows = PipeText.parseLayout(utf8: Array(layout.utf8)).tables.first!.rows.map { $0.cells.map(\.text) }
        XCTAssertEqual(rows, [["绩效指标", "一级指标", "二级指标", "三级指标", "分值", "得分"], ["", "效益指标", "", "满意度", "10", "9"]])
    }

    func testNumberFormats() {
        XCTAssertEqual(NumberingDefinitions.format(3, as: "chineseCounting"), "三")
        XCTAssertEqual(NumberingDefinitions.format(12, as: "chineseCountingThousand"), "十二")
        XCTAssertEqual(NumberingDefinitions.format(2, as: "decimalEnclosedCircle"), "②")
        XCTAssertEqual(NumberingDefinitions.format(4, as: "lowerRoman"), "iv")
        XCTAssertEqual(NumberingDefinitions.format(7, as: "decimal"), "7")
    }

    func testFormatsAreToldByTheBytesAndBadFilesAreRejectedWithAReason() throws {
        let out = try Paths.temporaryDirectory()
        let result = try runPerfeval(["run", "Tests/Fixtures/formats", "--out", out.path, "--headers", "en", "--quiet"])
        XCTAssertEqual(result.status, 1)
        let records = try readTable(out.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.map { $0["file"]! }, ["mislabelled.txt"], "a .docx named .txt is read as Word")
        XCTAssertEqual(records.first?["agency"], "常宁市档案馆")
        let reasons = Dictionary(uniqueKeysWithValues: try readTable(out.appendingPathComponent("rejects.csv")).map { ($0["file"]!, $0["reason"]!) })
        XCTAssertTrue(reasons["truncated.docx"]?.contains("corrupt .docx") ?? false, "\(reasons)")
        XCTAssertTrue(reasons["not_word.docx"]?.contains("no Word document") ?? false, "\(reasons)")
        XCTAssertEqual(reasons.count, 2)
    }
}

/// The real web-page excerpts of shared/webtext (copied to Tests/Fixtures/webpages) against
/// their hand-checked values: the cells the tool reaches today must stay reached. Pages
/// still out of reach (a narrative project list, budgets stated only in narrative) are
/// listed so that progress shows as a failing count to raise, not as silence.
final class WebPageGoldTests: XCTestCase {
    func testFilledGoldCellsReachedOnRealWebPages() throws {
        let out = try Paths.temporaryDirectory()
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/webpages", "--out", out.path, "--headers", "en", "--quiet"]).status, 0)
        var first: [String: [String: String]] = [:]
        for row in try readTable(out.appendingPathComponent("records.csv")) where first[row["file"]!] == nil { first[row["file"]!] = row }
        var reached = 0, total = 0
        var missed: [String] = []
        for gold in try readTable(Paths.fixtures.appendingPathComponent("gold/webtext.csv")) {
            for (column, value) in gold where column != "file" && column != "notes" && !value.isEmpty {
                total += 1
                let got = first[gold["file"]!]?[column] ?? ""
                if got == value || (Decimal(string: got) != nil && Decimal(string: got) == Decimal(string: value)) { reached += 1 } else { missed.append("\(gold["file"]!) \(column)") }
            }
        }
        print("web pages: \(reached) of \(total) filled gold cells reached; missed: \(missed.joined(separator: ", "))")
        XCTAssertGreaterThanOrEqual(reached, 66)
        for file in ["web15.txt", "web36.txt", "web40.txt"] {
            XCTAssertFalse(missed.contains { $0.hasPrefix(file) }, "\(file) is read completely")
        }
    }
}

/// The `|`-row pages web36 and web40 rewritten one cell per line
/// (scripts/make_cellperline_fixtures.py) read as their row forms do.
final class CellPerLineTests: XCTestCase {
    func testCellPerLinePagesGiveTheSameRecordsAsTheirRowForms() throws {
        let rows = try Paths.temporaryDirectory("rows"), cells = try Paths.temporaryDirectory("cells")
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/webpages", "--out", rows.path, "--headers", "en", "--quiet"]).status, 0)
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/cellperline", "--out", cells.path, "--headers", "en", "--quiet"]).status, 0)
        for table in ["records.csv", "indicators.csv", "expenditure_items.csv"] {
            func read(_ folder: URL) throws -> [[String: String]] {
                try readTable(folder.appendingPathComponent(table)).filter { ["web36.txt", "web40.txt"].contains($0["file"]!) }
                    .map { $0.filter { $0.key != "source_line" && $0.key != "source_lines" } }
            }
            XCTAssertEqual(try read(cells), try read(rows), table)
        }
        let records = try readTable(cells.appendingPathComponent("records.csv"))
        XCTAssertEqual(records.map { $0["project"]! }, ["2023年全县安可替代补助资金项目", "2020年省级自然资源卫片执法补助经费"])
        XCTAssertEqual(records.map { $0["budget_full_wan"]! }, ["3.36", "7.29"])
    }
}

/// The self-evaluation forms of seeds 000 and 003 as Excel workbooks
/// (scripts/make_xlsx_fixtures.py: merged titles and indicator cells, numbers as numbers).
final class XlsxTests: XCTestCase {
    func testWorkbookFormsGiveTheSameRecordsAndIndicatorsAsTikaText() throws {
        let tika = try Paths.temporaryDirectory("tika"), xlsx = try Paths.temporaryDirectory("xlsx")
        XCTAssertEqual(try runPerfeval(["run", "data/samples", "--out", tika.path, "--headers", "en", "--quiet"]).status, 0)
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/xlsx", "--out", xlsx.path, "--headers", "en", "--quiet"]).status, 0)
        func rows(_ folder: URL, _ table: String, columns: [String]? = nil) throws -> [[String: String]] {
            try readTable(folder.appendingPathComponent(table)).compactMap { row in
                let file = (row["file"]! as NSString).deletingPathExtension
                guard file.hasPrefix("000") || file.hasPrefix("003") else { return nil }
                var kept = row.filter { columns?.contains($0.key) ?? ($0.key != "source_line") }
                kept["file"] = file
                return kept
            }
        }
        let formColumns = ["file", "kind", "project", "agency", "supervisor", "province", "prefecture", "county", "region_code", "year",
                           "budget_initial_wan", "budget_full_wan", "executed_wan", "execution_rate_pct", "execution_rate_stated_pct",
                           "score_total", "grade", "indicator_count", "score_sum_convention"]
        XCTAssertEqual(try rows(xlsx, "records.csv", columns: formColumns), try rows(tika, "records.csv", columns: formColumns))
        let indicators = try rows(xlsx, "indicators.csv")
        XCTAssertEqual(indicators.count, 38)
        XCTAssertEqual(indicators, try rows(tika, "indicators.csv"))
    }
}

/// Old binary .doc / .xls (Tests/Fixtures/ole, made by scripts/make_ole_fixtures.sh with
/// LibreOffice) read through antiword and xls2csv; without the converters they are rejected
/// with the package to install, never skipped.
final class OleTests: XCTestCase {
    func testOldWordAndExcelFilesGiveTheTikaTextValues() throws {
        let tika = try Paths.temporaryDirectory("tika"), ole = try Paths.temporaryDirectory("ole")
        XCTAssertEqual(try runPerfeval(["run", "data/samples", "--out", tika.path, "--headers", "en", "--quiet"]).status, 0)
        XCTAssertEqual(try runPerfeval(["run", "Tests/Fixtures/ole", "--out", ole.path, "--headers", "en", "--quiet"]).status, 0)
        let expected = try readTable(tika.appendingPathComponent("records.csv"))
        let got = try readTable(ole.appendingPathComponent("records.csv"))
        func values(_ rows: [[String: String]], _ prefix: String, _ columns: [String]) -> [[String]] {
            rows.filter { $0["file"]!.hasPrefix(prefix) }.map { row in columns.map { row[$0]! } }
        }
        let docColumns = ["agency", "year", "region_code", "budget_initial_wan", "executed_wan"]
        XCTAssertEqual(values(got, "000", docColumns), values(expected, "000", docColumns))
        XCTAssertEqual(values(got, "000", ["agency"]), [["株洲市渌口区档案馆"]])
        let sheetColumns = ["project", "agency", "year", "budget_initial_wan", "budget_full_wan", "executed_wan"]
        // catdoc 0.95's xls2csv loses strings it reads past a CONTINUE record: the project
        // names of the second and third forms, so only the amounts are compared for those.
        XCTAssertEqual(values(got, "003", sheetColumns).first, values(expected, "003", sheetColumns).first)
        XCTAssertEqual(values(got, "003", ["executed_wan"]), [["55.00"], ["18.00"], ["20.00"]])
        XCTAssertEqual(values(got, "003", ["executed_wan"]), values(expected, "003", ["executed_wan"]))
    }

    func testMissingConvertersRejectTheFileNamingThePackage() throws {
        let input = try Paths.temporaryDirectory("converters"), out = try Paths.temporaryDirectory("out")
        for source in ["ole/000_d5715af45698640f.doc", "ole/003_9b3ab8e5931ca96a.xls", "pdf/000_d5715af45698640f.pdf"] {
            let from = Paths.fixtures.appendingPathComponent(source)
            try FileManager.default.copyItem(at: from, to: input.appendingPathComponent(from.lastPathComponent))
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = input.path   // a PATH where none of the converters is found
        let result = try runPerfeval(["run", input.path, "--out", out.path, "--headers", "en", "--quiet"], environment: environment)
        XCTAssertEqual(result.status, 1)
        let reasons = Dictionary(uniqueKeysWithValues: try readTable(out.appendingPathComponent("rejects.csv")).map { ($0["file"]!, $0["reason"]!) })
        XCTAssertEqual(reasons.count, 3)
        XCTAssertTrue(reasons["000_d5715af45698640f.doc"]?.contains("apt-get install antiword") ?? false, "\(reasons)")
        XCTAssertTrue(reasons["003_9b3ab8e5931ca96a.xls"]?.contains("xls2csv, which is not installed (apt-get install catdoc)") ?? false, "\(reasons)")
        XCTAssertTrue(reasons["000_d5715af45698640f.pdf"]?.contains("apt-get install poppler-utils") ?? false, "\(reasons)")
    }
}
