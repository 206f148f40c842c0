/// Entries keyed by their first Unicode scalar, found without hashing: a table over the low
/// 16 bits of the scalar gives the slot of its entries (0 for none), checked against the
/// whole scalar. Most positions of a text start no label, and one array load is much
/// cheaper than hashing the scalar (the label and region scanners call this per scalar).
public struct ScalarIndex<Entry: Sendable>: Sendable {
    private var slots = [UInt16](repeating: 0, count: 65_536)
    private var slotScalars: [Unicode.Scalar] = []
    private var slotEntries: [[Entry]] = []
    /// Scalars of other planes whose low 16 bits are taken already (in practice none).
    private var overflow: [Unicode.Scalar: [Entry]] = [:]

    public init(_ pairs: [(Unicode.Scalar, Entry)], orderedBy areInIncreasingOrder: (Entry, Entry) -> Bool) {
        var grouped: [Unicode.Scalar: [Entry]] = [:]
        for (scalar, entry) in pairs { grouped[scalar, default: []].append(entry) }
        for scalar in grouped.keys.sorted(by: { $0.value < $1.value }) {
            let entries = grouped[scalar]!.sorted(by: areInIncreasingOrder)
            let low = Int(scalar.value & 0xFFFF)
            if slots[low] == 0, slotScalars.count < Int(UInt16.max) {
                slotScalars.append(scalar)
                slotEntries.append(entries)
                slots[low] = UInt16(slotScalars.count)
            } else {
                overflow[scalar] = entries
            }
        }
    }

    @inline(__always)
    public func candidates(startingWith scalar: Unicode.Scalar) -> [Entry]? {
        let slot = Int(slots[Int(scalar.value & 0xFFFF)])
        guard slot != 0 else { return nil }
        if slotScalars[slot - 1] == scalar { return slotEntries[slot - 1] }
        return overflow.isEmpty ? nil : overflow[scalar]
    }
}
