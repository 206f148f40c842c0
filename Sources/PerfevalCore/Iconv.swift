import Glibc

/// Character-set conversion through the C library's iconv (GB18030 ⇄ UTF-8, UTF-16 → UTF-8).
public enum Iconv {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unsupported(String)
        case invalidSequence(encoding: String, offset: Int)
        case failed(errno: Int32, offset: Int)
        public var description: String {
            switch self {
            case .unsupported(let pair): return "iconv cannot convert \(pair)"
            case .invalidSequence(let encoding, let offset): return "not \(encoding): invalid byte sequence at offset \(offset)"
            case .failed(let code, let offset): return "iconv failed with errno \(code) at offset \(offset)"
            }
        }
    }

    /// Converts `bytes`. An incomplete character at the very end (iconv's EINVAL) is not an
    /// error: the text before it is returned with `truncated` set.
    public static func convert(_ bytes: [UInt8], from source: String, to target: String) throws -> (bytes: [UInt8], truncated: Bool) {
        let converter = iconv_open(target, source)
        guard converter != iconv_t(bitPattern: -1) else { throw Failure.unsupported("\(source) → \(target)") }
        defer { iconv_close(converter) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        var truncated = false
        var produced = 0
        try input.withUnsafeMutableBufferPointer { inBuffer in
            try output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                if iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) == -1 {
                    let offset = inBuffer.count - inLeft
                    switch errno {
                    case EINVAL: truncated = true
                    case EILSEQ: throw Failure.invalidSequence(encoding: source, offset: offset)
                    default: throw Failure.failed(errno: errno, offset: offset)
                    }
                }
                produced = outBuffer.count - outLeft
            }
        }
        output.removeSubrange(produced...)
        return (output, truncated)
    }
}
