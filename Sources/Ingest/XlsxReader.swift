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
    static func read(_ archive: Archive) throws -> Document {
        let strings = (try? DocxReader.entry(archive, "xl/sharedStrings.xml")).map(sharedStrings) ?? []
        let sheets = archive.filter { $0.path.hasPrefix("xl/worksheets/sheet") && $0.path.hasSuffix(".xml") }
            .map(\.path).sorted { sheetNumber($0) < sheetNumber($1) }
        guard !sheets.isEmpty else { throw DocxReader.Failure.corrupt("workbook without worksheets") }
        var blocks: [Block] = []
        for path in sheets {
            let rows = try worksheet(try DocxReader.entry(archive, path), strings: strings)
            if !rows.isEmpty { blocks.append(.table(Table(rows: rows))) }
        }
        return Document(blocks: blocks)
    }

    static func sheetNumber(_ path: String) -> Int {
        Int(path.dropFirst("xl/worksheets/sheet".count).dropLast(".xml".count)) ?? Int.max
    }

    /// `xl/sharedStrings.xml`: the text of each `si` (its runs joined).
    static func sharedStrings(_ xml: Data) -> [String] {
        let collector = TextCollector(item: "si", text: "t")
        let parser = XMLParser(data: xml)
        parser.delegate = collector
        _ = parser.parse()
        return collector.items
    }

    static func worksheet(_ xml: Data, strings: [String]) throws -> [TableRow] {
        let reader = SheetReader(strings: strings)
        let parser = XMLParser(data: xml)
        parser.delegate = reader
        guard parser.parse() else { throw DocxReader.Failure.corrupt("a worksheet is not well-formed XML") }
        return reader.rows()
    }

    /// `B12` → (row 12, column 1).
    static func position(_ reference: String) -> (row: Int, column: Int)? {
        var column = 0, digits = ""
        for scalar in reference.unicodeScalars {
            if scalar.value >= 65 && scalar.value <= 90 { column = column * 26 + Int(scalar.value - 64) } else { digits.unicodeScalars.append(scalar) }
        }
        guard column > 0, let row = Int(digits) else { return nil }
        return (row, column - 1)
    }
}

/// Collects the joined text of every `item` element from its `text` children.
final class TextCollector: NSObject, XMLParserDelegate {
    let item: String, text: String
    var items: [String] = []
    private var current = "", inItem = false, inText = false, inPhonetic = false
    init(item: String, text: String) { self.item = item; self.text = text }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
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
    private var cells: [Int: [Int: String]] = [:]
    private var reference = "", type = "", value = "", inValue = false, inInline = false

    init(strings: [String]) { self.strings = strings }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
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
        switch name {
        case "v", "t": inValue = false
        case "is": inInline = false
        case "c":
            guard let (row, column) = XlsxReader.position(reference) else { return }
            let text = type == "s" ? (Int(value).flatMap { strings.indices.contains($0) ? strings[$0] : nil } ?? "") : value
            let cleaned = TikaLikeText.clean(text)
            if !cleaned.isEmpty { cells[row, default: [:]][column] = cleaned }
        default: break
        }
    }

    /// Rows in order, each as wide as its last filled cell; empty rows dropped.
    func rows() -> [TableRow] {
        cells.keys.sorted().map { row in
            let values = cells[row]!
            let width = values.keys.max()! + 1
            return TableRow(cells: (0..<width).map { Cell(text: values[$0] ?? "", line: row) })
        }
    }
}
