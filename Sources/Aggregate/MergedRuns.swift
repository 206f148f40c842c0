/// Sorted sources merged into one sorted sequence; of equal entries, the earlier source's
/// comes first (runs are written in input order, so the merge does not depend on timing).
struct MergedRuns<Entry> {
    private var sources: [() throws -> Entry?]
    private var heads: [Entry?]
    private let precedes: (Entry, Entry) -> Bool

    init(_ sources: [() throws -> Entry?], by precedes: @escaping (Entry, Entry) -> Bool) throws {
        self.sources = sources
        self.precedes = precedes
        heads = try sources.map { try $0() }
    }

    mutating func next() throws -> Entry? {
        var best: Int?
        for index in heads.indices {
            guard let head = heads[index] else { continue }
            if let chosen = best, !precedes(head, heads[chosen]!) { continue }
            best = index
        }
        guard let best else { return nil }
        let entry = heads[best]
        heads[best] = try sources[best]()
        return entry
    }
}
