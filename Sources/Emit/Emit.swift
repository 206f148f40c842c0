import Foundation
import PerfevalCore
import CSVKit

public enum HeaderLanguage: String, Sendable, CaseIterable { case zh, en }
public enum OutputEncoding: String, Sendable, CaseIterable { case utf8, gb18030 }

/// A column with its English (snake_case) and Chinese headers.
public struct Column: Sendable {
    public let en: String
    public let zh: String
    public init(_ en: String, _ zh: String) { self.en = en; self.zh = zh }
}

/// One output cell. Text cells are guarded against CSV injection; numbers are written
/// as they are; unknown values are empty cells (never 0).
public enum CellValue: Sendable, Equatable {
    case text(String)
    case number(String)
    case empty

    public static func text(_ value: String?) -> CellValue { value.map { CellValue.text($0) } ?? .empty }
    public static func number(_ value: ExactDecimal?) -> CellValue { value.map { CellValue.number($0.description) } ?? .empty }
    /// Money in 万元: at least two decimals (`30.50`), more when the source had them (`12.345`).
    public static func amount(_ value: ExactDecimal?) -> CellValue {
        value.map { CellValue.number($0.formatted(decimals: max(2, $0.fractionDigits))) } ?? .empty
    }
    public static func percent(_ value: ExactDecimal?) -> CellValue { value.map { CellValue.number($0.formatted(decimals: 2)) } ?? .empty }
    public static func number(_ value: Int?) -> CellValue { value.map { CellValue.number(String($0)) } ?? .empty }
}

public struct OutputTable: Sendable {
    public let fileName: String
    public let columns: [Column]
    public var rows: [[CellValue]]
    public init(fileName: String, columns: [Column], rows: [[CellValue]] = []) {
        self.fileName = fileName; self.columns = columns; self.rows = rows
    }
}

/// Stage 6: tables → CSV files (libcsv quoting, UTF-8 with BOM or GB18030, CRLF),
/// written to a temporary file and renamed into place so readers never see half a file.
public enum Emit {
    public static func encode(_ table: OutputTable, headers: HeaderLanguage, encoding: OutputEncoding) throws -> [UInt8] {
        var out: [UInt8] = encoding == .utf8 ? [0xEF, 0xBB, 0xBF] : []
        CSV.encodeRow(table.columns.map { headers == .en ? $0.en : $0.zh }, into: &out)
        for row in table.rows { CSV.encodeRow(row.map(render), into: &out) }
        guard encoding == .gb18030 else { return out }
        return try Iconv.convert(out, from: "UTF-8", to: "GB18030").bytes
    }

    /// Text from outside that starts with `=`, `+`, `-` or `@` would run as a formula in
    /// Excel or WPS: it is prefixed with an apostrophe.
    static func render(_ cell: CellValue) -> String {
        switch cell {
        case .empty: return ""
        case .number(let value): return value
        case .text(let value):
            guard let first = value.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) else { return value }
            return "'" + value
        }
    }

    public static func write(_ table: OutputTable, to directory: URL, headers: HeaderLanguage, encoding: OutputEncoding) throws {
        try writeAtomically(try encode(table, headers: headers, encoding: encoding), to: directory.appendingPathComponent(table.fileName))
    }

    /// Writes to `name.tmp-PID` beside the target, then renames over it.
    public static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        try Data(bytes).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
