import Foundation
import PerfevalCore

/// Reads a PDF through `pdftotext -layout` (Debian poppler-utils): the text keeps the
/// page's columns, and table rows are recovered from them. Encrypted PDFs and PDFs
/// without a text layer (scanned pages) are refused with a reason.
enum PdfReader {
    enum Failure: Error, CustomStringConvertible {
        case missingTool(tool: String, package: String)
        case encrypted
        case noText
        case toolFailed(String)
        var description: String {
            switch self {
            case .missingTool(let tool, let package): return "reading this file needs \(tool), which is not installed (apt-get install \(package))"
            case .encrypted: return "encrypted PDF: its text cannot be read without the password"
            case .noText: return "PDF without a text layer (a scanned image?): run OCR first"
            case .toolFailed(let message): return "the converter failed: \(message)"
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

/// Runs a converter program on a temporary copy of the input and returns its output.
enum ExternalTool {
    static func run(_ tool: String, package: String, arguments: [String], input: [UInt8], outputToStdout: String?) throws -> [UInt8] {
        guard let executable = locate(tool) else { throw PdfReader.Failure.missingTool(tool: tool, package: package) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perfeval-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input")
        try Data(input).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + [file.path] + (outputToStdout.map { [$0] } ?? [])
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PdfReader.Failure.toolFailed(message.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)")
        }
        return Array(data)
    }

    static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
