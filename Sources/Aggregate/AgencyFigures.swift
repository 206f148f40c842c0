import PerfevalCore

/// The per-agency part of the comparative step: which agencies each group has, each
/// agency's figures per kind and year (agency_trends.csv) and the problem categories it
/// reported per year (recurring.csv). This part grows with the number of agencies, so it is
/// held in memory for at most `limit` agencies at a time: then it is sorted, written to a
/// temporary file as a run, and memory starts afresh. The tables merge the runs, so they
/// come out the same however many runs there were.
struct AgencyFigures {
    private let limit: Int
    private let trendRuns: SortedRuns<TrendEntry>, recurringRuns: SortedRuns<RecurrenceEntry>, memberRuns: SortedRuns<MemberEntry>
    /// The agencies of the current run, numbered in order of first sight: the figures below
    /// hold numbers, not names.
    private var numbers: [String: [String: Int32]] = [:]   // region code → name → number
    private var agencies: [AgencyName] = []
    private var trends: [TrendKey: YearFigures] = [:]
    private var recurring: Set<Recurrence> = []
    private var members: Set<Membership> = []
    /// Problem categories, numbered once for the whole run (there are few).
    private var categories = Numbering<String>()

    init(limit: Int, spillDirectory: String?) {
        self.limit = max(1, limit)
        trendRuns = SortedRuns(directory: spillDirectory, encode: TrendEntry.encode, decode: TrendEntry.decode)
        recurringRuns = SortedRuns(directory: spillDirectory, encode: RecurrenceEntry.encode, decode: RecurrenceEntry.decode)
        memberRuns = SortedRuns(directory: spillDirectory, encode: MemberEntry.encode, decode: MemberEntry.decode)
    }

    // MARK: adding

    mutating func number(of agency: AgencyName) -> Int32 {
        if let number = numbers[agency.regionCode]?[agency.name] { return number }
        let number = Int32(agencies.count)
        numbers[agency.regionCode, default: [:]][agency.name] = number
        agencies.append(agency)
        return number
    }

    /// The agency counts in agency set `set` (sets are numbered by the caller).
    mutating func addMember(_ agency: Int32, toSet set: Int32) { members.insert(Membership(set: set, agency: agency)) }

    mutating func addTrend(_ agency: Int32, kind: String, year: Int, record: RecordRow) {
        trends[TrendKey(agency: agency, kind: kind, year: Int16(clamping: year)), default: YearFigures()].add(record)
    }

    mutating func addRecurrence(_ agency: Int32, category: String, year: Int) {
        recurring.insert(Recurrence(agency: agency, category: categories.number(category), year: Int16(clamping: year)))
    }

    /// Writes a run when the limit is reached; call between reports, never inside one.
    mutating func spillIfFull() throws {
        guard agencies.count >= limit else { return }
        let ranks = agencyRanks()
        try trendRuns.write(sortedTrends(ranks))
        try recurringRuns.write(sortedRecurrences(ranks))
        try memberRuns.write(sortedMembers(ranks))
        numbers = [:]; agencies = []; trends = [:]; recurring = []; members = []
    }

    /// Runs written so far (each holds up to `limit` agencies).
    var runsWritten: Int { trendRuns.runs.count }

    // MARK: reading the merged runs

    // The readers below take `ranks`, the `agencyRanks()` of the figures in memory.

    /// How many distinct agencies each set has, by set number.
    func distinctAgencies(sets: Int, ranks: [Int32]) throws -> [Int] {
        var counts = [Int](repeating: 0, count: sets)
        if memberRuns.runs.isEmpty {
            // All in memory: an agency has one number, so the memberships are distinct already.
            for member in members { counts[Int(member.set)] += 1 }
            return counts
        }
        var merged = try memberRuns.merged(with: sortedMembers(ranks), by: MemberEntry.precedes)
        var previous: MemberEntry?
        while let entry = try merged.next() {
            if let previous, previous.set == entry.set, previous.agency == entry.agency { continue }
            counts[Int(entry.set)] += 1
            previous = entry
        }
        return counts
    }

