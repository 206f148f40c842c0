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
    public static func parse(utf8: [UInt8]) -> Document { parse(lines: FoldedLines(utf8)) }

    static func parse(lines: FoldedLines) -> Document {
        lines.bytes.withUnsafeBufferPointer { bytes in
            var builder = BlockBuilder()
            builder.blocks.reserveCapacity(lines.count)   // at most a block per line
            var index = 0
            var afterBlank = false
            while index < lines.count {
                let line = FoldedLine(bytes: UnsafeBufferPointer(rebasing: bytes[lines.ranges[index]]))
                let number = index + 1
                if line.isBlank {
                    builder.endRow()
                    afterBlank = true
                } else if line.isCellStart {
                    line.forEachCell { builder.addCell($0, line: number) }
                    afterBlank = false
                } else if builder.inTable && !afterBlank {
                    builder.continueCell(line.trimmedText, separator: "\n")
                } else if builder.inTable && tableResumes(lines, bytes, after: index) {
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
    }

    /// True when, from `index` on, the plain lines lead back to a TAB-led line without a
    /// double blank line in between: they are more paragraphs of the last cell.
    static func tableResumes(_ lines: FoldedLines, _ bytes: UnsafeBufferPointer<UInt8>, after index: Int) -> Bool {
        var blankRun = 0
        for range in lines.ranges[(index + 1)...].prefix(40) {
            let next = FoldedLine(bytes: UnsafeBufferPointer(rebasing: bytes[range]))
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

    /// A line as scalars, for the web-text and layout readers.
    struct Line {
        var scalars: [Unicode.Scalar]
        var isBlank: Bool { !isCellStart && scalars.allSatisfy(TextFolding.isSpace) }
        var isCellStart: Bool { scalars.first == "\t" }
        var trimmedText: String { Line.trim(scalars[...]) }

        static func trim(_ slice: ArraySlice<Unicode.Scalar>) -> String { TextFolding.trimmed(slice).string }
    }

    /// Splits UTF-8 bytes into lines of folded scalars with `[bookmark: …]` artifacts removed.
    static func splitLines(_ utf8: [UInt8]) -> [Line] { FoldedLines(utf8).scalarLines }

    /// The index of the first LF at or after `start`, or the count when there is none.
    static func nextLineFeed(in utf8: [UInt8], from start: Int) -> Int {
        guard start < utf8.count else { return utf8.count }
        return utf8.withUnsafeBytes { bytes in
            guard let found = memchr(bytes.baseAddress! + start, 10, bytes.count - start) else { return bytes.count }
            return UnsafeRawPointer(found) - bytes.baseAddress!
        }
    }
}

/// One line of `FoldedLines`, read in place (valid while the buffer it points into is).
struct FoldedLine {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Folded text holds only ASCII whitespace.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }

    var isCellStart: Bool { bytes.first == 9 }
    var isBlank: Bool { !isCellStart && bytes.allSatisfy(Self.isSpace) }
    var trimmedText: String { Self.trimmedText(bytes) }

    /// The cells of a TAB-led line (usually one; a line with inner TABs holds several).
    func forEachCell(_ body: (String) -> Void) {
        let afterTab = UnsafeBufferPointer(rebasing: bytes.dropFirst())
        var start = 0
        while let tab = FoldedLines.firstIndex(of: 9, in: afterTab, from: start) {
            body(Self.trimmedText(UnsafeBufferPointer(rebasing: afterTab[start..<tab])))
            start = tab + 1
        }
        body(Self.trimmedText(UnsafeBufferPointer(rebasing: afterTab[start...])))
    }

    /// The text without leading and trailing whitespace.
    static func trimmedText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var start = 0, end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        // Folded lines are well-formed: validated or encoded by `FoldedLines.foldLine`.
        return start == end ? "" : String(wellFormedUTF8: UnsafeBufferPointer(rebasing: bytes[start..<end]))
    }
}

/// The lines of a text (split at LF, a CR before it dropped), each folded
/// (`TextFolding.fold`) and without the `[bookmark: …]` and pinyin artifacts: one UTF-8
/// buffer and the byte range of each line in it, rather than an array of scalars per line.
struct FoldedLines {
    let bytes: [UInt8]
    let ranges: [Range<Int>]
    /// Where each line is in the text it was folded from.
    let textRanges: [Range<Int>]
    var count: Int { ranges.count }

    /// `expectedLines`: how many lines the text has, if known (room made for their ranges).
    init(_ utf8: [UInt8], expectedLines: Int = 0) {
        // Folding never lengthens well-formed UTF-8; only U+FFFD replacing invalid bytes can
        // (three bytes for one), so such text is folded again with room for that.
        (bytes, ranges, textRanges) = Self.fold(utf8, capacity: utf8.count, expectedLines: expectedLines)
            ?? Self.fold(utf8, capacity: utf8.count * 3, expectedLines: expectedLines)!
    }

    /// The lines of `text` (the text folded) as `SourceText` takes them: these lines, and
    /// the empty one after a final line feed (or of an empty text).
    func sourceRanges(of text: [UInt8]) -> [Range<Int>] {
        text.isEmpty || text.last == 10 ? textRanges + [text.count..<text.count] : textRanges
    }

    /// Each line as scalars.
    var scalarLines: [TikaText.Line] {
        ranges.map { range in
            TikaText.Line(scalars: TextFolding.scalarsOfValidUTF8(bytes[range]) ?? Array(String(decoding: bytes[range], as: UTF8.self).unicodeScalars))
        }
    }

    /// The folded lines written into a buffer of `capacity` bytes; nil when they do not fit.
    static func fold(_ utf8: [UInt8], capacity: Int, expectedLines: Int = 0) -> ([UInt8], [Range<Int>], [Range<Int>])? {
        var ranges: [Range<Int>] = [], textRanges: [Range<Int>] = []
        ranges.reserveCapacity(expectedLines)
        textRanges.reserveCapacity(expectedLines)
        var fits = true
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
            utf8.withUnsafeBufferPointer { text in
                var start = 0
                while start < text.count {
                    let lineFeed = firstIndex(of: 10, in: text, from: start) ?? text.count
                    let end = lineFeed > start && text[lineFeed - 1] == 13 ? lineFeed - 1 : lineFeed
                    let line = UnsafeBufferPointer(rebasing: text[start..<end])
                    guard let length = foldLine(line, into: UnsafeMutableBufferPointer(rebasing: out[written...])) else { fits = false; return }
                    ranges.append(written..<(written + length))
                    textRanges.append(start..<end)
                    written += length
                    start = lineFeed + 1
                }
            }
        }
        return fits ? (bytes, ranges, textRanges) : nil
    }

    /// Writes one line folded and without artifacts to `out`; returns its length, or nil
    /// when `out` is too short.
    static func foldLine(_ line: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        // Room for the line as it is (an earlier line with U+FFFD replacements may have taken it).
        guard line.count <= out.count else { return nil }
        var length: Int
        if let folded = foldWellFormed(line, into: out) {
            // Bookmarks and pinyin start with `[` and `(`: a line without them keeps its text.
            guard folded.brackets else { return folded.length }
            length = folded.length
        } else {
            var encoded: [UInt8] = []
            for scalar in String(decoding: line, as: UTF8.self).unicodeScalars {   // invalid bytes → U+FFFD
                if let folded = TextFolding.fold(scalar) { encoded += UTF8.encode(folded)! }
            }
            guard encoded.count <= out.count else { return nil }
            _ = out.initialize(from: encoded)
            length = encoded.count
        }
        length = removeBookmarks(UnsafeMutableBufferPointer(rebasing: out[..<length]))
        return removePinyin(UnsafeMutableBufferPointer(rebasing: out[..<length]))
    }

    /// Folds well-formed UTF-8 into `out` (never longer than the input; folded scalars are
    /// ASCII); nil at the first byte that is not well-formed (Unicode table 3-7). Also tells
    /// whether the folded text holds a `(` or a `[`.
    static func foldWellFormed(_ line: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> (length: Int, brackets: Bool)? {
        var read = 0, written = 0, brackets = false
        let count = line.count
        while read < count {
            // A run that folding keeps as it is (ASCII; U+3001…U+CFFF: CJK punctuation, the
            // ideographs), copied at once.
            let run = read
            while read < count {
                // Two ideographs at once (leads E4…EC: U+4000…U+CFFF, kept as they are).
                if read + 8 <= count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(line.baseAddress! + read).loadUnaligned(as: UInt64.self))
                    if word & 0x0000_C0C0_F0C0_C0F0 == 0x0000_8080_E080_80E0,
                       UInt8(truncatingIfNeeded: word) &- 0xE4 <= 8, UInt8(truncatingIfNeeded: word >> 24) &- 0xE4 <= 8 {
                        read += 6
                        continue
                    }
                }
                let lead = line[read]
                if lead < 0x80 {
                    if lead == UInt8(ascii: "(") || lead == UInt8(ascii: "[") { brackets = true }
                    read += 1
                } else if lead >= 0xE3 && lead <= 0xEC, read + 3 <= count, line[read + 1] & 0xC0 == 0x80, line[read + 2] & 0xC0 == 0x80,
                          lead != 0xE3 || line[read + 1] != 0x80 || line[read + 2] != 0x80 {   // U+3000 folds to a space
                    read += 3
                } else {
                    break
                }
            }
            if read > run {
                UnsafeMutableRawPointer(out.baseAddress! + written).copyMemory(from: line.baseAddress! + run, byteCount: read - run)
                written += read - run
                if read == count { break }
            }
            let lead = line[read]
            // Full-width forms U+FF01…U+FF5E (EF BC 81 … EF BD 9E) fold to ASCII.
            if lead == 0xEF, read + 3 <= count, line[read + 2] & 0xC0 == 0x80,
               (line[read + 1] == 0xBC && line[read + 2] != 0x80) || (line[read + 1] == 0xBD && line[read + 2] <= 0x9E) {
                let ascii = (line[read + 1] == 0xBC ? 0x20 : 0x60) + (line[read + 2] - 0x80)
                out[written] = ascii
                if ascii == UInt8(ascii: "(") || ascii == UInt8(ascii: "[") { brackets = true }
                read += 3; written += 1
                continue
            }
            guard let (scalar, length) = WellFormedUTF8.multiByteScalar(in: line, at: read) else { return nil }
            if let folded = TextFolding.fold(scalar) {
                if folded == scalar {
                    for offset in 0..<length { out[written + offset] = line[read + offset] }
                    written += length
                } else {
                    out[written] = UInt8(folded.value)
                    if folded == "(" || folded == "[" { brackets = true }
                    written += 1
                }
            }
            read += length
        }
        return (written, brackets)
    }

    static let bookmarkOpen = Array("[bookmark:".utf8)

    /// Drops Word bookmark markers such as `[bookmark: _GoBack]` that Tika writes inline,
    /// in place; returns the new length.
    static func removeBookmarks(_ line: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard var open = firstIndex(of: bookmarkOpen, in: line, from: 0) else { return line.count }
        var written = 0, cursor = 0
        while true {
            guard let close = firstIndex(of: UInt8(ascii: "]"), in: UnsafeBufferPointer(line), from: open) else { break }
            written = move(line, cursor..<open, to: written)
            cursor = close + 1
            guard let nextOpen = firstIndex(of: bookmarkOpen, in: line, from: cursor) else { break }
            open = nextOpen
        }
        return move(line, cursor..<line.count, to: written)
    }

    static func firstIndex(of needle: [UInt8], in line: UnsafeMutableBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + needle.count <= line.count {
            guard let open = firstIndex(of: needle[0], in: UnsafeBufferPointer(line), from: index) else { return nil }
            if open + needle.count <= line.count, needle.indices.allSatisfy({ line[open + $0] == needle[$0] }) { return open }
            index = open + 1
        }
        return nil
    }

    /// The first `byte` at or after `start` (memchr).
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress, let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// Moves `range` of `line` down to `to`; returns the end of the moved bytes.
    static func move(_ line: UnsafeMutableBufferPointer<UInt8>, _ range: Range<Int>, to: Int) -> Int {
        if to != range.lowerBound {
            for offset in 0..<range.count { line[to + offset] = line[range.lowerBound + offset] }
        }
        return to + range.count
    }

    static let pinyinLetters = ScalarSet("abcdefghijklmnopqrstuvwxyzüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ".unicodeScalars)

    /// Drops pinyin that mirror sites insert after characters (`项(xiàng)目` → `项目`): a `(`
    /// after a Han character, one to seven pinyin letters and `)`. In place; returns the new length.
    static func removePinyin(_ line: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard var read = firstIndex(of: UInt8(ascii: "("), in: UnsafeBufferPointer(line), from: 0) else { return line.count }
        var written = read
        // At each `(` (found by memchr), the bytes up to it moved down as a block.
        while read < line.count {
            if endsWithHan(UnsafeMutableBufferPointer(rebasing: line[..<written])), let close = pinyinClose(line, after: read) {
                read = close + 1
            } else {
                line[written] = line[read]
                read += 1; written += 1
            }
            let next = firstIndex(of: UInt8(ascii: "("), in: UnsafeBufferPointer(line), from: read) ?? line.count
            written = move(line, read..<next, to: written)
            read = next
        }
        return written
    }

    /// Whether the last scalar of `text` is a CJK unified ideograph (all three bytes long).
    static func endsWithHan(_ text: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let count = text.count
        guard count >= 3, text[count - 3] & 0xF0 == 0xE0 else { return false }
        let value = UInt32(text[count - 3] & 0x0F) << 12 | UInt32(text[count - 2] & 0x3F) << 6 | UInt32(text[count - 1] & 0x3F)
        return Unicode.Scalar(value).map(TextFolding.isHan) ?? false
    }

    /// The index of the `)` that closes one to seven pinyin letters after the `(` at `open`.
    static func pinyinClose(_ line: UnsafeMutableBufferPointer<UInt8>, after open: Int) -> Int? {
        var index = open + 1, letters = 0
        while index < line.count {
            let lead = line[index]
            let scalar: UInt32, length: Int
            if lead < 0x80 {
                (scalar, length) = (UInt32(lead), 1)
            } else if lead & 0xE0 == 0xC0, index + 1 < line.count {
                (scalar, length) = (UInt32(lead & 0x1F) << 6 | UInt32(line[index + 1] & 0x3F), 2)
            } else {
                break
            }
            guard pinyinLetters.contains(Unicode.Scalar(scalar)!) else { break }
            letters += 1
            index += length
        }
        guard index < line.count, line[index] == UInt8(ascii: ")"), letters >= 1, letters <= 7 else { return nil }
        return index
    }
}

/// Accumulates rows and paragraphs into blocks while the Tika lines are read.
struct BlockBuilder {
    var blocks: [Block] = []
    var rows: [TableRow] = []
    var cells: [Cell] = []
    var inTable: Bool { !rows.isEmpty || !cells.isEmpty }

    mutating func addCell(_ text: String, line: Int) {
        cells.append(Cell(text: text, line: line))
    }

    mutating func continueCell(_ text: String, separator: String) {
        guard !cells.isEmpty else { return }
        if !cells[cells.count - 1].text.isEmpty { cells[cells.count - 1].text += separator }
        cells[cells.count - 1].text += text
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
        guard !cells.isEmpty else { return }
        let width = cells.count
        // Compact forms made while the row is held here alone (see `NoiseFilter.clean`).
        for index in cells.indices { cells[index].keepCompact() }
        rows.append(TableRow(cells: cells))
        cells = []
        cells.reserveCapacity(width)   // the next row is most often as wide: one allocation, not several
    }

    mutating func endTable() {
        endRow()
        if !rows.isEmpty { blocks.append(.table(Table(rows: rows))); rows = [] }
    }

    mutating func addParagraph(_ text: String, line: Int) {
        blocks.append(.paragraph(Paragraph(text: text, line: line)))
    }
}
