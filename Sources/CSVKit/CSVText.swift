import CLibCSV

/// CSV text being written: fields escaped by libcsv's rules (as `CSV.encodeField`) and other
/// bytes, into a buffer grown ahead of the writes, so a short field costs a copy and no
/// general array append. `bytes` is the text written.
public struct CSVText {
    /// Bytes written (`written` of them), then spare room. Inlinable, like the small writes
    /// below, so that a comma written by another module is not a call.
    @usableFromInline var storage: [UInt8] = []
    @usableFromInline var written = 0

    /// How many bytes are written.
    public var count: Int { written }

    public init() {}

    /// The text written so far.
    public var bytes: [UInt8] { Array(storage[0..<written]) }

    /// The text written so far; the text starts afresh.
    public mutating func take() -> [UInt8] {
        storage.removeLast(storage.count - written)
        defer { storage = []; written = 0 }
        return storage
    }

    /// `body` given the text written so far; the text then starts afresh in the same
    /// storage, so a buffer written batch after batch is grown (and its pages touched) once.
    public mutating func drain(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        defer { written = 0 }
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<written])) }
    }

    /// Room for `extra` more bytes.
    @inlinable
    mutating func reserve(_ extra: Int) {
        if written + extra > storage.count { grow(to: written + extra) }
    }

    @usableFromInline
    mutating func grow(to needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: Swift.max(needed, storage.count * 2, 256) - storage.count))
    }

    /// Bytes written by `body` as they are (not escaped): it writes at most `limit` bytes at
    /// the pointer it is given and returns how many.
    @inlinable
    public mutating func write(atMost limit: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(limit)
        let start = written
        written += storage.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
    }

    @inlinable
    public mutating func append(_ byte: UInt8) {
        write(atMost: 1) { $0.pointee = byte; return 1 }
    }

    /// Bytes as they are (not escaped).
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        write(atMost: bytes.count) { $0.update(from: source, count: bytes.count); return bytes.count }
    }

    /// One field, quoted by libcsv only when it holds a comma, a quote or a line break.
    public mutating func appendField(_ field: String) {
        if field.utf8.withContiguousStorageIfAvailable({ appendField(utf8: $0) }) == nil {
            var field = field
            field.withUTF8 { appendField(utf8: $0) }
        }
    }

    /// `appendField` of `prefix` (when given) followed by `utf8`, as one field.
    public mutating func appendField(utf8: UnsafeBufferPointer<UInt8>, prefix: UInt8? = nil) {
        guard let prefix else {
            guard CSV.needsQuotes(utf8) else { return append(utf8) }
            return appendQuoted(utf8)
        }
        guard CSV.needsQuotes(utf8) || CSV.isSpecial(CollectionOfOne(prefix)) else {
            append(prefix)
            return append(utf8)
        }
        var field = [prefix]   // rare: a guarded field that must be quoted
        field.append(contentsOf: utf8)
        field.withUnsafeBufferPointer { appendQuoted($0) }
    }

    /// The field quoted by libcsv (at most twice its length and two quotes).
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        let limit = utf8.count * 2 + 2
        write(atMost: limit) { csv_write($0, limit, utf8.baseAddress, utf8.count) }
    }
}