    /// Each agency's figures per kind and year, by agency name, region code, kind and year.
    func forEachTrend(ranks: [Int32], _ body: (TrendEntry) throws -> Void) throws {
        var merged = try trendRuns.merged(with: sortedTrends(ranks), by: TrendEntry.precedes)
        var current: TrendEntry?
        while let entry = try merged.next() {
            if let same = current, same.agency == entry.agency, same.kind == entry.kind, same.year == entry.year {
                current!.figures.merge(entry.figures)
                continue
            }
            if let current { try body(current) }
            current = entry
        }
        if let current { try body(current) }
    }

    /// Each agency's problem categories with the years that reported them (ascending, once each).
    func forEachRecurrence(ranks: [Int32], _ body: (_ agency: AgencyName, _ category: String, _ years: [Int]) throws -> Void) throws {
        var merged = try recurringRuns.merged(with: sortedRecurrences(ranks), by: RecurrenceEntry.precedes)
        var current: RecurrenceEntry?, years: [Int] = []
        while let entry = try merged.next() {
            if let same = current, same.agency == entry.agency, same.category == entry.category {
                if years.last != Int(entry.year) { years.append(Int(entry.year)) }
                continue
            }
            if let current { try body(current.agency, current.category, years) }
            current = entry
            years = [Int(entry.year)]
        }
        if let current { try body(current.agency, current.category, years) }
    }

    // MARK: runs

    // Entries are sorted by the rank of their agency (and of their category), numbers found
    // once per run by sorting the names: the same order as comparing the names entry by entry.

    private func sortedTrends(_ ranks: [Int32]) -> [TrendEntry] {
        let entries = Array(trends)
        let order = entries.indices.sorted { a, b in
            let (left, right) = (entries[a].key, entries[b].key)
            if left.agency != right.agency { return ranks[Int(left.agency)] < ranks[Int(right.agency)] }
            return left.kind != right.kind ? left.kind < right.kind : left.year < right.year
        }
        return order.map {
            let (key, figures) = entries[$0]
            return TrendEntry(agency: agencies[Int(key.agency)], kind: key.kind, year: key.year, figures: figures)
        }
    }

    private func sortedRecurrences(_ ranks: [Int32]) -> [RecurrenceEntry] {
        let names = categories.keys
        let categoryRanks = Self.ranks(of: names.count) { names[$0] < names[$1] }
        let sorted = recurring.sorted { a, b in
            (ranks[Int(a.agency)], categoryRanks[Int(a.category)], a.year) < (ranks[Int(b.agency)], categoryRanks[Int(b.category)], b.year)
        }
        return sorted.map { RecurrenceEntry(agency: agencies[Int($0.agency)], category: names[Int($0.category)], year: $0.year) }
    }

    private func sortedMembers(_ ranks: [Int32]) -> [MemberEntry] {
        let sorted = members.sorted { a, b in (a.set, ranks[Int(a.agency)]) < (b.set, ranks[Int(b.agency)]) }
        return sorted.map { MemberEntry(set: $0.set, agency: agencies[Int($0.agency)]) }
    }

    /// Each agency's place, by number, in the order of names then region codes (agencies
    /// of a run are distinct, so no two share a place).
    func agencyRanks() -> [Int32] {
        Self.ranks(of: agencies.count) { left, right in
            let (a, b) = (agencies[left], agencies[right])
            // By name, then region code: one comparison of names when the first is smaller.
            if a.name < b.name { return true }
            return b.name < a.name ? false : a.regionCode < b.regionCode
        }
    }

    /// The place of each of `count` numbered items in the order `precedes`.
    static func ranks(of count: Int, by precedes: (Int, Int) -> Bool) -> [Int32] {
        var ranks = [Int32](repeating: 0, count: count)
        for (rank, number) in (0..<count).sorted(by: precedes).enumerated() { ranks[number] = Int32(rank) }
        return ranks
    }

    private struct TrendKey: Hashable { var agency: Int32, kind: String, year: Int16 }
    private struct Recurrence: Hashable { var agency: Int32, category: Int32, year: Int16 }
    private struct Membership: Hashable { var set: Int32, agency: Int32 }
}

/// An agency as the tables name it: its name within its region (by 行政区划代码).
struct AgencyName: Equatable {
    var name: String
    var regionCode: String

    /// Rows per agency sort by name, then region code, then `detail` (a kind or a category).
    func precedes(_ other: AgencyName, detail: String, _ otherDetail: String) -> Bool? {
        let left = (name, regionCode, detail), right = (other.name, other.regionCode, otherDetail)
        return left == right ? nil : left < right
    }

