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
