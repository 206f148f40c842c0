import Foundation
import PerfevalCore
import CSVKit

/// Old binary Office files (OLE2 compound documents): Word .doc through `antiword` (its
/// tables come out with `|` between cells) or, failing that, `catdoc`; Excel .xls through
/// `xls2csv` (catdoc's companion), whose CSV becomes one table per sheet.
enum OleReader {
    static func read(_ bytes: [UInt8]) throws -> (document: Document, format: String) {
        if contains(bytes, utf16: "Workbook") || contains(bytes, utf16: "Book") {
            let csv = try ExternalTool.run("xls2csv", package: "catdoc", arguments: ["-d", "utf-8", "-q", "0"], input: bytes, outputToStdout: nil)
            return (workbook(csv), "xls")
        }
        let text: [UInt8]
        if ExternalTool.locate("antiword") != nil {
            text = try ExternalTool.run("antiword", package: "antiword", arguments: ["-m", "UTF-8.txt", "-w", "0"], input: bytes, outputToStdout: nil)
        } else {
            text = try ExternalTool.run("catdoc", package: "antiword (or catdoc)", arguments: ["-d", "utf-8", "-w"], input: bytes, outputToStdout: nil)
        }
        let folded = Simplified.fold(text).utf8
        return (PipeText.looksLikePipeText(folded) ? PipeText.parse(utf8: folded) : TikaText.parse(utf8: folded), "doc")
    }

    /// xls2csv separates sheets with a form feed; each sheet is one table.
    static func workbook(_ csv: [UInt8]) -> Document {
        let sheets = csv.split(separator: 0x0C, omittingEmptySubsequences: true)
        var blocks: [Block] = []
        for sheet in sheets {
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

    /// Whether a stream name (`Workbook`, `WordDocument`) appears in the compound file's
    /// directory, where names are UTF-16LE.
    static func contains(_ bytes: [UInt8], utf16 name: String) -> Bool {
        let needle: [UInt8] = name.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] } + [0, 0]
        return bytes.containsBytes(needle)
    }
}
