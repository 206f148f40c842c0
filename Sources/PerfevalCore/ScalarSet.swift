/// A small, fixed set of scalars (punctuation, unit characters) tested per scalar of a
/// text: two 64-bit masks over bits of the scalar reject most scalars at once, the few
/// others are looked up in the member list (no hashing, which `Set` does per lookup).
public struct ScalarSet: Sendable {
    @usableFromInline let lowMask: UInt64
    @usableFromInline let highMask: UInt64
    @usableFromInline let members: [UInt32]

    public init<S: Sequence>(_ scalars: S) where S.Element == Unicode.Scalar {
        var low: UInt64 = 0, high: UInt64 = 0, members: [UInt32] = []
        for scalar in scalars where !members.contains(scalar.value) {
            low |= 1 << UInt64(scalar.value & 63)
            high |= 1 << UInt64((scalar.value >> 6) & 63)
            members.append(scalar.value)
        }
        (lowMask, highMask, self.members) = (low, high, members)
    }

    public init(_ text: String) { self.init(text.unicodeScalars) }

    @inlinable @inline(__always)
    public func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        guard lowMask & (1 << UInt64(value & 63)) != 0, highMask & (1 << UInt64((value >> 6) & 63)) != 0 else { return false }
        return members.contains(value)
    }
}
