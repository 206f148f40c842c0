/// Width and space folding shared by ingest (document text) and by the stages that
/// match labels from data/ files, so that both sides compare the same way.
public enum TextFolding {
    /// Folds one scalar: full-width ASCII forms (０-９ ． ％ （ ） ：) to ASCII, the special
    /// spaces (U+3000, U+2002, U+00A0 …) to a plain space; returns nil for scalars to drop
    /// (zero-width characters and stray byte-order marks).
    @inline(__always)
    public static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        switch value {
        case 0xFF01...0xFF5E: return Unicode.Scalar(value - 0xFEE0)
        case 0x3000, 0x00A0, 0x2000...0x200A, 0x202F, 0x205F: return " "
        case 0x200B...0x200D, 0xFEFF: return nil
        default: return scalar
        }
    }

    /// Folded text with every kind of whitespace removed: the form used to compare a cell
    /// or a label (`全年  预算数` and `全年\n预算数` both become `全年预算数`).
    public static func compact<S: Sequence>(_ scalars: S) -> [Unicode.Scalar] where S.Element == Unicode.Scalar {
        var out: [Unicode.Scalar] = []
        for scalar in scalars {
            guard let folded = fold(scalar), !isSpace(folded) else { continue }
            out.append(folded)
        }
        return out
    }

    /// `compact` of a String, decoding its UTF-8 directly (a String's bytes are valid UTF-8):
    /// every paragraph and cell goes through here.
    public static func compact(_ text: String) -> [Unicode.Scalar] {
        // A native String's UTF-8 is read in place (no copy of the String to call `withUTF8`).
        if let compacted = text.utf8.withContiguousStorageIfAvailable({ compact(utf8: $0) }) { return compacted }
        var text = text
        return text.withUTF8(compact(utf8:))
    }

    @inline(__always)
    static func compact(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [Unicode.Scalar] {
        scalarArray(atMost: bytes.count) { compactUTF8(bytes, into: $0) } ?? []
    }

    /// Calls `body` with `compact(text)` held in a scratch buffer, for a caller that only
    /// reads it (no array made).
    public static func withCompacted(_ text: String, _ body: (UnsafeBufferPointer<Unicode.Scalar>) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: max(bytes.count, 1)) { scratch in
                body(UnsafeBufferPointer(rebasing: scratch[..<compactUTF8(bytes, into: scratch.baseAddress!)]))
            }
        }
    }

    /// Writes the compacted scalars of a String's UTF-8 to `out` (room for one per byte);
    /// returns their count. Counts and offsets stay within the buffer's size: wrapping
    /// arithmetic, no overflow checks in the loop every text of a report goes through.
    @inline(__always)
    static func compactUTF8(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<Unicode.Scalar>) -> Int {
        var count = 0
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                // ASCII folds to itself.
                if !isSpace(Unicode.Scalar(lead)) { out[count] = Unicode.Scalar(lead); count &+= 1 }
                index &+= 1
                continue
            }
            if lead >= 0xE4 && lead <= 0xEE {
                // U+4000…U+EFFF (the CJK ideographs among them) fold to themselves.
                let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index &+ 1] & 0x3F) << 6 | UInt32(bytes[index &+ 2] & 0x3F)
                out[count] = unsafeBitCast(value, to: Unicode.Scalar.self)
                count &+= 1
                index &+= 3
                continue
            }
            let (value, length) = decodeValidUTF8(bytes, at: index)
            index += length
            // A String's UTF-8 is valid: every decoded value is a scalar.
            guard let folded = fold(unsafeBitCast(value, to: Unicode.Scalar.self)), !isSpace(folded) else { continue }
            out[count] = folded
            count &+= 1
        }
        return count
    }

    /// The scalars `fill` writes to a scratch buffer of `maxCount` (returning how many, or nil
    /// to give up), as an array of exactly that size. Scratch first, then one copy: an array
    /// made with `unsafeUninitializedCapacity` goes through the runtime's generic allocation,
    /// which looks up its type's metadata on every call; `append(contentsOf:)` to an empty
    /// array takes the growth path. `Array(buffer)` allocates the exact size at once.
    @inline(__always)
    static func scalarArray(atMost maxCount: Int, _ fill: (UnsafeMutablePointer<Unicode.Scalar>) -> Int?) -> [Unicode.Scalar]? {
        guard maxCount > 0 else { return [] }
        return withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: maxCount) { scratch -> [Unicode.Scalar]? in
            guard let count = fill(scratch.baseAddress!) else { return nil }
            return Array(UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }

    /// The scalar value at `index` of valid UTF-8 and its length in bytes.
    @inline(__always)
    static func decodeValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        func continuation(_ offset: Int) -> UInt32 { UInt32(bytes[index + offset] & 0x3F) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | continuation(1), 2) }
        if lead < 0xF0 { return ((lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2), 3) }
        return ((lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3), 4)
    }

    /// Folds the scalars of UTF-8 bytes into `out` (scalars `fold` drops left out); false,
    /// with `out` unchanged, at the first byte that is not well-formed UTF-8 (then
    /// `String(decoding:)`, with its U+FFFD replacements, is the way to read them).
    public static func foldValidUTF8(_ bytes: ArraySlice<UInt8>, into out: inout [Unicode.Scalar]) -> Bool {
        guard let folded = foldedValidUTF8(bytes) else { return false }
        out += folded
        return true
    }

    /// The folded scalars of well-formed UTF-8 bytes, nil if they are not well-formed.
    public static func foldedValidUTF8(_ bytes: ArraySlice<UInt8>) -> [Unicode.Scalar]? {
        decodedValidUTF8(bytes, folding: true)
    }

    /// The scalars of well-formed UTF-8 bytes, unfolded; nil if they are not well-formed.
    public static func scalarsOfValidUTF8(_ bytes: ArraySlice<UInt8>) -> [Unicode.Scalar]? {
        decodedValidUTF8(bytes, folding: false)
    }

    /// Decodes into a scratch buffer of one slot per byte (an upper bound on the scalars),
    /// written in place rather than appended scalar by scalar.
    @inline(__always)
    static func decodedValidUTF8(_ bytes: ArraySlice<UInt8>, folding: Bool) -> [Unicode.Scalar]? {
        bytes.withUnsafeBufferPointer { decodedValidUTF8($0, folding: folding) }
    }

    @inline(__always)
    static func decodedValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, folding: Bool) -> [Unicode.Scalar]? {
        scalarArray(atMost: bytes.count) { decodeValidUTF8(bytes, folding: folding, into: $0) }
    }

    /// Writes the (folded) scalars of `bytes` to `out` and returns their count; nil at the
    /// first byte that is not well-formed UTF-8.
    @inline(__always)
    static func decodeValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, folding: Bool, into out: UnsafeMutablePointer<Unicode.Scalar>) -> Int? {
        // Counts and offsets stay within the buffer's size: wrapping arithmetic in the fast paths.
        var count = 0
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                out[count] = Unicode.Scalar(lead)   // ASCII: folding keeps it
                count &+= 1
                index &+= 1
                continue
            }
            // U+4000…U+CFFF (the CJK ideographs among them): well-formed with two
            // continuation bytes, and folding keeps them.
            if lead >= 0xE4 && lead <= 0xEC, index &+ 3 <= bytes.count,
               bytes[index &+ 1] & 0xC0 == 0x80, bytes[index &+ 2] & 0xC0 == 0x80 {
                let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index &+ 1] & 0x3F) << 6 | UInt32(bytes[index &+ 2] & 0x3F)
                out[count] = unsafeBitCast(value, to: Unicode.Scalar.self)
                count &+= 1
                index &+= 3
                continue
            }
            // Other three-byte sequences whose second byte may be any continuation byte (leads
            // E1…EF but ED): full-width forms and CJK punctuation (`，` `。`), folded as below.
            if let scalar = WellFormedUTF8.commonThreeByteScalar(in: bytes, at: index) {
                if !folding {
                    out[count] = scalar
                    count &+= 1
                } else if let folded = fold(scalar) {
                    out[count] = folded
                    count &+= 1
                }
                index &+= 3
                continue
            }
            // Other sequences, checked against Unicode table 3-7.
            guard let (scalar, length) = WellFormedUTF8.multiByteScalar(in: bytes, at: index) else { return nil }
            if !folding {
                out[count] = scalar
                count += 1
            } else if let folded = fold(scalar) {
                out[count] = folded
                count += 1
            }
            index += length
        }
        return count
    }

    /// The scalars without leading and trailing whitespace.
    public static func trimmed(_ slice: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var slice = slice
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    @inline(__always)
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    @inline(__always)
    public static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

    /// CJK unified ideographs (the basic block and extension A).
    @inline(__always)
    public static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }
}

