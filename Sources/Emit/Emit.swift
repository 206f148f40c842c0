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
        var out = try header(table.columns, headers: headers, encoding: encoding)
        out += try encodeRows(table.rows, encoding: encoding)
        return out
    }

    static func header(_ columns: [Column], headers: HeaderLanguage, encoding: OutputEncoding) throws -> [UInt8] {
        var out: [UInt8] = encoding == .utf8 ? [0xEF, 0xBB, 0xBF] : []
        var line: [UInt8] = []
        CSV.encodeRow(columns.map { headers == .en ? $0.en : $0.zh }, into: &line)
        out += try converted(line, to: encoding)
        return out
    }

    public static func encodeRows(_ rows: [[CellValue]], encoding: OutputEncoding) throws -> [UInt8] {
        var out: [UInt8] = []
        encodeRows(rows, into: &out)
        return try converted(out, to: encoding)
    }

    /// The rows as UTF-8 CSV appended to `out`: each cell encoded as `render` gives it,
    /// without building the row's strings first.
    public static func encodeRows(_ rows: [[CellValue]], into out: inout [UInt8]) {
        var text = CSVText()
        encodeRows(rows, into: &text)
        out += text.take()
    }

    public static func encodeRows(_ rows: [[CellValue]], into text: inout CSVText) {
        for row in rows {
            for index in row.indices {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                encodeCell(row[index], into: &text)
            }
            endRow(&text)
        }
    }

    /// One cell as `render` gives it, CSV-encoded, appended to `text` (no separator).
    @inline(__always)
    public static func encodeCell(_ cell: CellValue, into text: inout CSVText) {
        switch cell {
        case .empty: break
        case .number(let value): text.appendField(value)
        case .text(let value): encodeText(value, into: &text)
        }
    }

    /// A text cell (guarded as `render` does), CSV-encoded, appended to `text`.
    public static func encodeText(_ value: String, into text: inout CSVText) {
        let encoded: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            text.appendField(utf8: utf8, prefix: utf8.first.map(startsFormula) == true ? UInt8(ascii: "'") : nil)
        }
        if encoded == nil { text.appendField(needsGuard(value) ? "'" + value : value) }
    }

    /// `.number(value)` of an integer, its digits written straight into `text`.
    public static func encodeNumber(_ value: Int, into text: inout CSVText) {
        text.write(atMost: 20) { start in
            var next = start
            if value < 0 { next.pointee = UInt8(ascii: "-"); next += 1 }
            var rest = value.magnitude, unit: UInt = 1   // the place of the first digit
            while unit <= rest / 10 { unit *= 10 }
            repeat {
                next.pointee = UInt8(ascii: "0") + UInt8(rest / unit)
                next += 1
                rest %= unit
                unit /= 10
            } while unit > 0
            return next - start
        }
    }

    /// Ends a row: CRLF.
    @inline(__always)
    public static func endRow(_ text: inout CSVText) {
        text.append(13)
        text.append(10)
    }

    static func converted(_ utf8: [UInt8], to encoding: OutputEncoding) throws -> [UInt8] {
        encoding == .utf8 ? utf8 : try Iconv.convert(utf8, from: "UTF-8", to: "GB18030").bytes
    }

    /// Text from outside that starts with `=`, `+`, `-` or `@` would run as a formula in
    /// Excel or WPS: it is prefixed with an apostrophe.
    public static func render(_ cell: CellValue) -> String {
        switch cell {
        case .empty: return ""
        case .number(let value): return value
        case .text(let value): return needsGuard(value) ? "'" + value : value
        }
    }

    /// Whether text would start a formula: `=`, `+`, `-` or `@` first.
    static func needsGuard(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        return startsFormula(first)
    }

    @inline(__always)
    static func startsFormula(_ first: UInt8) -> Bool {
        first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@")
    }

    public static func write(_ table: OutputTable, to directory: URL, headers: HeaderLanguage, encoding: OutputEncoding) throws {
        let writer = try TableWriter(fileName: table.fileName, columns: table.columns, directory: directory, headers: headers, encoding: encoding)
        try writer.append(table.rows)
        try writer.finish()
    }

    /// Writes `bytes` to a temporary file beside `url`, then renames it over `url`.
    public static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let temporary = temporaryURL(for: url)
        try Data(bytes).write(to: temporary)
        try rename(temporary, to: url)
    }

    static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    }

    static func rename(_ temporary: URL, to url: URL) throws {
        guard Foundation.rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}

/// A CSV table written row batch by row batch, so a long run never holds its output in
/// memory; the file appears under its name only when `finish()` renames it into place.
public final class TableWriter {
    let url: URL
    let temporary: URL
    let handle: FileHandle
    let encoding: OutputEncoding
    var finished = false

    public init(fileName: String, columns: [Column], directory: URL, headers: HeaderLanguage, encoding: OutputEncoding) throws {
        url = directory.appendingPathComponent(fileName)
        temporary = Emit.temporaryURL(for: url)
        self.encoding = encoding
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(try Emit.header(columns, headers: headers, encoding: encoding))) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        handle = try FileHandle(forWritingTo: temporary)
        try handle.seekToEnd()
    }

    public func append(_ rows: [[CellValue]]) throws {
        guard !rows.isEmpty else { return }
        try handle.write(contentsOf: Data(try Emit.encodeRows(rows, encoding: encoding)))
    }

    /// Rows already encoded by `Emit.encodeRows(_:encoding: .utf8)` (kept by the store),
    /// converted to the table's encoding.
    public func appendEncoded(_ utf8: [UInt8]) throws {
        guard !utf8.isEmpty else { return }
        try handle.write(contentsOf: try Emit.converted(utf8, to: encoding))
    }

    /// `appendEncoded` of bytes in place: UTF-8 is written as it is, without a copy.
    public func appendEncoded(_ utf8: UnsafeBufferPointer<UInt8>) throws {
        guard !utf8.isEmpty else { return }
        guard encoding == .utf8 else { return try appendEncoded(Array(utf8)) }
        try handle.write(contentsOf: UnsafeRawBufferPointer(utf8))
    }

    public func finish() throws {
        try handle.close()
        try Emit.rename(temporary, to: url)
        finished = true
    }

    deinit {
        if !finished {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
