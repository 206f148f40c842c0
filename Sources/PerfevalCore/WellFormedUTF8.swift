extension String {
    /// A copy of UTF-8 bytes that the caller has made or checked itself and knows to be
    /// well-formed: `String(decoding:as:)` would validate them again, which costs about
    /// twelve instructions per byte of Chinese text, more than the copy. Bytes that are not
    /// well-formed UTF-8 must never come here (the String would break its invariants).
    @inlinable
    public init(wellFormedUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        assert(String(validating: bytes, as: UTF8.self) != nil, "bytes that are not well-formed UTF-8")  // debug builds (tests) only
        self = String(copying: UTF8Span(unchecked: bytes.span))
    }
}

/// One multi-byte UTF-8 sequence, decoded only if it is well-formed (Unicode table 3-7):
/// the lead byte gives the length and the range of the second byte (which rules out
/// overlong forms, surrogates and values past U+10FFFF); the other bytes are continuation
/// bytes. Shared by the decoders that fold text on the way.
public enum WellFormedUTF8 {
    /// The scalar of a three-byte sequence at `index` whose lead is E1…EC or EE…EF (U+1000…
    /// U+FFFF but the surrogates: any continuation bytes make a scalar), nil for any other
    /// bytes: the quick test for Chinese text, before `multiByteScalar`.
    @inlinable @inline(__always)
    public static func commonThreeByteScalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Unicode.Scalar? {
        let lead = bytes[index]
        guard lead &- 0xE1 <= 0xEF - 0xE1, lead != 0xED, index &+ 3 <= bytes.count,
              bytes[index &+ 1] & 0xC0 == 0x80, bytes[index &+ 2] & 0xC0 == 0x80 else { return nil }
        let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index &+ 1] & 0x3F) << 6 | UInt32(bytes[index &+ 2] & 0x3F)
        return unsafeBitCast(value, to: Unicode.Scalar.self)
    }

    /// The scalar of the sequence that starts at `index` (a byte of 0x80 or more) and its
    /// length in bytes; nil if the bytes there are not well-formed.
    @inlinable @inline(__always)
    public static func multiByteScalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        let lead = bytes[index]
        let length: Int, low: UInt8, high: UInt8
        switch lead {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return nil
        }
        guard index + length <= bytes.count, (low...high).contains(bytes[index + 1]) else { return nil }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (unsafeBitCast(value, to: Unicode.Scalar.self), length)   // well-formed: a scalar value
    }
}
