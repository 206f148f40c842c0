import PerfevalCore

/// Checks a ZIP archive's structure against its own bytes before ZIPFoundation reads it:
/// ZIPFoundation trusts the offsets and sizes of the central directory and traps (kills
/// the whole run) when one points past the end of the file. Every position it will read —
/// central directory records, local headers, entry data, data descriptors — is checked here.
enum ZipCheck {
    struct Failure: Error, CustomStringConvertible {
        let why: String
        var format = "ZIP archive"
        var description: String { "corrupt \(format) (damaged ZIP archive): \(why)" }
    }

    /// The structure checked, a failure naming the format that the part names in the
    /// local headers (stored uncompressed) suggest: a user knows a .docx, not a ZIP.
    static func check(_ bytes: [UInt8]) throws {
        do {
            _ = try entries(bytes)
        } catch var failure as Failure {
            failure.format = bytes.containsBytes(Array("word/document.xml".utf8)) ? ".docx"
                : bytes.containsBytes(Array("xl/workbook.xml".utf8)) ? ".xlsx" : "ZIP archive"
            throw failure
        }
    }

    struct Entry {
        var path: String
        var compressedSize: UInt64
        var uncompressedSize: UInt64
    }

    /// The entries of the central directory, each checked against the archive's size.
    static func entries(_ bytes: [UInt8]) throws -> [Entry] {
        let reader = Reader(bytes: bytes)
        let (count, start, size) = try centralDirectory(reader)
        let (directoryEnd, overflow) = start.addingReportingOverflow(size)
        guard !overflow, directoryEnd <= UInt64(bytes.count) else {
            throw Failure(why: "central directory lies past the end of the file")
        }
        var entries: [Entry] = []
        var position = start
        for _ in 0..<count {
            guard try reader.u32(position) == 0x0201_4B50 else { throw Failure(why: "central directory record \(entries.count + 1) is damaged") }
            let entry = try centralRecord(reader, at: position)
            try checkLocal(reader, entry: entry.info, offset: entry.localOffset, flags: entry.flags, method: entry.method)
            entries.append(entry.info)
            position += entry.recordSize
        }
        return entries
    }

    /// (entry count, central directory offset, size), from the end record (or its ZIP64 form).
    static func centralDirectory(_ reader: Reader) throws -> (UInt64, UInt64, UInt64) {
        let bytes = reader.bytes
        guard bytes.count >= 22 else { throw Failure(why: "too short") }
        var end = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while end >= lowest, !(bytes[end] == 0x50 && bytes[end + 1] == 0x4B && bytes[end + 2] == 5 && bytes[end + 3] == 6) { end -= 1 }
        guard end >= lowest else { throw Failure(why: "no end-of-central-directory record (truncated?)") }
        var count = UInt64(try reader.u16(UInt64(end) + 10))
        var size = UInt64(try reader.u32(UInt64(end) + 12)), offset = UInt64(try reader.u32(UInt64(end) + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            guard end >= 20, try reader.u32(UInt64(end - 20)) == 0x0706_4B50 else { throw Failure(why: "ZIP64 locator missing") }
            let record = try reader.u64(UInt64(end - 20) + 8)
            guard try reader.u32(record) == 0x0606_4B50 else { throw Failure(why: "ZIP64 end record damaged") }
            count = try reader.u64(record + 32); size = try reader.u64(record + 40); offset = try reader.u64(record + 48)
        }
        // Every central record takes at least 46 bytes: a count beyond that is a lie.
        guard count <= size / 46 + 1, count <= UInt64(bytes.count / 46) else { throw Failure(why: "entry count \(count) does not fit the archive") }
        return (count, offset, size)
    }

    struct CentralRecord { var info: Entry; var localOffset: UInt64; var flags: UInt16; var method: UInt16; var recordSize: UInt64 }

    static func centralRecord(_ reader: Reader, at position: UInt64) throws -> CentralRecord {
        let flags = try reader.u16(position + 8), method = try reader.u16(position + 10)
        var compressed = UInt64(try reader.u32(position + 20)), uncompressed = UInt64(try reader.u32(position + 24))
        let nameLength = UInt64(try reader.u16(position + 28)), extraLength = UInt64(try reader.u16(position + 30))
        let commentLength = UInt64(try reader.u16(position + 32))
        var localOffset = UInt64(try reader.u32(position + 42))
        let name = try reader.slice(position + 46, nameLength)
        // ZIP64 extra field (id 1): the 64-bit values of the fields set to 0xFFFFFFFF, in order.
        var extra = position + 46 + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = try reader.u16(extra), length = UInt64(try reader.u16(extra + 2))
            if id == 1 {
                var field = extra + 4
                if uncompressed == 0xFFFF_FFFF { uncompressed = try reader.u64(field); field += 8 }
                if compressed == 0xFFFF_FFFF { compressed = try reader.u64(field); field += 8 }
                if localOffset == 0xFFFF_FFFF { localOffset = try reader.u64(field) }
            }
            extra += 4 + length
        }
        let path = String(decoding: name, as: UTF8.self)
        return CentralRecord(info: Entry(path: path, compressedSize: compressed, uncompressedSize: uncompressed),
                             localOffset: localOffset, flags: flags, method: method,
                             recordSize: 46 + nameLength + extraLength + commentLength)
    }

    /// The local header and the entry's data (and data descriptor) lie inside the file.
    static func checkLocal(_ reader: Reader, entry: Entry, offset: UInt64, flags: UInt16, method: UInt16) throws {
        let size = UInt64(reader.bytes.count)
        guard offset < size, try reader.u32(offset) == 0x0403_4B50 else {
            throw Failure(why: "\(entry.path): local header offset \(offset) is outside the file or damaged")
        }
        let dataStart = offset + 30 + UInt64(try reader.u16(offset + 26)) + UInt64(try reader.u16(offset + 28))
        // A stored entry is read for its uncompressed size; a deflated one for its compressed size.
        let dataSize = method == 0 ? entry.uncompressedSize : entry.compressedSize
        let (dataEnd, overflow) = dataStart.addingReportingOverflow(dataSize)
        guard !overflow, dataEnd <= size else { throw Failure(why: "\(entry.path): data runs past the end of the file (truncated?)") }
        if flags & 0x8 != 0 && dataEnd + 24 > size { throw Failure(why: "\(entry.path): data descriptor past the end of the file") }
    }

    /// Little-endian reads that throw instead of trapping when out of bounds.
    struct Reader {
        let bytes: [UInt8]
        func slice(_ at: UInt64, _ count: UInt64) throws -> ArraySlice<UInt8> {
            let (end, overflow) = at.addingReportingOverflow(count)
            guard !overflow, end <= UInt64(bytes.count) else { throw Failure(why: "a record runs past the end of the file") }
            return bytes[Int(at)..<Int(end)]
        }
        func u16(_ at: UInt64) throws -> UInt16 { try slice(at, 2).reversed().reduce(0) { $0 << 8 | UInt16($1) } }
        func u32(_ at: UInt64) throws -> UInt32 { try slice(at, 4).reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        func u64(_ at: UInt64) throws -> UInt64 { try slice(at, 8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    }
}
