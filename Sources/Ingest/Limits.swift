import Foundation

/// The bounds every input is read within, so that no file — damaged or hostile — can
/// exhaust memory or hold the run: past a bound the file is rejected with the reason.
public struct Limits: Sendable {
    /// Largest input file read (checked on the file's size before reading).
    public var maxInputBytes = 64 << 20
    /// Largest part of a .docx / .xlsx once inflated (document.xml, a worksheet, shared strings).
    public var maxInflatedBytes = 64 << 20
    /// Largest inflated ÷ compressed ratio of a ZIP part (past `ratioFloorBytes`):
    /// real Office XML deflates 5–30 times, a ZIP bomb a thousand times.
    public var maxInflationRatio = 200
    /// Parts smaller than this are not checked for their ratio (tiny parts compress oddly).
    public var ratioFloorBytes = 1 << 20
    /// Largest text read (a text file, or what a converter writes).
    public var maxTextBytes = 16 << 20
    /// Most lines of a text, and most paragraphs plus table cells of a document.
    public var maxElements = 500_000
    /// Most worksheets of a workbook.
    public var maxSheets = 1_000
    /// Per-file time limit of an external converter (pdftotext, antiword, catdoc, xls2csv).
    public var converterSeconds = 60.0

    public init() {}
    public static let standard = Limits()

    /// A value of a size option: `64M`, `2G`, `500K` or plain bytes.
    public static func bytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let unit = trimmed.last.flatMap { units[$0] }
        let digits = unit == nil ? trimmed : String(trimmed.dropLast())
        guard let value = Int(digits), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit ?? 1)
        return overflow ? nil : product
    }
}

/// Why a file was refused by a limit; the message names the limit and its option.
public enum LimitExceeded: Error, CustomStringConvertible {
    case inputSize(Int, limit: Int)
    case inflated(part: String, limit: Int)
    case ratio(part: String, limit: Int)
    case text(limit: Int)
    case elements(String, limit: Int)
    case sheets(Int, limit: Int)
    case timeout(tool: String, seconds: Double)

    public var description: String {
        switch self {
        case .inputSize(let size, let limit):
            return "file too large: \(Self.megabytes(size)) (limit \(Self.megabytes(limit)), --max-input-size)"
        case .inflated(let part, let limit):
            return "ZIP part \(part) inflates past \(Self.megabytes(limit)) (a ZIP bomb? limit --max-inflated-size)"
        case .ratio(let part, let limit):
            return "ZIP part \(part) inflates more than \(limit) times its compressed size (a ZIP bomb?)"
        case .text(let limit):
            return "text larger than \(Self.megabytes(limit)): not a report (limit --max-text-size)"
        case .elements(let what, let limit):
            return "more than \(limit) \(what): not a report (limit --max-elements)"
        case .sheets(let count, let limit):
            return "workbook with \(count) worksheets (limit \(limit))"
        case .timeout(let tool, let seconds):
            return "\(tool) did not finish within \(Int(seconds)) s and was stopped (limit --converter-timeout)"
        }
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : bytes >= 1 << 10 ? "\(bytes >> 10) KB" : "\(bytes) bytes"
    }
}
