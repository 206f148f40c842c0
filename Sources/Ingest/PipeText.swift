import Foundation
import PerfevalCore

/// Reads text copied from a government web page, where tables arrive flattened with `|`
/// between cells, one row per line (`产出指标 | 质量指标 | … | 90 | ||||`). Cells merged
/// over the left columns are simply missing, and trailing `|||` pads rows: rows keep
/// their cells up to the last non-empty one, and later stages align short rows with the
/// header from the right. Lines without `|` are paragraphs.
enum PipeText {
    /// Web text: no TAB-led line, and at least three lines with a `|` between cells.
    static func looksLikePipeText(_ utf8: [UInt8]) -> Bool {
        // Without any `|` there is no pipe line (a quick look with memchr).
        guard utf8.withUnsafeBytes({ bytes in bytes.baseAddress.map { memchr($0, Int32(UInt8(ascii: "|")), bytes.count) != nil } ?? false }) else { return false }
        return utf8.withUnsafeBufferPointer { utf8 in
            var pipeLines = 0, lineStart = true, sawPipe = false
            for byte in utf8 {
                if lineStart && byte == 9 { return false }
                lineStart = byte == 10
                if byte == UInt8(ascii: "|") { sawPipe = true }
                if byte == 10 { if sawPipe { pipeLines += 1 }; sawPipe = false }
            }
            return pipeLines >= 3
        }
    }

    /// Space-aligned text (a web page's table laid out with spaces, or text saved from a
    /// PDF): no TAB-led line, and at least three lines of three or more columns.
    static func looksLikeLayoutText(_ utf8: [UInt8]) -> Bool {
        !hasTabLedLine(utf8) && looksLikeLayoutText(lines: FoldedLines(utf8))
    }

    /// Tika text: TAB-led cells.
    static func hasTabLedLine(_ utf8: [UInt8]) -> Bool {
        guard utf8.first != 9 else { return true }
        var start = 0
        while true {
            let lineFeed = TikaText.nextLineFeed(in: utf8, from: start)
            guard lineFeed + 1 < utf8.count else { return false }
            if utf8[lineFeed + 1] == 9 { return true }
            start = lineFeed + 1
        }
    }

    /// `looksLikeLayoutText` of text without TAB-led lines, from its lines.
    static func looksLikeLayoutText(lines: FoldedLines) -> Bool {
        lines.bytes.withUnsafeBufferPointer { bytes in
            lines.ranges.lazy.filter { isLayoutRow(UnsafeBufferPointer(rebasing: bytes[$0])) }.prefix(3).count >= 3
        }
    }

