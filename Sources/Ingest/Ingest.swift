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
    }

    public enum Failure: Error, CustomStringConvertible {
        case unsupported(String)
        public var description: String {
            switch self { case .unsupported(let why): return why }
        }
    }

    /// Reads the file and removes the page furniture and spam that `noise` lists.
    public static func read(bytes: [UInt8], noise: NoiseFilter = .none) throws -> Result {
        var result = try readFormat(bytes)
        result.document = noise.clean(result.document)
        return result
    }

    static func readFormat(_ bytes: [UInt8]) throws -> Result {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return try readZip(bytes) }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            let (document, format) = try OleReader.read(bytes)
            return structured(document, format: format)
        }
        if bytes.starts(with: Array("%PDF".utf8)) {
            return structured(try PdfReader.read(bytes), format: "pdf")
        }
        let decoded = try TextDecoder.decode(bytes)
        let text = Simplified.fold(decoded.utf8)
        var document = PipeText.looksLikePipeText(text.utf8) ? PipeText.parse(utf8: text.utf8)
            : PipeText.looksLikeLayoutText(text.utf8) ? PipeText.parseLayout(utf8: text.utf8) : TikaText.parse(utf8: text.utf8)
        document.source = SourceText(written: decoded.utf8, simplified: text.converted ? text.utf8 : nil)
        return Result(document: document, encoding: decoded.encoding + (text.converted ? ", traditional → simplified" : ""), truncated: decoded.truncated)
    }

    static func readZip(_ bytes: [UInt8]) throws -> Result {
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw DocxReader.Failure.corrupt("not a readable ZIP archive (truncated or damaged)")
        }
        if archive["word/document.xml"] != nil {
            return structured(try DocxReader.read(archive), format: "docx")
        }
        if archive["xl/workbook.xml"] != nil {
            return structured(try XlsxReader.read(archive), format: "xlsx")
        }
        throw Failure.unsupported("ZIP archive holding no Word document (word/document.xml) nor Excel workbook (xl/workbook.xml)")
    }

    /// A document read from a structured format, its traditional characters folded after
    /// reading (text files are folded before parsing).
    static func structured(_ document: Document, format: String) -> Result {
        let simplified = Simplified.fold(document)
        return Result(document: simplified.document, encoding: format + (simplified.converted ? ", traditional → simplified" : ""), truncated: false)
    }
}
