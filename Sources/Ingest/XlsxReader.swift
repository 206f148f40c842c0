import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PerfevalCore
import ZIPFoundation

/// Reads an Excel .xlsx self-evaluation table: every worksheet becomes one table block,
/// cells placed by their column letter (so empty and merged cells keep the columns
/// aligned, merged areas holding their value in the top-left cell only, as Tika shows
/// merged Word cells), shared strings resolved, numbers as stored. A cell's line is its
/// row number in the sheet.
enum XlsxReader {
    static func read(_ parts: ZipParts, skippedCells: inout Int) throws -> Document {
        let limits = parts.limits
        let strings = try parts.contains("xl/sharedStrings.xml") ? sharedStrings(try parts.data("xl/sharedStrings.xml", format: ".xlsx"), limits: limits) : []
        let sheets = parts.paths.filter { $0.hasPrefix("xl/worksheets/sheet") && $0.hasSuffix(".xml") }
            .sorted { sheetNumber($0) < sheetNumber($1) }
        guard !sheets.isEmpty else { throw PartFailure(format: ".xlsx", why: "workbook without worksheets") }
        guard sheets.count <= limits.maxSheets else { throw LimitExceeded.sheets(sheets.count, limit: limits.maxSheets) }
        var blocks: [Block] = [], cells = 0
        for path in sheets {
            let rows = try worksheet(try parts.data(path, format: ".xlsx"), path: path, strings: strings, limit: limits.maxElements - cells,
                                     skipped: &skippedCells)
            cells += rows.reduce(0) { $0 + $1.cells.count }
            if !rows.isEmpty { blocks.append(.table(Table(rows: rows))) }
        }
        return Document(blocks: blocks)
    }

    static func sheetNumber(_ path: String) -> Int {
        Int(path.dropFirst("xl/worksheets/sheet".count).dropLast(".xml".count)) ?? Int.max
    }

    /// `xl/sharedStrings.xml`: the text of each `si` (its runs joined).
    static func sharedStrings(_ xml: Data, limits: Limits) throws -> [String] {
        let collector = TextCollector(item: "si", text: "t", maxItems: limits.maxElements)
        let parser = XMLReading.parser(xml)
        parser.delegate = collector
        _ = parser.parse()
        if collector.items.count > limits.maxElements { throw LimitExceeded.elements("shared strings", limit: limits.maxElements) }
        return collector.items
    }

    static func worksheet(_ xml: Data, path: String, strings: [String], limit: Int, skipped: inout Int) throws -> [TableRow] {
        let reader = SheetReader(strings: strings, maxCells: limit)
        let parser = XMLReading.parser(xml)
        parser.delegate = reader
        let parsed = parser.parse()
        skipped += reader.outsideGrid
        if reader.cellCount > limit { throw LimitExceeded.elements("table cells", limit: Limits.standard.maxElements) }
        guard parsed else { throw PartFailure(format: ".xlsx", why: "\(path) is not well-formed XML (\(XMLProblem.describe(parser)))") }
        guard reader.closedRoot else { throw PartFailure(format: ".xlsx", why: "\(path) ends before the worksheet does (truncated)") }
        guard let rows = reader.rows() else { throw LimitExceeded.elements("table cells (empty cells included)", limit: Limits.standard.maxElements) }
        return rows
    }

    /// Excel's largest sheet: columns A…XFD (16,384), rows 1…1,048,576.
    static let maxColumn = 16_384, maxRow = 1_048_576

    /// `B12` → (row 12, column 1); nil for a reference outside Excel's grid.
    static func position(_ reference: String) -> (row: Int, column: Int)? {
        var column = 0, row = 0, seenDigit = false
        for scalar in reference.unicodeScalars {
            switch scalar.value {
            case 65...90 where !seenDigit:
                column = column * 26 + Int(scalar.value - 64)
                guard column <= maxColumn else { return nil }
            case 48...57:
                seenDigit = true
                row = row * 10 + Int(scalar.value - 48)
                guard row <= maxRow else { return nil }
            default: return nil
            }
        }
        guard column > 0, row > 0 else { return nil }
        return (row, column - 1)
    }
}

/// Collects the joined text of every `item` element from its `text` children.
final class TextCollector: NSObject, XMLParserDelegate {
    let item: String, text: String
    let maxItems: Int
    var items: [String] = []
    private var current = "", inItem = false, inText = false, inPhonetic = false
    init(item: String, text: String, maxItems: Int = Limits.standard.maxElements) { self.item = item; self.text = text; self.maxItems = maxItems }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if items.count > maxItems { parser.abortParsing(); return }
        if name == item { inItem = true; current = "" }
        if name == "rPh" { inPhonetic = true }   // phonetic guides are not the text
        if name == text && inItem && !inPhonetic { inText = true }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == text { inText = false }
        if name == "rPh" { inPhonetic = false }
        if name == item { items.append(current); inItem = false }
    }
}

/// One worksheet: cell values by position, and the merged ranges.
final class SheetReader: NSObject, XMLParserDelegate {
    let strings: [String]
    let maxCells: Int
    private(set) var cellCount = 0
    /// Cells whose reference lies outside Excel's grid (damage or attack): not placed.
    private(set) var outsideGrid = 0
    private(set) var closedRoot = false
    private var depth = 0
    private var cells: [Int: [Int: String]] = [:]
    private var reference = "", type = "", value = "", inValue = false, inInline = false

    init(strings: [String], maxCells: Int = Limits.standard.maxElements) { self.strings = strings; self.maxCells = maxCells }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        switch name {
        case "c": reference = attributes["r"] ?? ""; type = attributes["t"] ?? ""; value = ""
        case "v": inValue = true
        case "is": inInline = true
        case "t": if inInline { inValue = true }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { value += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if depth == 0 { closedRoot = true }
        switch name {
        case "v", "t": inValue = false
        case "is": inInline = false
        case "c":
            guard let (row, column) = XlsxReader.position(reference) else { if !reference.isEmpty { outsideGrid += 1 }; return }
            cellCount += 1
            if cellCount > maxCells { parser.abortParsing(); return }
            let text = type == "s" ? (Int(value).flatMap { strings.indices.contains($0) ? strings[$0] : nil } ?? "") : value
            let cleaned = TikaLikeText.clean(text)
            if !cleaned.isEmpty { cells[row, default: [:]][column] = cleaned }
        default: break
        }
    }

    /// Rows in order, each as wide as its last filled cell; empty rows dropped.
    /// nil when padding the rows to their last cell would pass `maxCells` (a lone cell
    /// at XFD1 is one cell in the file but 16,384 in the table).
    func rows() -> [TableRow]? {
        let padded = cells.values.reduce(0) { $0 + $1.keys.max()! + 1 }
        guard padded <= maxCells else { return nil }
        return cells.keys.sorted().map { row in
            let values = cells[row]!
            let width = values.keys.max()! + 1
            return TableRow(cells: (0..<width).map { Cell(text: values[$0] ?? "", line: row) })
        }
    }
}