    /// Three columns or more; a line without two spaces in a row has one at most (found
    /// with memchr: most lines of text are not rows).
    static func isLayoutRow(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return false }
        var start = 0
        while start + 1 < line.count, let found = memchr(base + start, Int32(UInt8(ascii: " ")), line.count - start - 1) {
            let space = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            if line[space + 1] == UInt8(ascii: " ") { return columnCount(line) >= 3 }
            start = space + 1
        }
        return false
    }

    /// `columns(_:).count` of a line's folded UTF-8: a space is one byte, and every byte of
    /// another scalar counts as that scalar.
    static func columnCount(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0, inCell = false, spaces = 0
        for byte in line {
            if byte == UInt8(ascii: " ") {
                spaces += 1
                if spaces == 2, inCell { count += 1; inCell = false }
            } else {
                inCell = true
                spaces = 0
            }
        }
        return inCell ? count + 1 : count
    }

    /// Rows are one per line, except on pages where rows start with `|`: there a row goes
    /// on over the following lines that do not (`| 项目名称 |` / `某某经费 |` / `||||`).
    static func parse(utf8: [UInt8]) -> Document { parse(lines: FoldedLines(utf8)) }

    static func parse(lines folded: FoldedLines) -> Document {
        let lines = folded.scalarLines
        let pipeLines = lines.filter { $0.scalars.contains("|") }
        if pipeLines.filter(isSingleCell).count * 5 >= pipeLines.count * 4 { return cellPerLine(lines) }
        let rowsStartWithPipe = pipeLines.filter { TextFolding.trimmed($0.scalars[...]).first == "|" }.count * 2 > pipeLines.count
        return rows(lines, rowsStartWithPipe: rowsStartWithPipe, isRow: { $0.contains("|") }) { line in
            var cells = line.split(separator: "|", omittingEmptySubsequences: false).map { TextFolding.trimmed($0) }
            if line.last == "|", cells.last?.isEmpty == true { cells.removeLast() }   // the pipe that closes the last cell
            return cells
        }
    }

    /// A line holding one cell closed by its pipe (`238.93 |`), or only the pipe of an
    /// empty cell.
    static func isSingleCell(_ line: TikaText.Line) -> Bool {
        let trimmed = TextFolding.trimmed(line.scalars[...])
        return trimmed.last == "|" && trimmed.firstIndex(of: "|") == trimmed.index(before: trimmed.endIndex)
    }

    /// Pages that copy every table cell to its own line (`项目名称 |` / `某某经费 |` / `|`):
    /// the row breaks are lost, so each cell, empty ones included, is kept as a one-cell
    /// row in reading order; Extract regroups them into rows from the header labels.
    static func cellPerLine(_ lines: [TikaText.Line]) -> Document {
        var blocks: [Block] = []
        var rows: [TableRow] = []
        func endTable() { if !rows.isEmpty { blocks.append(.table(Table(rows: rows))); rows = [] } }
        for (index, line) in lines.enumerated() {
            let trimmed = TextFolding.trimmed(line.scalars[...])
            if trimmed.contains("|") {
                let parts = trimmed.split(separator: "|", omittingEmptySubsequences: false)
                for cell in trimmed.last == "|" ? parts.dropLast() : parts[...] {
                    rows.append(TableRow(cells: [Cell(text: TextFolding.trimmed(cell).string, line: index + 1)]))
                }
            } else if !line.isBlank {
                endTable()
                blocks.append(.paragraph(Paragraph(text: line.trimmedText, line: index + 1)))
            }
        }
        endTable()
        return Document(blocks: blocks)
    }

    /// Text laid out by `pdftotext -layout`: a line whose text falls in columns (runs of two
    /// or more spaces between them) is a table row. The character column where a cell
    /// starts tells its column, so the empty cells that leave only a gap keep their place:
    /// the start columns of a table's rows are clustered into one grid.
    static func parseLayout(utf8: [UInt8]) -> Document { parseLayout(lines: FoldedLines(utf8)) }

    static func parseLayout(lines folded: FoldedLines) -> Document {
        var blocks: [Block] = []
        var table: [(line: Int, cells: [(start: Int, text: String)])] = []
        func endTable() {
            guard !table.isEmpty else { return }
            let grid = clusters(table.flatMap { $0.cells.map(\.start) })
            let rows = table.map { row -> TableRow in
                var cells = [Cell](repeating: Cell(text: "", line: row.line), count: grid.count)
                for cell in row.cells {
                    let column = grid.lastIndex { $0 <= cell.start + 2 } ?? 0
                    cells[column].text += cells[column].text.isEmpty ? cell.text : " " + cell.text
                }
                while cells.last?.text.isEmpty == true { cells.removeLast() }
                return TableRow(cells: cells)
            }
            blocks.append(.table(Table(rows: rows)))
            table = []
        }
        for (index, line) in folded.scalarLines.enumerated() {
            let cells = columns(line.scalars)
            if cells.count >= 2 {
                table.append((index + 1, cells.map { ($0.start, $0.text.string) }))
            } else if !line.isBlank {
                endTable()
                blocks.append(.paragraph(Paragraph(text: line.trimmedText, line: index + 1)))
            }
        }
        endTable()
        return Document(blocks: blocks)
    }

    /// Start columns within two characters of each other are one column.
    static func clusters(_ starts: [Int]) -> [Int] {
        var grid: [Int] = []
        for start in Set(starts).sorted() where grid.last.map({ start - $0 > 2 }) ?? true { grid.append(start) }
        return grid
    }

    /// The cells of a layout line with the character column each starts at.
    static func columns(_ line: [Unicode.Scalar]) -> [(start: Int, text: ArraySlice<Unicode.Scalar>)] {
        var cells: [(start: Int, text: ArraySlice<Unicode.Scalar>)] = []
        var start: Int?, spaces = 0
        for (index, scalar) in line.enumerated() {
            if scalar == " " {
                spaces += 1
                if spaces == 2, let begin = start { cells.append((begin, line[begin..<(index - 1)])); start = nil }
            } else {
                if start == nil { start = index }
                spaces = 0
            }
        }
        if let begin = start { cells.append((begin, TextFolding.trimmed(line[begin...]))) }
        return cells
    }

    /// Groups lines into tables and paragraphs; `cells` splits a row line.
    static func rows(_ lines: [TikaText.Line], rowsStartWithPipe: Bool, isRow: ([Unicode.Scalar]) -> Bool,
                     cells split: ([Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>]) -> Document {
        var blocks: [Block] = []
        var rows: [TableRow] = []
        var current: [Cell] = []
        func endRow() {
            while current.last?.text.isEmpty == true { current.removeLast() }
            while current.first?.text.isEmpty == true { current.removeFirst() }
            if !current.isEmpty { rows.append(TableRow(cells: current)) }
            current = []
        }
        func endTable() { endRow(); if !rows.isEmpty { blocks.append(.table(Table(rows: rows))); rows = [] } }
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if isRow(line.scalars) {
                let trimmed = TextFolding.trimmed(line.scalars[...])
                if !rowsStartWithPipe || trimmed.first == "|" { endRow() }
                current += split(Array(trimmed)).map { Cell(text: $0.string, line: number) }
            } else if !line.isBlank {
                endTable()
                blocks.append(.paragraph(Paragraph(text: line.trimmedText, line: number)))
            }
        }
        endTable()
        return Document(blocks: blocks)
    }
}
