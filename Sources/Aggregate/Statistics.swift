import PerfevalCore

/// Mean, median, minimum and maximum of exact values (mean and median to 2 decimals).
struct Summary {
    var mean: ExactDecimal
    var median: ExactDecimal
    var min: ExactDecimal
    var max: ExactDecimal

    init?(_ values: [ExactDecimal]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        // Summed in 128 bits: a column of near-limit values cannot overflow.
        mean = ExactDecimal.mean(sorted)!
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : ExactDecimal.mean([sorted[middle - 1], sorted[middle]])!
        min = sorted[0]
        max = sorted[sorted.count - 1]
    }
}

extension Sequence where Element == ExactDecimal {
    /// The exact sum, nil when it does not fit (then the cell stays empty).
    func total() -> ExactDecimal? { ExactDecimal.sum(self) }
}

/// Competition ranking, highest first: 100, 95, 95, 90 → 1, 2, 2, 4.
func ranks(_ values: [ExactDecimal]) -> [Int] {
    values.map { value in values.filter { $0 > value }.count + 1 }
}

/// The longest run of consecutive years: 2021, 2022, 2023, 2025 → 3.
func longestRun(_ years: [Int]) -> Int {
    let sorted = Array(Set(years)).sorted()
    var best = 0, current = 0, previous: Int?
    for year in sorted {
        current = (previous.map { year == $0 + 1 } ?? false) ? current + 1 : 1
        best = Swift.max(best, current)
        previous = year
    }
    return best
}
