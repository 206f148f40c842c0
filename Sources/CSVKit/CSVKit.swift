import CLibCSV
import Glibc

/// The project's only CSV code: reading and writing through libcsv.
public enum CSV {
    /// Parses CSV bytes (UTF-8, an optional BOM is skipped) into rows of fields.
    /// Throws when libcsv reports malformed input (e.g. an unterminated quote).
    public static func parse(_ bytes: [UInt8]) throws -> [[String]] {
        var rows: [[String]] = []
        try forEachRow(bytes) { rows.append($0) }
        return rows
    }

    /// Parses CSV bytes and hands each row to `body` as soon as libcsv completes it, so a
    /// large table is never held as rows of strings.
    public static func forEachRow(_ bytes: [UInt8], _ body: @escaping ([String]) -> Void) throws {
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else { throw CSVError.malformed("csv_init failed") }
        defer { csv_free(&parser) }
        let collector = RowCollector(body)
        let context = Unmanaged.passUnretained(collector).toOpaque()
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let parsed = bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return csv_parse(&parser, base + start, buffer.count - start, onField, onRowEnd, context)
        }
        if parsed != bytes.count - start || csv_fini(&parser, onField, onRowEnd, context) != 0 {
            throw CSVError.malformed(String(cString: csv_strerror(csv_error(&parser))))
        }
        withExtendedLifetime(collector) {}
    }

    /// Streams a UTF-8 CSV file to `body` row by row, reading it in chunks, so a table of
    /// any size is never held in memory.
    public static func forEachRow(inFile path: String, chunkSize: Int = 1 << 20, _ body: @escaping ([String]) -> Void) throws {
        try forEachRow(inFile: path, chunkSize: chunkSize, until: { body($0); return false })
    }

    /// As `forEachRow(inFile:)`, but reading stops (after the current chunk) once `body`
    /// returns true: a reader that has seen enough does not parse the rest of a huge file.
    public static func forEachRow(inFile path: String, chunkSize: Int = 1 << 20, until body: @escaping ([String]) -> Bool) throws {
        var stopped = false
        let collector = RowCollector { row in if !stopped { stopped = body(row) } }
        defer { withExtendedLifetime(collector) {} }   // libcsv holds it unretained on every path
        guard let file = fopen(path, "rb") else { throw CSVError.unreadable(path) }
        defer { fclose(file) }
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else { throw CSVError.malformed("csv_init failed") }
        defer { csv_free(&parser) }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var first = true
        while true {
            let count = fread(&buffer, 1, chunkSize, file)
            if count == 0 { break }
            let start = first && count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
            first = false
            let parsed = buffer.withUnsafeBufferPointer { csv_parse(&parser, $0.baseAddress! + start, count - start, onField, onRowEnd, context) }
            guard parsed == count - start else { throw CSVError.malformed(String(cString: csv_strerror(csv_error(&parser)))) }
            if stopped { return }
        }
        guard ferror(file) == 0 else { throw CSVError.unreadable(path) }
        guard csv_fini(&parser, onField, onRowEnd, context) == 0 else { throw CSVError.malformed(String(cString: csv_strerror(csv_error(&parser)))) }
    }

    /// Encodes one field the RFC 4180 way: quoted by libcsv only when it holds a comma,
    /// a quote or a line break. Reads the string's own UTF-8 (no copy of each cell).
    public static func encodeField(_ field: String, into out: inout [UInt8]) {
        var field = field
        field.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
                out.append(contentsOf: utf8)
                return
            }
            var quoted = [UInt8](repeating: 0, count: utf8.count * 2 + 2)
            let written = quoted.withUnsafeMutableBufferPointer { dest in
                csv_write(dest.baseAddress, dest.count, utf8.baseAddress, utf8.count)
            }
            out.append(contentsOf: quoted[0..<written])
        }
    }

    /// Encodes a row of fields, comma-separated, ended by CRLF.
    public static func encodeRow(_ fields: [String], into out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            encodeField(field, into: &out)
        }
        out.append(13)
        out.append(10)
    }
}

public enum CSVError: Error, CustomStringConvertible {
    case malformed(String)
    case unreadable(String)
    public var description: String {
        switch self {
        case .malformed(let why): return "malformed CSV: \(why)"
        case .unreadable(let path): return "cannot read \(path)"
        }
    }
}

private final class RowCollector {
    let body: ([String]) -> Void
    var current: [String] = []
    init(_ body: @escaping ([String]) -> Void) { self.body = body }
}

private func onField(_ field: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let collector = Unmanaged<RowCollector>.fromOpaque(context!).takeUnretainedValue()
    if let field, length > 0 {
        let bytes = UnsafeRawBufferPointer(start: field, count: length)
        collector.current.append(String(decoding: bytes, as: UTF8.self))
    } else {
        collector.current.append("")
    }
}

private func onRowEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let collector = Unmanaged<RowCollector>.fromOpaque(context!).takeUnretainedValue()
    collector.body(collector.current)
    collector.current = []
}
