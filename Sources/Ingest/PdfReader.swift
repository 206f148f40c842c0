import Foundation
import PerfevalCore

/// Reads a PDF through `pdftotext -layout` (Debian poppler-utils): the text keeps the
/// page's columns, and table rows are recovered from them. Encrypted PDFs and PDFs
/// without a text layer (scanned pages) are refused with a reason.
enum PdfReader {
    enum Failure: Error, CustomStringConvertible {
        case encrypted
        case noText
        var description: String {
            switch self {
            case .encrypted: return "encrypted PDF: its text cannot be read without the password"
            case .noText: return "PDF without a text layer (a scanned image?): run OCR first"
            }
        }
    }

    static func read(_ bytes: [UInt8], limits: Limits = .standard) throws -> Document {
        // pdftotext is tried first: a PDF with only an owner password (no copying, no
        // printing) opens without one, and `/Encrypt` may stand in a comment. Only when it
        // fails on a file with an encryption dictionary is the file called encrypted.
        let converted: [UInt8]
        do {
            converted = try ExternalTool.run("pdftotext", package: "poppler-utils", arguments: ["-layout", "-enc", "UTF-8"], input: bytes,
                                             outputToStdout: "-", limits: limits)
        } catch let failure as ExternalTool.Failure {
            if case .failed = failure, containsEncryptDictionary(bytes) { throw Failure.encrypted }
            throw failure
        }
        // Page breaks (form feeds) are line breaks here.
        let layout = converted.map { $0 == 0x0C ? 0x0A : $0 }.filter { $0 != 0 }
        try Ingest.checkLines(layout, limits: limits)
        let text = TextFolding.compact(String(decoding: layout, as: UTF8.self))
        guard text.contains(where: { TextFolding.isHan($0) || TextFolding.isDigit($0) }) else { throw Failure.noText }
        var document = PipeText.parseLayout(utf8: layout)
        document.source = SourceText(written: layout)
        return document
    }

    /// An `/Encrypt` entry in the trailer means the content streams are encrypted.
    static func containsEncryptDictionary(_ bytes: [UInt8]) -> Bool {
        bytes.containsBytes(Array("/Encrypt".utf8))
    }
}