extension String {
    /// The text's scalars, unfolded: `Array(unicodeScalars)` decoded from the UTF-8 directly.
    public var scalarArray: [Unicode.Scalar] {
        var text = self
        return text.withUTF8 { TextFolding.decodedValidUTF8($0, folding: false) } ?? Array(unicodeScalars)
    }
}

extension Array where Element == Unicode.Scalar {
    /// The text these scalars spell (encoded to UTF-8 by hand: much faster than appending
    /// scalars to a String one by one).
    public var string: String { self[...].string }

    /// Index of the first occurrence of `needle` at or after `from`, or nil.
    /// Scans raw buffers (no bounds check or retain per scalar): the taxonomy looks for every
    /// keyword in every problem and measure item.
    @inlinable
    public func firstIndex(of needle: [Unicode.Scalar], from: Int = 0) -> Int? {
        guard let head = needle.first, needle.count <= count, from >= 0 else { return nil }
        return withUnsafeBufferPointer { text in
            needle.withUnsafeBufferPointer { needle in
                var index = from
                let last = text.count - needle.count
                while index <= last {
                    if text[index] == head {
                        var offset = 1
                        while offset < needle.count && text[index + offset] == needle[offset] { offset += 1 }
                        if offset == needle.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }

    @inlinable
    public func contains(_ needle: [Unicode.Scalar]) -> Bool { firstIndex(of: needle) != nil }

    /// Whether `needle` is spelled at `index` (label matching calls this at every position).
    @inlinable @inline(__always)
    public func matches(_ needle: [Unicode.Scalar], at index: Int) -> Bool {
        guard index >= 0, index + needle.count <= count else { return false }
        for offset in 0..<needle.count where self[index + offset] != needle[offset] { return false }
        return true
    }
}

extension ArraySlice where Element == Unicode.Scalar {
    /// Encoded to UTF-8 in a scratch buffer, then copied into the String without being
    /// validated again (encoded scalars are well-formed UTF-8).
    public var string: String {
        if isEmpty { return "" }
        return withUnsafeBufferPointer { scalars in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scalars.count * 4) { bytes in
                // Offsets stay within the buffer and each byte is computed in range: wrapping
                // arithmetic and truncating conversions, no checks per scalar.
                func byte(_ value: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: value) }
                var at = 0
                for scalar in scalars {
                    let value = scalar.value
                    switch value {
                    case 0..<0x80:
                        bytes[at] = byte(value); at &+= 1
                    case 0x80..<0x800:
                        bytes[at] = byte(0xC0 | (value >> 6)); bytes[at &+ 1] = byte(0x80 | (value & 0x3F)); at &+= 2
                    case 0x800..<0x10000:
                        bytes[at] = byte(0xE0 | (value >> 12)); bytes[at &+ 1] = byte(0x80 | ((value >> 6) & 0x3F))
                        bytes[at &+ 2] = byte(0x80 | (value & 0x3F)); at &+= 3
                    default:
                        bytes[at] = byte(0xF0 | (value >> 18)); bytes[at &+ 1] = byte(0x80 | ((value >> 12) & 0x3F))
                        bytes[at &+ 2] = byte(0x80 | ((value >> 6) & 0x3F)); bytes[at &+ 3] = byte(0x80 | (value & 0x3F)); at &+= 4
                    }
                }
                return String(wellFormedUTF8: UnsafeBufferPointer(rebasing: bytes[..<at]))
            }
        }
    }
}
