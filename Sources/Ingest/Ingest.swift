import Foundation
import PerfevalCore
import ZIPFoundation

/// Stage 1: bytes of one input file → a document of blocks. The format is told by the
/// bytes, never by the file name: a ZIP holding word/document.xml is a .docx, an OLE2
/// compound file an old .doc/.xls, `%PDF` a PDF, anything else text: Tika text, web-page
/// text with `|` between table cells, or space-aligned text.
public enum Ingest {
    public struct Result: Sendable {
        public var document: Document
        public var encoding: String
        public var truncated: Bool
        /// What was read but not used, for warnings.csv (cells outside Excel's grid…).
        public var warnings: [String] = []
    }

    public enum Failure: Error, CustomStringConvertible {
        case unsupported(String)
        public var description: String {
            switch self { case .unsupported(let why): return why }
        }
    }

    /// Reads the file and removes the page furniture and spam that `noise` lists.
    public static func read(bytes: [UInt8], noise: NoiseFilter = .none, limits: Limits = .standard) throws -> Result {
        guard bytes.count <= limits.maxInputBytes else { throw LimitExceeded.inputSize(bytes.count, limit: limits.maxInputBytes) }
        var result = try readFormat(bytes, limits: limits)
        result.document = noise.clean(result.document)
        return result
    }

    static func readFormat(_ bytes: [UInt8], limits: Limits) throws -> Result {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return try readZip(bytes, limits: limits) }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            let (document, format) = try OleReader.read(bytes, limits: limits)
            return try structured(document, format: format, limits: limits)
        }
        if bytes.starts(with: Array("%PDF".utf8)) {
            return try structured(try PdfReader.read(bytes, limits: limits), format: "pdf", limits: limits)
        }
        guard bytes.count <= limits.maxTextBytes else { throw LimitExceeded.text(limit: limits.maxTextBytes) }
        var decoded = try TextDecoder.decode(bytes)
        let lineFeeds = try checkLines(decoded.utf8, limits: limits)
        if decoded.utf8.withUnsafeBytes({ bytes in bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }) {
            decoded.utf8.removeAll { $0 == 0 }   // NUL bytes past the sampled start: never into the output
        }
        let text = Simplified.fold(decoded.utf8)
        let lines = FoldedLines(text.utf8, expectedLines: lineFeeds + 1)
        var document = PipeText.looksLikePipeText(text.utf8) ? PipeText.parse(lines: lines) : layoutOrTika(text.utf8, lines: lines)
        // Unconverted, the text is the written one: its lines are where the folded lines came from.
        document.source = text.converted ? SourceText(written: decoded.utf8, simplified: text.utf8)
                                         : SourceText(written: decoded.utf8, lineRanges: lines.sourceRanges(of: decoded.utf8))
        return Result(document: document, encoding: decoded.encoding + (text.converted ? ", traditional → simplified" : ""), truncated: decoded.truncated)
    }

    /// Space-aligned text or Tika text, from the text's folded lines.
    static func layoutOrTika(_ utf8: [UInt8], lines: FoldedLines) -> Document {
        if PipeText.hasTabLedLine(utf8) { return TikaText.parse(lines: lines) }
        return PipeText.looksLikeLayoutText(lines: lines) ? PipeText.parseLayout(lines: lines) : TikaText.parse(lines: lines)
    }

    static func readZip(_ bytes: [UInt8], limits: Limits) throws -> Result {
        let parts = try ZipParts(bytes: bytes, limits: limits)
        if parts.contains("word/document.xml") {
            return try structured(try DocxReader.read(parts), format: "docx", limits: limits)
        }
        if parts.contains("xl/workbook.xml") {
            var skipped = 0
            var result = try structured(try XlsxReader.read(parts, skippedCells: &skipped), format: "xlsx", limits: limits)
            if skipped > 0 { result.warnings.append("\(skipped) cells with a reference outside Excel's grid (A1…XFD1048576) skipped") }
            return result
        }
        throw Failure.unsupported("ZIP archive holding no Word document (word/document.xml) nor Excel workbook (xl/workbook.xml)")
    }

    /// Text of too many lines costs memory far beyond its size once split into cells.
    /// Returns the number of line feeds.
    @discardableResult
    static func checkLines(_ utf8: [UInt8], limits: Limits) throws -> Int {
        var lines = 0, start = 0
        while start < utf8.count {
            start = TikaText.nextLineFeed(in: utf8, from: start) + 1
            if start <= utf8.count { lines += 1 }
        }
        if lines > limits.maxElements { throw LimitExceeded.elements("lines", limit: limits.maxElements) }
        return lines
    }

    /// A document read from a structured format, its traditional characters folded after
    /// reading (text files are folded before parsing).
    static func structured(_ document: Document, format: String, limits: Limits) throws -> Result {
        let elements = document.blocks.reduce(0) { count, block in
            switch block {
            case .paragraph: return count + 1
            case .table(let table): return table.rows.reduce(count) { $0 + $1.cells.count }
            }
        }
        guard elements <= limits.maxElements else { throw LimitExceeded.elements("paragraphs and table cells", limit: limits.maxElements) }
        let simplified = Simplified.fold(document)
        return Result(document: simplified.document, encoding: format + (simplified.converted ? ", traditional → simplified" : ""), truncated: false)
    }
}
