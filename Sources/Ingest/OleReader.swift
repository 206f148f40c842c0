import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PerfevalCore
import CSVKit

/// Old binary Office files (OLE2 compound documents): Word .doc through `antiword -x db`
/// (DocBook XML, whose `<row>`/`<entry>` keep the table rows that its plain-text mode wraps
/// over several lines) or, when antiword is missing, `catdoc` (cells separated by TABs);
/// Excel .xls through `xls2csv` (catdoc's companion), whose CSV becomes one table per sheet.
enum OleReader {
    static func read(_ bytes: [UInt8], limits: Limits = .standard) throws -> (document: Document, format: String) {
        if containsStreamName(bytes, "Workbook") || containsStreamName(bytes, "Book") {
            let csv = try ExternalTool.run("xls2csv", package: "catdoc", arguments: ["-d", "utf-8", "-q", "0"], input: bytes, outputToStdout: nil, limits: limits)
            try Ingest.checkLines(csv, limits: limits)
            return (workbook(csv), "xls")
        }
        if ExternalTool.locate("antiword") != nil {
            let xml = try ExternalTool.run("antiword", package: "antiword", arguments: ["-x", "db", "-m", "UTF-8.txt"], input: bytes, outputToStdout: nil, limits: limits)
            try Ingest.checkLines(xml, limits: limits)
            return (try docBook(xml), "doc")
        }
        let text = try ExternalTool.run("catdoc", package: "antiword (or catdoc)", arguments: ["-d", "utf-8", "-w"], input: bytes, outputToStdout: nil, limits: limits)
        try Ingest.checkLines(text, limits: limits)
        return (TikaText.parse(utf8: text.filter { $0 != 0 }), "doc")
    }

    /// xls2csv separates sheets with a form feed; each sheet is one table.
    static func workbook(_ csv: [UInt8]) -> Document {
        var blocks: [Block] = []
        for sheet in csv.split(separator: 0x0C, omittingEmptySubsequences: true) {
            guard let rows = try? CSV.parse(Array(sheet)) else { continue }
            let tableRows = rows.enumerated().compactMap { index, cells -> TableRow? in
                var cells = cells.map { TikaLikeText.clean($0) }
                while cells.last?.isEmpty == true { cells.removeLast() }
                return cells.isEmpty ? nil : TableRow(cells: cells.map { Cell(text: $0, line: index + 1) })
            }
            if !tableRows.isEmpty { blocks.append(.table(Table(rows: tableRows))) }
        }
        return Document(blocks: blocks)
    }

    /// antiword's DocBook: `<para>` outside tables are paragraphs; the rows of every
    /// `<tgroup>` of one `<informaltable>` make one table. A block's line is its index.
    static func docBook(_ xml: [UInt8]) throws -> Document {
        let builder = DocBookParser()
        let parser = XMLReading.parser(Data(xml))
        parser.delegate = builder
        guard parser.parse() else {
            throw ExternalTool.Failure.failed(tool: "antiword", message: "its output is unreadable XML (\(XMLProblem.describe(parser)))")
        }
        return Document(blocks: builder.blocks)
    }

    /// Whether a stream name (`Workbook`, `WordDocument`) appears in the compound file's
    /// directory, where names are UTF-16LE.
    static func containsStreamName(_ bytes: [UInt8], _ name: String) -> Bool {
        let needle: [UInt8] = name.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] } + [0, 0]
        return bytes.containsBytes(needle)
    }
}

/// Collects paragraphs and table rows from antiword's DocBook output.
final class DocBookParser: NSObject, XMLParserDelegate {
    private(set) var blocks: [Block] = []
    private var rows: [TableRow] = []
    private var cells: [Cell] = []
    private var text = ""
    private var tableDepth = 0, line = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "informaltable", "table": tableDepth += 1
        case "row": cells = []; line += 1
        case "entry", "para", "title": if tableDepth == 0 || name == "entry" { text = "" }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "entry": cells.append(Cell(text: TikaLikeText.clean(text), line: line)); text = ""
        case "row":
            while cells.last?.text.isEmpty == true { cells.removeLast() }
            if !cells.isEmpty { rows.append(TableRow(cells: cells)) }
        case "informaltable", "table":
            tableDepth -= 1
            if tableDepth == 0, !rows.isEmpty { blocks.append(.table(Table(rows: rows))); rows = [] }
        case "para", "title" where tableDepth == 0:
            line += 1
            let cleaned = TikaLikeText.clean(text)
            if !cleaned.isEmpty { blocks.append(.paragraph(Paragraph(text: cleaned, line: line))) }
            text = ""
        default: break
        }
    }
}
