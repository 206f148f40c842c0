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

    static func parse(utf8: [UInt8]) -> Document {
        var blocks: [Block] = []
        var rows: [TableRow] = []
        func endTable() { if !rows.isEmpty { blocks.append(.table(Table(rows: rows))); rows = [] } }
        for (index, line) in TikaText.splitLines(utf8).enumerated() {
            let number = index + 1
            if line.scalars.contains("|") {
                var cells = line.scalars.split(separator: "|", omittingEmptySubsequences: false).map { TextFolding.trimmed($0).string }
                while cells.last?.isEmpty == true { cells.removeLast() }
                while cells.first?.isEmpty == true { cells.removeFirst() }
                if !cells.isEmpty { rows.append(TableRow(cells: cells.map { Cell(text: $0, line: number) })) }
            } else if !line.isBlank {
                endTable()
                blocks.append(.paragraph(Paragraph(text: line.trimmedText, line: number)))
            }
        }
        endTable()
        return Document(blocks: blocks)
    }
}
