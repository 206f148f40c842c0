import PerfevalCore

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

/// Sorted runs of one kind of entry, written to a temporary file (made at the first run).
final class SortedRuns<Entry> {
    private let directory: String?
    private let encode: (Entry, inout SpillEncoder) -> Void
    private let decode: (inout SpillDecoder) -> Entry
    private var file: SpillFile?
    private(set) var runs: [Range<Int>] = []

    init(directory: String?, encode: @escaping (Entry, inout SpillEncoder) -> Void, decode: @escaping (inout SpillDecoder) -> Entry) {
        self.directory = directory; self.encode = encode; self.decode = decode
    }

    /// Writes `entries` (already sorted) as one run.
    func write(_ entries: [Entry]) throws {
        let file = try self.file ?? SpillFile(directory: directory)
        self.file = file
        var encoder = SpillEncoder()
        for entry in entries {
            encoder.beginEntry()
            encode(entry, &encoder)
            encoder.endEntry()
        }
        runs.append(try file.append(encoder))
    }

    /// The runs and then `inMemory` (sorted too) merged in the order `precedes`.
    func merged(with inMemory: [Entry], by precedes: @escaping (Entry, Entry) -> Bool) throws -> MergedRuns<Entry> {
        var sources: [() throws -> Entry?] = []
        for run in runs {
            var reader = file!.entries(of: run)
            sources.append { [decode] in try reader.next().map { fields in var fields = fields; return decode(&fields) } }
        }
        var remaining = inMemory.makeIterator()
        return try MergedRuns(sources + [{ remaining.next() }], by: precedes)
    }
}

/// A value computed once, when first asked for (the merge of runs behind a table).
final class Once<Value> {
    private var value: Value?
    private let make: () throws -> Value
    init(_ make: @escaping () throws -> Value) { self.make = make }
    func get() throws -> Value {
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}
