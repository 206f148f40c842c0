import PerfevalCore

/// How often each value occurs in each tally (one column within one group: its rates,
/// scores or personnel shares), for the medians. Held in memory for at most `limit`
/// distinct (tally, value) pairs; then sorted and written as a run to a temporary file,
/// like per-agency figures, so memory does not grow with the number of records.
struct ValueCounts {
    private let limit: Int
    private let runs: SortedRuns<Occurrences>
    private var counts: [Occurrence: Int] = [:]
    /// How many values each tally has, by tally number.
    private var sizes: [Int] = []

    init(limit: Int, spillDirectory: String?) {
        self.limit = max(1, limit)
        runs = SortedRuns(directory: spillDirectory, encode: Occurrences.encode, decode: Occurrences.decode)
    }

    /// One more `value` in `tally` (numbered here when it has no number yet: -1).
    mutating func add(_ value: Int64, tally: inout Int32) {
        if tally < 0 {
            tally = Int32(sizes.count)
            sizes.append(0)
        }
        sizes[Int(tally)] += 1
        counts[Occurrence(tally: tally, value: value), default: 0] += 1
    }

    /// Writes a run when the limit is reached.
    mutating func spillIfFull() throws {
        guard counts.count >= limit else { return }
        try runs.write(sorted())
        counts = [:]
    }

    var runsWritten: Int { runs.runs.count }

    /// The median of each tally, by tally number (to 2 decimals; the mean of the two middle
    /// values when a tally has an even number of them).
    func medians() throws -> [ExactDecimal] {
        var medians = [ExactDecimal](repeating: .zero, count: sizes.count)
        var merged = try runs.merged(with: sorted(), by: Occurrences.precedes)
        var tally: Int32 = -1, seen = 0, lower: Int64 = 0
        while let entry = try merged.next() {
            if entry.tally != tally { tally = entry.tally; seen = 0 }
            let size = sizes[Int(tally)], before = seen
            seen += entry.count
            // The values at positions (size − 1) / 2 and size / 2 of the sorted column.
            if before <= (size - 1) / 2 && (size - 1) / 2 < seen { lower = entry.value }
            if before <= size / 2 && size / 2 < seen {
                let upper = ExactDecimal(millionths: entry.value)
                medians[Int(tally)] = size % 2 == 1 ? upper : ExactDecimal.mean([ExactDecimal(millionths: lower), upper])!
            }
        }
        return medians
    }

    private func sorted() -> [Occurrences] {
        counts.map { Occurrences(tally: $0.key.tally, value: $0.key.value, count: $0.value) }.sorted(by: Occurrences.precedes)
    }

    private struct Occurrence: Hashable { var tally: Int32, value: Int64 }

    /// A value and how often it occurred in a tally.
    struct Occurrences {
        var tally: Int32, value: Int64, count: Int

        static func precedes(_ a: Occurrences, _ b: Occurrences) -> Bool { (a.tally, a.value) < (b.tally, b.value) }
        static func encode(_ entry: Occurrences, _ encoder: inout SpillEncoder) {
            encoder.put(entry.tally); encoder.put(entry.value); encoder.put(Int64(entry.count))
        }
        static func decode(_ decoder: inout SpillDecoder) -> Occurrences {
            Occurrences(tally: decoder.take(), value: decoder.take(), count: Int(decoder.take(Int64.self)))
        }
    }
}
