import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary file of runs of entries, for what would otherwise grow with the corpus in
/// memory: the listing of the inputs, per-agency figures of the comparative step. The file
/// is unlinked as soon as it is made, so nothing is left behind however the run ends.
public final class SpillFile {
    fileprivate let descriptor: Int32
    private var end = 0

    /// A new file in `directory` (the system's temporary folder when nil).
    public init(directory: String?) throws {
        let folder = directory ?? NSTemporaryDirectory()
        var template = Array((folder as NSString).appendingPathComponent("perfeval-spill-XXXXXX").utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw SpillError("cannot make a temporary file in \(folder): \(String(cString: strerror(errno)))") }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    deinit { close(descriptor) }

    /// Where the next run will start: the end of the last.
    public var size: Int { end }

    /// Appends a run; returns where it lies in the file.
    public func append(_ run: SpillEncoder) throws -> Range<Int> {
        let start = end
        try run.bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(end + written))
                guard count > 0 else { throw SpillError("cannot write a temporary file: \(String(cString: strerror(errno)))") }
                written += count
            }
        }
        end += run.bytes.count
        return start..<end
    }

    /// The entries of one run, in the order they were written.
    public func entries(of run: Range<Int>) -> SpillReader { SpillReader(file: self, range: run) }
}

public struct SpillError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Entries written as bytes: each one a 4-byte length, then its fields (integers little
/// endian, strings as a length and UTF-8).
public struct SpillEncoder {
    public private(set) var bytes: [UInt8] = []
    private var entryStart = 0
    public init() {}

    public mutating func beginEntry() {
        entryStart = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
    }

    public mutating func endEntry() {
        let length = UInt32(bytes.count - entryStart - 4)
        for index in 0..<4 { bytes[entryStart + index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
    }

    public mutating func put<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func put(_ text: String) {
        put(UInt32(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func put(bytes field: [UInt8]) {
        put(UInt32(field.count))
        bytes.append(contentsOf: field)
    }
}

/// The fields of one entry, read in the order they were put.
public struct SpillDecoder {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes; position = bytes.startIndex }

    public mutating func take<T: FixedWidthInteger>(_: T.Type = T.self) -> T {
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { raw in
            for index in 0..<MemoryLayout<T>.size { raw[index] = bytes[position + index] }
        }
        position += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    public mutating func takeString() -> String { String(decoding: takeBytes(), as: UTF8.self) }

    public mutating func takeBytes() -> ArraySlice<UInt8> {
        let count = Int(take(UInt32.self))
        defer { position += count }
        return bytes[position..<position + count]
    }
}

/// Reads one run's entries back a block at a time, so a run is never held whole.
public struct SpillReader {
    private let file: SpillFile   // kept open while a reader needs it
    private var offset: Int
    private let end: Int
    private var buffer: [UInt8] = []
    private var start = 0
    public static let blockSize = 1 << 14   // small: a merge reads from every run at once

    init(file: SpillFile, range: Range<Int>) { self.file = file; offset = range.lowerBound; end = range.upperBound }

    /// The next entry's fields, nil after the last.
    public mutating func next() throws -> SpillDecoder? {
        guard try fill(4) else { return nil }
        var length = 0
        for index in 0..<4 { length |= Int(buffer[start + index]) << (8 * index) }
        guard try fill(4 + length) else { throw SpillError("a temporary file ends inside an entry") }
        defer { start += 4 + length }
        return SpillDecoder(buffer[start + 4..<start + 4 + length])
    }

    /// Makes `count` bytes available from `start`; false at the end of the run.
    private mutating func fill(_ count: Int) throws -> Bool {
        if buffer.count - start >= count { return true }
        buffer.removeFirst(start)
        start = 0
        let wanted = min(max(count - buffer.count, Self.blockSize), end - offset)
        guard wanted > 0 else { return false }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: wanted))
        let read = buffer.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress! + old, wanted, off_t(offset)) }
        guard read == wanted else { throw SpillError("cannot read a temporary file: \(read < 0 ? String(cString: strerror(errno)) : "it is short")") }
        offset += wanted
        return buffer.count >= count
    }
}
