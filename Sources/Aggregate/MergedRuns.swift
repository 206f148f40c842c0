import Foundation
import PerfevalCore

/// Sorted sources merged into one sorted sequence; of equal entries, the earlier source's
/// comes first (runs are written in input order, so the merge does not depend on timing).
/// The sources' next entries are kept in a binary heap: a merge of a hundred runs costs a
/// few comparisons per entry, not a hundred.
struct MergedRuns<Entry> {
    private var sources: [() throws -> Entry?]
    private var heap: [(entry: Entry, source: Int)] = []
    private let precedes: (Entry, Entry) -> Bool

    init(_ sources: [() throws -> Entry?], by precedes: @escaping (Entry, Entry) -> Bool) throws {
        self.sources = sources
        self.precedes = precedes
        for (index, source) in sources.enumerated() {
            if let entry = try source() {
                heap.append((entry, index))
                siftUp(heap.count - 1)
            }
        }
    }

    mutating func next() throws -> Entry? {
        guard let top = heap.first else { return nil }
        if let entry = try sources[top.source]() {
            heap[0] = (entry, top.source)
        } else {
            let last = heap.removeLast()
            if heap.isEmpty { return top.entry }
            heap[0] = last
        }
        siftDown(0)
        return top.entry
    }

    /// Heap order: by entry, then by source.
    private func before(_ a: Int, _ b: Int) -> Bool {
        let (left, right) = (heap[a], heap[b])
        if precedes(left.entry, right.entry) { return true }
        return !precedes(right.entry, left.entry) && left.source < right.source
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0, before(child, (child - 1) / 2) {
            heap.swapAt(child, (child - 1) / 2)
            child = (child - 1) / 2
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count && before(left, first) { first = left }
            if right < heap.count && before(right, first) { first = right }
            if first == parent { return }
            heap.swapAt(parent, first)
            parent = first
        }
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

/// A value computed once, when first asked for (the merge of runs behind a table). Tables
/// are written on several threads: a second caller waits for the first one's value.
final class Once<Value>: @unchecked Sendable {
    private var value: Value?
    private let make: () throws -> Value
    private let lock = NSLock()
    init(_ make: @escaping () throws -> Value) { self.make = make }
    func get() throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}
