import PerfevalCore

/// Turns the raw bytes of a text file into UTF-8, detecting the encoding from the bytes
/// themselves (never from the file name): UTF-8 with or without BOM, UTF-16 with BOM,
/// otherwise GB18030 (a superset of GBK and GB2312) through iconv.
public enum TextDecoder {
    public struct Decoded: Sendable {
        public var utf8: [UInt8]
        public var encoding: String
        /// The input ended in the middle of a character; `utf8` holds what came before.
        public var truncated: Bool
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case empty
        case binary(String)
        case undecodable(String)
        public var description: String {
            switch self {
            case .empty: return "empty file"
            case .binary(let why): return "binary file, not text (\(why))"
            case .undecodable(let why): return "text in no supported encoding (\(why))"
            }
        }
    }

    public static func decode(_ bytes: [UInt8]) throws -> Decoded {
        guard !bytes.isEmpty else { throw Failure.empty }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return try decodeUTF8(Array(bytes.dropFirst(3)), name: "UTF-8 (BOM)") }
        if bytes.starts(with: [0xFF, 0xFE]) { return try convert(Array(bytes.dropFirst(2)), from: "UTF-16LE", name: "UTF-16LE") }
        if bytes.starts(with: [0xFE, 0xFF]) { return try convert(Array(bytes.dropFirst(2)), from: "UTF-16BE", name: "UTF-16BE") }
        let malformed = try rejectBinary(bytes)
        if let utf8 = try? decodeUTF8(bytes, malformed: malformed, name: "UTF-8") { return utf8 }
        return try convert(bytes, from: "GB18030", name: "GB18030")
    }

    /// The bytes at the start of a file that tell a binary file.
    static let binarySample = 65_536

    /// NUL bytes or many control characters mean the file is not text at all. Returns where
    /// the bytes stop being UTF-8: one pass over the bytes tells both.
    @discardableResult
    static func rejectBinary(_ bytes: [UInt8]) throws -> Malformed? {
        let sampleCount = min(bytes.count, binarySample)
        let (malformed, controls) = try bytes.withUnsafeBufferPointer { try scan($0, sampleCount: sampleCount) }
        if controls * 20 > sampleCount { throw Failure.binary("\(controls) control bytes in the first \(sampleCount)") }
        return malformed
    }

    /// The control bytes (below 32 but TAB, LF, CR and FF) from `start` to `end`; a NUL throws.
    static func countControls(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) throws -> Int {
        var controls = 0
        var index = start
        while index < end {
            let stop = min(index + 8, end)
            // Eight bytes at a time: only a word holding a byte below 32 is looked at byte by byte.
            if stop - index == 8, !Self.hasControl(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
                index = stop
                continue
            }
            for byte in bytes[index..<stop] where byte < 32 {
                if byte == 0 { throw Failure.binary("contains NUL bytes") }
                if byte != 9 && byte != 10 && byte != 13 && byte != 12 { controls += 1 }
            }
            index = stop
        }
        return controls
    }

    /// Whether a byte of the word is below 32 (false: none is; true may come from a byte
    /// below 32 with others after it).
    @inline(__always)
    static func hasControl(_ word: UInt64) -> Bool { (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 != 0 }

    /// Strict UTF-8 validation; an incomplete sequence at the very end is a truncation.
    static func decodeUTF8(_ bytes: [UInt8], name: String) throws -> Decoded {
        try decodeUTF8(bytes, malformed: firstMalformed(bytes), name: name)
    }

    static func decodeUTF8(_ bytes: [UInt8], malformed: Malformed?, name: String) throws -> Decoded {
        switch malformed {
        case nil: return Decoded(utf8: bytes, encoding: name, truncated: false)
        case .truncated(let index): return Decoded(utf8: Array(bytes[..<index]), encoding: name, truncated: true)
        case .invalidLead(let index): throw Failure.undecodable("invalid UTF-8 lead byte at offset \(index)")
        case .invalid(let index): throw Failure.undecodable("invalid UTF-8 at offset \(index)")
        }
    }

    enum Malformed { case truncated(Int), invalidLead(Int), invalid(Int) }

    /// Where the bytes stop being UTF-8 (lead bytes and continuation bytes checked), if anywhere.
    static func firstMalformed(_ bytes: [UInt8]) -> Malformed? {
        // An empty sample: no control byte counted, nothing thrown.
        bytes.withUnsafeBufferPointer { (try? scan($0, sampleCount: 0))?.malformed }
    }

    /// Where the bytes stop being UTF-8, and the control bytes among the first `sampleCount`
    /// (as `countControls` counts them, a NUL thrown): control bytes are ASCII, looked at
    /// only where the scan meets ASCII, and after the malformed point by `countControls`.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, sampleCount: Int) throws -> (malformed: Malformed?, controls: Int) {
        var controls = 0
        var index = 0
        let count = bytes.count
        func malformed(_ found: Malformed) throws -> (malformed: Malformed?, controls: Int) {
            if index < sampleCount { controls += try countControls(bytes, from: index, to: sampleCount) }
            return (found, controls)
        }
        while index < count {
            // The common cases first, from eight or four bytes read at once: two or one
            // three-byte sequences, whole (Chinese text), or ASCII.
            if index + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
                if word & 0x0000_C0C0_F0C0_C0F0 == 0x0000_8080_E080_80E0 { index += 6; continue }
                if word & 0x8080_8080_8080_8080 == 0 {
                    if index < sampleCount && hasControl(word) { controls += try countControls(bytes, from: index, to: min(index + 8, sampleCount)) }
                    index += 8
                    continue
                }
            }
            if index + 4 <= count {
                let word = UInt32(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt32.self))
                if word & 0x00C0_C0F0 == 0x0080_80E0 { index += 3; continue }
                if word & 0x80 == 0 {
                    if bytes[index] < 32 && index < sampleCount { controls += try countControls(bytes, from: index, to: index + 1) }
                    index += 1
                    continue
                }
            }
            let lead = bytes[index]
            if lead & 0xF0 == 0xE0, index + 3 <= count, bytes[index + 1] & 0xC0 == 0x80, bytes[index + 2] & 0xC0 == 0x80 {
                index += 3
                continue
            }
            let length: Int
            switch lead {
            case 0x00...0x7F:
                if lead < 32 && index < sampleCount { controls += try countControls(bytes, from: index, to: index + 1) }
                index += 1
                continue
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return try malformed(.invalidLead(index))
            }
            if index + length > count {
                if bytes[(index + 1)...].allSatisfy({ $0 & 0xC0 == 0x80 }) { return try malformed(.truncated(index)) }
                return try malformed(.invalid(index))
            }
            for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return try malformed(.invalid(index)) }
            index += length
        }
        return (nil, controls)
    }

    /// Converts to UTF-8 with iconv; an incomplete character at the end marks truncation.
    static func convert(_ bytes: [UInt8], from encoding: String, name: String) throws -> Decoded {
        do {
            let converted = try Iconv.convert(bytes, from: encoding, to: "UTF-8")
            return Decoded(utf8: converted.bytes, encoding: name, truncated: converted.truncated)
        } catch let failure as Iconv.Failure {
            throw Failure.undecodable(failure.description)
        }
    }
}
