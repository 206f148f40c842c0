/// A set of values 0…65535 (the low 16 bits of a scalar, a 16-bit hash of two scalars) as
/// 1,024 words of bits (8 KB, stays in cache): the filters a scan tests at every position
/// of a text, one shift and mask each.
public struct SixteenBitSet: Sendable {
    @usableFromInline var words = [UInt64](repeating: 0, count: 1024)

    public init() {}

    /// Adds `value` (0…65535).
    @inlinable
    public mutating func insert(_ value: Int) { words[value >> 6] |= 1 << UInt64(value & 63) }

    @inlinable @inline(__always)
    public func contains(_ value: Int) -> Bool { words[value >> 6] & (1 << UInt64(value & 63)) != 0 }

    /// Calls `body` with the bits held still, for the tests of a scan (no reference counting
    /// or bounds checks of the array per test).
    @inlinable @inline(__always)
    public func withBits<Result>(_ body: (Bits) throws -> Result) rethrows -> Result {
        try words.withUnsafeBufferPointer { try body(Bits(words: $0)) }
    }

    /// The bits of a set, held still by `withBits`.
    public struct Bits {
        @usableFromInline let words: UnsafeBufferPointer<UInt64>
        @inlinable init(words: UnsafeBufferPointer<UInt64>) { self.words = words }

        @inlinable @inline(__always)
        public func contains(_ value: Int) -> Bool { words[value >> 6] & (1 << UInt64(value & 63)) != 0 }
    }
}
