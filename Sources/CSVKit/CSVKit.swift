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
        let reader = try CSVFileReader(bytes: bytes, name: "CSV text")
        while let row = try reader.next() { body(row) }
    }

    /// Streams a UTF-8 CSV file to `body` row by row, reading it in chunks, so a table of
    /// any size is never held in memory.
    public static func forEachRow(inFile path: String, chunkSize: Int = 1 << 20, _ body: @escaping ([String]) -> Void) throws {
        try forEachRow(inFile: path, chunkSize: chunkSize, until: { body($0); return false })
    }

    /// As `forEachRow(inFile:)`, but reading stops once `body` returns true: a reader that
    /// has seen enough does not parse the rest of a huge file.
    public static func forEachRow(inFile path: String, chunkSize: Int = 1 << 20, until body: @escaping ([String]) -> Bool) throws {
        let reader = try CSVFileReader(path: path, chunkSize: chunkSize)
        while let row = try reader.next() {
            if body(row) { return }
        }
    }

    /// Encodes one field the RFC 4180 way: quoted by libcsv only when it holds a comma,
    /// a quote or a line break (see `CSVText`).
    public static func encodeField(_ field: String, into out: inout [UInt8]) {
        var text = CSVText()
        text.appendField(field)
        out += text.take()
    }

    /// Whether the field holds a comma, a quote or a line break (all below 45). Eight bytes
    /// at a time: only a word holding a byte below 45 is looked at byte by byte. A field of
    /// eight bytes or more ends with the word of its last eight bytes (overlapping the one
    /// before), not byte by byte.
    @inline(__always)
    static func needsQuotes(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        let count = utf8.count
        guard count >= 8 else { return isSpecial(utf8) }
        var index = 0
        while true {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // Sets the high bit of a byte below 45 (and maybe of bytes after it), of no other.
            if (word &- 0x2D2D_2D2D_2D2D_2D2D) & ~word & 0x8080_8080_8080_8080 != 0,
               isSpecial(UnsafeBufferPointer(start: base + index, count: 8)) { return true }
            if index == count - 8 { return false }
            index = Swift.min(index + 8, count - 8)
        }
    }

    @inline(__always)
    static func isSpecial<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        for byte in bytes where byte <= UInt8(ascii: ",") {
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 10 || byte == 13 { return true }
        }
        return false
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

/// A UTF-8 CSV file read row by row on demand (an optional BOM is skipped): the caller pulls
/// the next row, so several tables can be walked side by side, each read in chunks.
public final class CSVFileReader {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private var parser = csv_parser()
    private let collector: RowCollector
    private var ready: [[String]] = []
    private var position = 0
    private var buffer: [UInt8]
    private var first = true, finished = false

    /// Text already in memory (a table decoded from GB18030), read through the same parser.
    private var memory: UnsafeMutableRawBufferPointer?

    public convenience init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let file = fopen(path, "rb") else { throw CSVError.unreadable(path) }
        try self.init(file: file, path: path, chunkSize: chunkSize)
    }

    /// Rows of UTF-8 CSV text held in memory (`name` is used in messages).
    public convenience init(bytes: [UInt8], name: String) throws {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        memory.copyBytes(from: bytes)
        guard let file = fmemopen(memory.baseAddress, bytes.count, "rb") else {
            memory.deallocate()
            throw CSVError.unreadable(name)
        }
        try self.init(file: file, path: name, chunkSize: 1 << 20)
        self.memory = memory
    }

    private init(file: UnsafeMutablePointer<FILE>, path: String, chunkSize: Int) throws {
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else {
            fclose(file)
            throw CSVError.malformed("csv_init failed")
        }
        self.file = file
        self.path = path
        buffer = [UInt8](repeating: 0, count: max(chunkSize, 16))
        collector = RowCollector { _ in }
        collector.body = { [unowned self] in self.ready.append($0) }   // libcsv hands rows to the collector
    }

    deinit {
        csv_free(&parser)
        fclose(file)
        memory?.deallocate()
    }

    /// The next row, nil at the end of the file. Throws on malformed CSV or a read error.
    public func next() throws -> [String]? {
        while position == ready.count {
            guard !finished else { return nil }
            ready.removeAll(keepingCapacity: true)
            position = 0
            try parseNextChunk()
        }
        defer { position += 1 }
        return ready[position]
    }

    private func parseNextChunk() throws {
        let context = Unmanaged.passUnretained(collector).toOpaque()
        let count = fread(&buffer, 1, buffer.count, file)
        guard count > 0 else {
            finished = true
            guard ferror(file) == 0 else { throw CSVError.unreadable(path) }
            guard csv_fini(&parser, onField, onRowEnd, context) == 0 else { throw CSVError.malformed(String(cString: csv_strerror(csv_error(&parser)))) }
            return
        }
        let start = first && count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
        first = false
        let parsed = buffer.withUnsafeBufferPointer { csv_parse(&parser, $0.baseAddress! + start, count - start, onField, onRowEnd, context) }
        guard parsed == count - start else {
            finished = true
            throw CSVError.malformed(String(cString: csv_strerror(csv_error(&parser))))
        }
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
    var body: ([String]) -> Void
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
