import PerfevalCore

/// Stage 1: bytes of one input file → a document of blocks.
public enum Ingest {
    public struct Result: Sendable {
        public var document: Document
        public var encoding: String
        public var truncated: Bool
    }

    public static func read(bytes: [UInt8]) throws -> Result {
        let decoded = try TextDecoder.decode(bytes)
        return Result(document: TikaText.parse(utf8: decoded.utf8), encoding: decoded.encoding, truncated: decoded.truncated)
    }
}
