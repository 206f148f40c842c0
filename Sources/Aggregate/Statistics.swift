import PerfevalCore

/// A running exact sum and count: what a mean or a total needs, without the values.
struct RunningSum {
    private(set) var count = 0
    private(set) var total: Int128 = 0   // 128 bits: a column of near-limit values cannot overflow

    mutating func add(_ value: ExactDecimal?) {
        guard let value else { return }
        count += 1
        total += Int128(value.millionths)
    }

    /// The exact sum (0 when empty), nil when it does not fit (then the cell stays empty).
    var sum: ExactDecimal? { Int64(exactly: total).map { ExactDecimal(millionths: $0) } }
    /// The mean to 2 decimals, nil when empty.
    var mean: ExactDecimal? { ExactDecimal.mean(total: total, count: count) }

    /// Adds another sum's values (the same sum of two runs of reports).
    mutating func merge(_ other: RunningSum) {
        count += other.count
        total += other.total
    }

    func encode(_ encoder: inout SpillEncoder) { encoder.put(Int64(count)); encoder.put(total) }
    static func decode(_ decoder: inout SpillDecoder) -> RunningSum {
        var sum = RunningSum()
        sum.count = Int(decoder.take(Int64.self))
        sum.total = decoder.take()
        return sum
    }
}

/// The values of one column within one group (its rates, scores or personnel shares):
/// their exact sum, count, minimum and maximum here; how often each value occurs, for the
/// median, in the shared `ValueCounts` under this tally's number.
struct Tally {
    private(set) var sum = RunningSum()
    private(set) var number: Int32 = -1
    private var min = Int64.max, max = Int64.min

    var count: Int { sum.count }

    mutating func add(_ value: ExactDecimal?, into counts: inout ValueCounts) {
        guard let value else { return }
        sum.add(value)
        min = Swift.min(min, value.millionths)
        max = Swift.max(max, value.millionths)
        counts.add(value.millionths, tally: &number)
    }

    /// nil when the tally is empty; `medians` by tally number (`ValueCounts.medians`).
    func summary(_ medians: [ExactDecimal]) -> Summary? {
        guard count > 0 else { return nil }
        return Summary(mean: sum.mean!, median: medians[Int(number)], min: ExactDecimal(millionths: min), max: ExactDecimal(millionths: max))
    }
}

/// Mean, median, minimum and maximum of exact values (mean and median to 2 decimals).
struct Summary {
    var mean: ExactDecimal
    var median: ExactDecimal
    var min: ExactDecimal
    var max: ExactDecimal
}

/// Competition ranking, highest first: 100, 95, 95, 90 → 1, 2, 2, 4.
func ranks(_ values: [ExactDecimal]) -> [Int] {
    values.map { value in values.filter { $0 > value }.count + 1 }
}

/// The longest run of consecutive years: 2021, 2022, 2023, 2025 → 3.
func longestRun(_ years: [Int]) -> Int {
    // Years already ascending and distinct (as recurring.csv lists them) are taken as they are.
    let ascending = zip(years, years.dropFirst()).allSatisfy { $0 < $1 }
    let sorted = ascending ? years : Array(Set(years)).sorted()
    var best = 0, current = 0, previous: Int?
    for year in sorted {
        current = (previous.map { year == $0 + 1 } ?? false) ? current + 1 : 1
        best = Swift.max(best, current)
        previous = year
    }
    return best
}
