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

    static func read(_ bytes: [UInt8]) throws -> Document {
        if containsEncryptDictionary(bytes) { throw Failure.encrypted }
        // Page breaks (form feeds) are line breaks here.
        let layout = try ExternalTool.run("pdftotext", package: "poppler-utils", arguments: ["-layout", "-enc", "UTF-8"], input: bytes, outputToStdout: "-")
            .map { $0 == 0x0C ? 0x0A : $0 }
        let text = TextFolding.compact(String(decoding: layout, as: UTF8.self))
        guard text.contains(where: { TextFolding.isHan($0) || TextFolding.isDigit($0) }) else { throw Failure.noText }
        var document = PipeText.parseLayout(utf8: layout)
        document.source = SourceText(written: layout)
        return document
    }

    /// An `/Encrypt` entry in the trailer means the content streams are encrypted.
    static func containsEncryptDictionary(_ bytes: [UInt8]) -> Bool {
        bytes.suffix(65_536).containsBytes(Array("/Encrypt".utf8))
    }
}
