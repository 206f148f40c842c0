/// Entries keyed by their first Unicode scalar, found without hashing. A bit filter over
/// the low 16 bits of the scalar (8 KB, stays in cache) rejects most positions of a text,
/// which start no label; for the others a table over the same bits gives the slot of the
/// entries, checked against the whole scalar (the label and region scanners call this per
/// scalar, so neither hashing nor a cache miss per position).
public struct ScalarIndex<Entry: Sendable>: Sendable {
    // Internal but inlinable: the scanners of other modules inline and specialize the lookup.
    @usableFromInline var filter = SixteenBitSet()
    @usableFromInline var slots = [UInt16](repeating: 0, count: 65_536)
    @usableFromInline var slotScalars: [Unicode.Scalar] = []
    @usableFromInline var slotEntries: [[Entry]] = []
    /// Scalars of other planes whose low 16 bits are taken already (in practice none).
    @usableFromInline var overflow: [Unicode.Scalar: [Entry]] = [:]

    /// Inlinable, so that each caller's sorts are specialized for its entries (a generic
    /// sort calls through witness tables at every comparison).
    @inlinable
    public init(_ pairs: [(Unicode.Scalar, Entry)], orderedBy areInIncreasingOrder: (Entry, Entry) -> Bool) {
        var grouped: [Unicode.Scalar: [Entry]] = [:]
        for (scalar, entry) in pairs { grouped[scalar, default: []].append(entry) }
        for value in grouped.keys.map(\.value).sorted() {
            let scalar = unsafeBitCast(value, to: Unicode.Scalar.self)   // the value of a key
            let entries = grouped[scalar]!.sorted(by: areInIncreasingOrder)
            let low = Int(scalar.value & 0xFFFF)
            filter.insert(low)
            if slots[low] == 0, slotScalars.count < Int(UInt16.max) {
                slotScalars.append(scalar)
                slotEntries.append(entries)
                slots[low] = UInt16(slotScalars.count)
            } else {
                overflow[scalar] = entries
            }
        }
    }

    /// Whether some entry may start with `scalar` (false: none does), from the bit filter
    /// alone: the test a scanner makes at every position before asking for candidates.
    @inlinable @inline(__always)
    public func mayStart(with scalar: Unicode.Scalar, filter: SixteenBitSet.Bits) -> Bool {
        filter.contains(Int(scalar.value & 0xFFFF))
    }

    /// Calls `body` with the bit filter for `mayStart(with:filter:)`, held still for a scan.
    @inlinable @inline(__always)
    public func withFilter<Result>(_ body: (SixteenBitSet.Bits) throws -> Result) rethrows -> Result {
        try filter.withBits(body)
    }

    /// Calls `body` with the entries starting with `scalar` (none: an empty buffer), read in
    /// place rather than copied out (no reference counting per lookup).
    @inlinable @inline(__always)
    public func withCandidates<Result>(startingWith scalar: Unicode.Scalar, _ body: (UnsafeBufferPointer<Entry>) -> Result) -> Result {
        let slot = Int(slots[Int(scalar.value & 0xFFFF)])
        if slot != 0 && slotScalars[slot - 1] == scalar {
            return slotEntries.withUnsafeBufferPointer { $0[slot - 1].withUnsafeBufferPointer(body) }
        }
        if !overflow.isEmpty, let entries = overflow[scalar] { return entries.withUnsafeBufferPointer(body) }
        return body(UnsafeBufferPointer(start: nil, count: 0))
    }

    @inlinable @inline(__always)
    public func candidates(startingWith scalar: Unicode.Scalar) -> [Entry]? {
        let low = Int(scalar.value & 0xFFFF)
        guard filter.contains(low) else { return nil }
        let slot = Int(slots[low])
        guard slot != 0 else { return nil }
        if slotScalars[slot - 1] == scalar { return slotEntries[slot - 1] }
        return overflow.isEmpty ? nil : overflow[scalar]
    }
}
