/// Entries keyed by their first Unicode scalar, with a bit filter in front of the
/// dictionary: most positions of a text start no label, and testing one bit is much
/// cheaper than hashing the scalar (the label and region scanners call this per scalar).
public struct ScalarIndex<Entry: Sendable>: Sendable {
    private var filter = [UInt64](repeating: 0, count: 1024)   // 65,536 bits over value & 0xFFFF
    private var entries: [Unicode.Scalar: [Entry]] = [:]

    public init(_ pairs: [(Unicode.Scalar, Entry)], orderedBy areInIncreasingOrder: (Entry, Entry) -> Bool) {
        for (scalar, entry) in pairs {
            entries[scalar, default: []].append(entry)
            let bit = Int(scalar.value & 0xFFFF)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        entries = entries.mapValues { $0.sorted(by: areInIncreasingOrder) }
    }

    @inline(__always)
    public func candidates(startingWith scalar: Unicode.Scalar) -> [Entry]? {
        let bit = Int(scalar.value & 0xFFFF)
        guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return nil }
        return entries[scalar]
    }
}
