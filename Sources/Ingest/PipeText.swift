import PerfevalCore

/// Reads text copied from a government web page, where tables arrive flattened with `|`
/// between cells, one row per line (`产出指标 | 质量指标 | … | 90 | ||||`). Cells merged
/// over the left columns are simply missing, and trailing `|||` pads rows: rows keep
/// their cells up to the last non-empty one, and later stages align short rows with the
/// header from the right. Lines without `|` are paragraphs.
enum PipeText {
    /// Web text: no TAB-led line, and at least three lines with a `|` between cells.
    static func looksLikePipeText(_ utf8: [UInt8]) -> Bool {
        var pipeLines = 0, lineStart = true, sawPipe = false
        for byte in utf8 {
            if lineStart && byte == 9 { return false }
            lineStart = byte == 10
            if byte == UInt8(ascii: "|") { sawPipe = true }
            if byte == 10 { if sawPipe { pipeLines += 1 }; sawPipe = false }
        }
        return pipeLines >= 3
    }

    /// Rows are one per line, except on pages where rows start with `|`: there a row goes
    /// on over the following lines that do not (`| 项目名称 |` / `某某经费 |` / `||||`).
    static func parse(utf8: [UInt8]) -> Document {
        let lines = TikaText.splitLines(utf8)
        let pipeLines = lines.filter { $0.scalars.contains("|") }
        let rowsStartWithPipe = pipeLines.filter { TextFolding.trimmed($0.scalars[...]).first == "|" }.count * 2 > pipeLines.count
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
            if line.scalars.contains("|") {
                let trimmed = TextFolding.trimmed(line.scalars[...])
                if !rowsStartWithPipe || trimmed.first == "|" { endRow() }
                var cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).map { Cell(text: TextFolding.trimmed($0).string, line: number) }
                if trimmed.last == "|", cells.last?.text.isEmpty == true { cells.removeLast() }   // the pipe that closes the last cell
                current += cells
            } else if !line.isBlank {
                endTable()
                blocks.append(.paragraph(Paragraph(text: line.trimmedText, line: number)))
            }
        }
        endTable()
        return Document(blocks: blocks)
    }
}
