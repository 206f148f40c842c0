import Foundation
import PerfevalCore

/// Reads the plain text that Apache Tika extracts from Word files into document blocks.
///
/// Tika's conventions: every table cell starts with a TAB at the start of a line; a cell
/// continues over the following lines that have no TAB (`年度预\n算申请\n（万元）`); rows are
/// separated by blank lines; a merged cell is a lone TAB. A cell may also hold several
/// paragraphs separated by blank lines, so a blank line followed by plain text does not end
/// the table when the text is followed, with no double blank line in between, by another
/// TAB-led line.
public enum TikaText {
    public static func parse(utf8: [UInt8]) -> Document { parse(lines: splitLines(utf8)) }

    static func parse(lines: [Line]) -> Document {
        var builder = BlockBuilder()
        var index = 0
        var afterBlank = false
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            if line.isBlank {
                builder.endRow()
                afterBlank = true
            } else if line.isCellStart {
                builder.addCells(line.cells, line: number)
                afterBlank = false
            } else if builder.inTable && !afterBlank {
                builder.continueCell(line.trimmedText, separator: "\n")
            } else if builder.inTable && tableResumes(lines, after: index) {
                builder.continueLastCell(line.trimmedText)
                afterBlank = false
            } else {
                builder.endTable()
                builder.addParagraph(line.trimmedText, line: number)
                afterBlank = false
            }
            index += 1
        }
        builder.endTable()
        return Document(blocks: builder.blocks)
    }

    /// True when, from `index` on, the plain lines lead back to a TAB-led line without a
    /// double blank line in between: they are more paragraphs of the last cell.
    static func tableResumes(_ lines: [Line], after index: Int) -> Bool {
        var blankRun = 0
        for next in lines[(index + 1)...].prefix(40) {
            if next.isBlank {
                blankRun += 1
                if blankRun >= 2 { return false }
            } else if next.isCellStart {
                return true
            } else {
                blankRun = 0
            }
        }
        return false
    }

    struct Line {
        var scalars: [Unicode.Scalar]
        var isBlank: Bool { !isCellStart && scalars.allSatisfy(TextFolding.isSpace) }
        var isCellStart: Bool { scalars.first == "\t" }
        var trimmedText: String { Line.trim(scalars[...]) }
        /// The cells of a TAB-led line (usually one; a line with inner TABs holds several).
        var cells: [String] {
            let afterTab = scalars.dropFirst()
            guard !afterTab.isEmpty else { return [""] }
            guard afterTab.contains("\t") else { return [Line.trim(afterTab)] }
            return afterTab.split(separator: "\t", omittingEmptySubsequences: false).map { Line.trim($0) }
        }

        static func trim(_ slice: ArraySlice<Unicode.Scalar>) -> String { TextFolding.trimmed(slice).string }
    }

    /// Splits UTF-8 bytes into lines of folded scalars with `[bookmark: …]` artifacts removed.
    static func splitLines(_ utf8: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        let count = utf8.count
        while start <= count {
            let end = nextLineFeed(in: utf8, from: start)
            var lineEnd = end
            if lineEnd > start && utf8[lineEnd - 1] == 13 { lineEnd -= 1 }
            if !(end == count && start == count) {
                lines.append(Line(scalars: foldLine(utf8[start..<lineEnd])))
            }
            start = end + 1
        }
        return lines
    }

    /// The index of the first LF at or after `start`, or the count when there is none.
    static func nextLineFeed(in utf8: [UInt8], from start: Int) -> Int {
        guard start < utf8.count else { return utf8.count }
        return utf8.withUnsafeBytes { bytes in
            guard let found = memchr(bytes.baseAddress! + start, 10, bytes.count - start) else { return bytes.count }
            return UnsafeRawPointer(found) - bytes.baseAddress!
        }
    }

    static let bookmarkOpen = Array("[bookmark:".unicodeScalars)

    static func foldLine(_ bytes: ArraySlice<UInt8>) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar]
        if let folded = TextFolding.foldedValidUTF8(bytes) {
            scalars = folded
        } else {
            scalars = []
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {   // invalid bytes → U+FFFD
                if let folded = TextFolding.fold(scalar) { scalars.append(folded) }
            }
        }
        return removePinyin(removeBookmarks(scalars))
    }

    static let pinyinLetters = ScalarSet("abcdefghijklmnopqrstuvwxyzüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ".unicodeScalars)

    /// Drops pinyin that mirror sites insert after characters: `项(xiàng)目` → `项目`.
    static func removePinyin(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard scalars.contains("(") else { return scalars }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "(", let last = out.last, TextFolding.isHan(last) {
                var end = index + 1
                while end < scalars.count, pinyinLetters.contains(scalars[end]) { end += 1 }
                if end < scalars.count, scalars[end] == ")", end > index + 1, end - index <= 8 { index = end + 1; continue }
            }
            out.append(scalars[index])
            index += 1
        }
        return out
    }

    /// Drops Word bookmark markers such as `[bookmark: _GoBack]` that Tika writes inline.
    static func removeBookmarks(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard var open = scalars.firstIndex(of: bookmarkOpen) else { return scalars }
        var out: [Unicode.Scalar] = []
        var cursor = 0
        while true {
            guard let close = scalars[open...].firstIndex(of: "]") else { break }
            out.append(contentsOf: scalars[cursor..<open])
            cursor = close + 1
            guard let nextOpen = scalars.firstIndex(of: bookmarkOpen, from: cursor) else { break }
            open = nextOpen
        }
        out.append(contentsOf: scalars[cursor...])
        return out
    }
}

/// Accumulates rows and paragraphs into blocks while the Tika lines are read.
struct BlockBuilder {
    var blocks: [Block] = []
    var rows: [TableRow] = []
    var cells: [Cell] = []
    var inTable: Bool { !rows.isEmpty || !cells.isEmpty }

    mutating func addCells(_ texts: [String], line: Int) {
        for text in texts { cells.append(Cell(text: text, line: line)) }
    }

    mutating func continueCell(_ text: String, separator: String) {
        guard !cells.isEmpty else { return }
        cells[cells.count - 1].text += cells[cells.count - 1].text.isEmpty ? text : separator + text
    }

    /// A paragraph after a blank line inside a cell: it belongs to the last cell of the last row.
    mutating func continueLastCell(_ text: String) {
        if !cells.isEmpty { continueCell(text, separator: "\n"); return }
        guard var row = rows.popLast(), !row.cells.isEmpty else { return }
        let last = row.cells.count - 1
        row.cells[last].text += row.cells[last].text.isEmpty ? text : "\n" + text
        rows.append(row)
    }

    mutating func endRow() {
        if !cells.isEmpty { rows.append(TableRow(cells: cells)); cells = [] }
    }

    mutating func endTable() {
        endRow()
        if !rows.isEmpty { blocks.append(.table(Table(rows: rows))); rows = [] }
    }

    mutating func addParagraph(_ text: String, line: Int) {
        blocks.append(.paragraph(Paragraph(text: text, line: line)))
    }
}