    func encode(_ encoder: inout SpillEncoder) { encoder.put(name); encoder.put(regionCode) }
    static func decode(_ decoder: inout SpillDecoder) -> AgencyName { AgencyName(name: decoder.takeString(), regionCode: decoder.takeString()) }
}

/// One agency's records of one year and kind.
struct TrendEntry {
    var agency: AgencyName, kind: String, year: Int16, figures: YearFigures

    static func precedes(_ a: TrendEntry, _ b: TrendEntry) -> Bool {
        a.agency.precedes(b.agency, detail: a.kind, b.kind) ?? (a.year < b.year)
    }
    static func encode(_ entry: TrendEntry, _ encoder: inout SpillEncoder) {
        entry.agency.encode(&encoder); encoder.put(entry.kind); encoder.put(entry.year); entry.figures.encode(&encoder)
    }
    static func decode(_ decoder: inout SpillDecoder) -> TrendEntry {
        TrendEntry(agency: .decode(&decoder), kind: decoder.takeString(), year: decoder.take(), figures: .decode(&decoder))
    }
}

/// A problem category an agency reported in a year.
struct RecurrenceEntry {
    var agency: AgencyName, category: String, year: Int16

    static func precedes(_ a: RecurrenceEntry, _ b: RecurrenceEntry) -> Bool {
        a.agency.precedes(b.agency, detail: a.category, b.category) ?? (a.year < b.year)
    }
    static func encode(_ entry: RecurrenceEntry, _ encoder: inout SpillEncoder) {
        entry.agency.encode(&encoder); encoder.put(entry.category); encoder.put(entry.year)
    }
    static func decode(_ decoder: inout SpillDecoder) -> RecurrenceEntry {
        RecurrenceEntry(agency: .decode(&decoder), category: decoder.takeString(), year: decoder.take())
    }
}

/// An agency that counts in an agency set (a group's agencies, those filing problems…).
struct MemberEntry {
    var set: Int32, agency: AgencyName

    static func precedes(_ a: MemberEntry, _ b: MemberEntry) -> Bool {
        a.set != b.set ? a.set < b.set : a.agency.precedes(b.agency, detail: "", "") ?? false
    }
    static func encode(_ entry: MemberEntry, _ encoder: inout SpillEncoder) { encoder.put(entry.set); entry.agency.encode(&encoder) }
    static func decode(_ decoder: inout SpillDecoder) -> MemberEntry { MemberEntry(set: decoder.take(), agency: .decode(&decoder)) }
}

/// One agency's records of one year and kind, for agency_trends.csv.
struct YearFigures {
    var budgets = RunningSum(), executedOfBoth = RunningSum(), budgetOfBoth = RunningSum()
    var scores = RunningSum(), personnelShares = RunningSum()

    mutating func add(_ record: RecordRow) {
        budgets.add(record.budgetFull)
        if let executed = record.executed, let budget = record.budgetFull { executedOfBoth.add(executed); budgetOfBoth.add(budget) }
        scores.add(record.score)
        personnelShares.add(record.personnelShare)
    }

    var budget: ExactDecimal? { budgets.count == 0 ? nil : budgets.sum }
    var rate: ExactDecimal? { executedOfBoth.sum.flatMap { executed in budgetOfBoth.sum.flatMap { executed.percent(of: $0) } } }

    /// Adds the same agency's figures from another run of reports.
    mutating func merge(_ other: YearFigures) {
        budgets.merge(other.budgets); executedOfBoth.merge(other.executedOfBoth); budgetOfBoth.merge(other.budgetOfBoth)
        scores.merge(other.scores); personnelShares.merge(other.personnelShares)
    }

    func encode(_ encoder: inout SpillEncoder) {
        for sum in [budgets, executedOfBoth, budgetOfBoth, scores, personnelShares] { sum.encode(&encoder) }
    }
    static func decode(_ decoder: inout SpillDecoder) -> YearFigures {
        YearFigures(budgets: .decode(&decoder), executedOfBoth: .decode(&decoder), budgetOfBoth: .decode(&decoder),
                    scores: .decode(&decoder), personnelShares: .decode(&decoder))
    }
}
