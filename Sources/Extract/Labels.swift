import PerfevalCore

/// The fields a label in data/labels.csv can name.
public enum Field: String, CaseIterable, Sendable {
    case agency, supervisor, project
    case budgetInitial = "budget_initial", budgetFull = "budget_full", executed, available
    case executionRate = "execution_rate", weight, score
    case fundTotal = "fund_total", totalRow = "total_row"
    case scoreTotal = "score_total", grade
    case staffAuthorized = "staff_authorized", staffActual = "staff_actual"
    case basicExp = "basic_exp", personnelExp = "personnel_exp", publicExp = "public_exp", projectExp = "project_exp"
    case wagesWelfare = "wages_welfare", householdTransfers = "household_transfers"
    case goodsServices = "goods_services", capitalExp = "capital_exp"
    case reportTitle = "report_title", kindDept = "kind_dept", kindProject = "kind_project"
    case placeholder, genericAgency = "generic_agency"
    /// How agency names end (`局`, `档案馆`, `中心`): a name opening the running text
    /// (`某州粮食和物资储备局2024年年初预算…`) is taken only with one of these endings.
    case agencySuffix = "agency_suffix"
    // Indicator tables (绩效指标表).
    case level1, level2, level3, target, actual, deviation
    case costIndicator = "cost_indicator"
    /// Other column headers of those tables (`指标性质`, `度量单位`): they name no value but
    /// mark a header row when a web page has lost its row breaks.
    case columnHeader = "column_header"
    // Report sections (headings) and the cause clause of a problem.
    case sectionBasic = "section_basic", sectionSpending = "section_spending", sectionPerformance = "section_performance"
    case sectionProblems = "section_problems", sectionMeasures = "section_measures", sectionApplication = "section_application"
    case cause
    /// Weaker title words, telling a title line only (`绩效自评`, `绩效评价`).
    case reportTitleWeak = "report_title_weak"
    /// Who published a web page (`发布机构`, `来源`): a name of the agency.
    case publisher
    /// Marks after the report's own name: `(以下简称…)` and `(盖章)`.
    case shortFormMarker = "short_form_marker", sealMarker = "seal_marker"
    /// Words that lead to head counts in sentences (`核定编制55人`, `在职人员96人`), and
    /// staff that are not counted (`退休`).
    case staffAuthorizedWord = "staff_authorized_word", staffActualWord = "staff_actual_word", staffExcluded = "staff_excluded"
    /// The allocation of a transfer payment (`下达…资金12.8万元`).
    case allocated
    /// Words telling a department report from a project one when the title has no kind.
    case kindDeptHint = "kind_dept_hint", kindProjectHint = "kind_project_hint"
    /// A project's budget in running text (`项目预算合计为318.6万元`, `项目批复总投资45.5万元`):
    /// budget_full of a report on one project, never of a department.
    case projectBudget = "project_budget"
    /// A count of the projects a report covers (`8个项目`, `项目共14个`).
    case projectCount = "project_count"
    /// Words that follow a unit's name when a paragraph opens with it (`某局为…`, `某局的主要职责是`).
    case statementWord = "statement_word"
    /// Words saying an amount is the total (`全年实际下达`, `共计下达`).
    case totalWord = "total_word"
    /// A form's year field (`评价年度:2024`).
    case yearLabel = "year_label"
    /// Words that may stand before a unit's name without being part of it (`对某小学(以下简称…)`,
    /// `根据县财政局…`).
    case nameLead = "name_lead"
    /// Characters after a one-character agency word that make it another word (`处室`, `局长`).
    case suffixBlocker = "suffix_blocker"
    /// Not a label field: the fiscal year, found by pattern (`2022年度`).
    case year
}

extension Field {
    /// Compared and hashed by case: an enum with raw values otherwise hashes its raw string
    /// (the `RawRepresentable` default), and `[Field: …]` lookups run in every stage.
    @inlinable
    public static func == (lhs: Field, rhs: Field) -> Bool { lhs.caseNumber == rhs.caseNumber }

    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(caseNumber) }

    /// The case's position in the declaration (a payload-free enum is stored as that number).
    @inlinable
    var caseNumber: UInt8 { unsafeBitCast(self, to: UInt8.self) }
}

/// A label as it appears in documents, folded and without spaces, with its priority
/// (its position in the synonym file: earlier wins when two labels give the same field).
public struct Label: Sendable {
    public let field: Field
    public let scalars: [Unicode.Scalar]
    public let priority: Int
}

/// The synonym table of data/labels.csv (columns `field,label[,note]`): which wordings
/// name which field. Matching is on folded text, so `（` and `(` are the same.
public struct LabelTable: Sendable {
    public let labels: [Label]

    public enum LoadError: Error, CustomStringConvertible {
        case badHeader, unknownField(String, row: Int)
        public var description: String {
            switch self {
            case .badHeader: return "labels file must start with the header field,label"
            case .unknownField(let name, let row): return "labels file row \(row): unknown field '\(name)'"
            }
        }
    }

    public init(rows: [[String]]) throws {
        guard let header = rows.first, header.count >= 2, header[0] == "field", header[1] == "label" else { throw LoadError.badHeader }
        var labels: [Label] = []
        for (index, row) in rows.dropFirst().enumerated() where row.count >= 2 && !row[1].isEmpty {
            guard let field = Field(rawValue: row[0]) else { throw LoadError.unknownField(row[0], row: index + 2) }
            labels.append(Label(field: field, scalars: TextFolding.compact(row[1]), priority: index))
        }
        self.labels = labels
    }

    public func labels(for fields: Set<Field>) -> [Label] { labels.filter { fields.contains($0.field) } }
    public func matcher(for fields: Set<Field>) -> LabelMatcher {
        LabelMatcher(labels(for: fields), fields: fields.reduce(0) { $0 | LabelMatcher.bit($1) })
    }
}

/// Finds labels in compact text, leftmost-longest and without overlaps, in one pass
/// over the scalars (labels are indexed by their first scalar).
public struct LabelMatcher: Sendable {
    public struct Match: Sendable {
        public let label: Label
        public let start: Int
        public var end: Int { start + label.scalars.count }
    }

    private let byFirstScalar: ScalarIndex<Label>
    /// For a matcher of `LabelTable.matcher(for:)`, which holds every label of its fields:
    /// those fields (`bit(_:)` each). 0 for a matcher of chosen labels.
    let fields: UInt64
    /// A bit per hash of the first two scalars of each label (`pairHash`), when every label
    /// has two or more: a text's common characters start some label far more often than
    /// they start one with the character that follows them. nil when some label has one scalar.
    private let pairFilter: SixteenBitSet?

    public init(_ labels: [Label]) { self.init(labels, fields: 0) }

    init(_ labels: [Label], fields: UInt64) {
        // Longest label first, then the one listed first in the synonym file.
        byFirstScalar = ScalarIndex(labels.compactMap { label in label.scalars.first.map { ($0, label) } }) {
            ($0.scalars.count, -$0.priority) > ($1.scalars.count, -$1.priority)
        }
        self.fields = fields
        var pairFilter: SixteenBitSet? = SixteenBitSet()
        for label in labels where !label.scalars.isEmpty {
            guard label.scalars.count >= 2 else { pairFilter = nil; break }
            pairFilter?.insert(Self.pairHash(label.scalars[0], label.scalars[1]))
        }
        self.pairFilter = pairFilter
    }

    @inline(__always)
    private static func pairHash(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Int {
        Int((first.value &* 0x9E37 &+ second.value) & 0xFFFF)
    }

    @inline(__always)
    static func bit(_ field: Field) -> UInt64 { 1 << UInt64(field.caseNumber) }

    /// Every label of a matcher spelled in one text, overlapping ones too: by start, and at
    /// one start in the order a scan tries them. A matcher of some of the same fields reads
    /// its matches from these (`matches(in:hits:)`) instead of scanning the text again:
    /// a report's paragraphs and cells are read by a dozen matchers.
    public struct Hits: Sendable {
        /// The fields looked for, and those of the labels found.
        let fields: UInt64, found: UInt64
        /// The hits are `store[range]`: one array holds those of every text of a table or a
        /// document (an array per text cost an allocation per text).
        let store: [Match]
        let range: Range<Int>
        var all: ArraySlice<Match> { store[range] }
        public static let none = Hits(fields: 0, found: 0, store: [], range: 0..<0)
    }

    /// The hits of one text appended to a shared store, before the store is complete:
    /// `hits(in:)` once it is.
    public struct PendingHits: Sendable {
        let fields: UInt64, found: UInt64
        let range: Range<Int>
        public func hits(in store: [Match]) -> Hits {
            Hits(fields: fields, found: found, store: found == 0 ? [] : store, range: range)
        }
    }

    public func hits(in text: [Unicode.Scalar]) -> Hits {
        var store: [Match] = []
        return appendHits(of: text, to: &store).hits(in: store)
    }

    public func appendHits(of text: [Unicode.Scalar], to all: inout [Match]) -> PendingHits {
        let start = all.count
        var found: UInt64 = 0
        text.withUnsafeBufferPointer { text in
            guard let pairFilter else {
                byFirstScalar.withFilter { filter in
                    for position in text.indices where byFirstScalar.mayStart(with: text[position], filter: filter) {
                        Self.collect(in: text, at: position, from: byFirstScalar, into: &all, found: &found)
                    }
                }
                return
            }
            guard text.count >= 2 else { return }
            pairFilter.withBits { filter in
                for position in 0..<(text.count - 1) where filter.contains(Self.pairHash(text[position], text[position + 1])) {
                    Self.collect(in: text, at: position, from: byFirstScalar, into: &all, found: &found)
                }
            }
        }
        return PendingHits(fields: fields, found: found, range: found == 0 ? 0..<0 : start..<all.count)
    }

    @inline(__always)
    private static func collect(in text: UnsafeBufferPointer<Unicode.Scalar>, at position: Int, from index: ScalarIndex<Label>,
                                into all: inout [Match], found: inout UInt64) {
        index.withCandidates(startingWith: text[position]) { candidates in
            for index in candidates.indices where spells(text, candidates[index].scalars, at: position) {
                all.append(Match(label: candidates[index], start: position))
                found |= bit(candidates[index].field)
            }
        }
    }

    /// False only when `hits` cover this matcher and hold none of its labels.
    @inline(__always)
    func mayMatch(_ hits: Hits) -> Bool { !isCovered(by: hits) || hits.found & fields != 0 }

    /// Whether `hits` hold every match of this matcher (found by a matcher of the same
    /// table with at least its fields).
    @inline(__always)
    func isCovered(by hits: Hits) -> Bool { fields != 0 && hits.fields & fields == fields }

    /// `matches(in: text.prefix(end))`, read from the text's hits when they cover this matcher.
    public func matches(in text: [Unicode.Scalar], hits: Hits, upTo end: Int = .max) -> [Match] {
        guard isCovered(by: hits) else { return matches(in: end < text.count ? Array(text.prefix(end)) : text) }
        guard hits.found & fields != 0 else { return [] }
        var found: [Match] = []
        found.reserveCapacity(hits.range.count)   // at most one match per hit: one allocation
        var position = 0
        // The first hit of this matcher's fields at or after the last match's end is the
        // scan's leftmost-longest choice there.
        for hit in hits.all where hit.start >= position && hit.end <= end && fields & Self.bit(hit.label.field) != 0 {
            found.append(hit)
            position = hit.end
        }
        return found
    }

    /// `firstMatch(in: text)`, read from the text's hits when they cover this matcher.
    public func firstMatch(in text: [Unicode.Scalar], hits: Hits) -> Match? {
        guard isCovered(by: hits) else { return firstMatch(in: text) }
        guard hits.found & fields != 0 else { return nil }
        return hits.all.first { fields & Self.bit($0.label.field) != 0 }
    }

    public func matches(in text: [Unicode.Scalar]) -> [Match] {
        var found: [Match] = []
        scan(text) { found.append($0); return true }
        return found
    }

    /// The first match, without looking further.
    public func firstMatch(in text: [Unicode.Scalar]) -> Match? {
        var first: Match?
        scan(text) { first = $0; return false }
        return first
    }

    /// Calls `found` with each match in order while it returns true.
    @inline(__always)
    private func scan(_ text: [Unicode.Scalar], _ found: (Match) -> Bool) {
        text.withUnsafeBufferPointer { text in
            byFirstScalar.withFilter { filter in scan(text, filter: filter, found) }
        }
    }

    @inline(__always)
    private func scan(_ text: UnsafeBufferPointer<Unicode.Scalar>, filter: SixteenBitSet.Bits, _ found: (Match) -> Bool) {
        var position = 0
        while position < text.count {
            // Most positions start no label: rejected by the bit filter before any lookup.
            guard byFirstScalar.mayStart(with: text[position], filter: filter) else { position += 1; continue }
            let spelled = byFirstScalar.withCandidates(startingWith: text[position]) { candidates -> Label? in
                for index in candidates.indices where Self.spells(text, candidates[index].scalars, at: position) { return candidates[index] }
                return nil
            }
            if let label = spelled {
                guard found(Match(label: label, start: position)) else { return }
                position += label.scalars.count
            } else {
                position += 1
            }
        }
    }

    @inline(__always)
    private static func spells(_ text: UnsafeBufferPointer<Unicode.Scalar>, _ needle: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + needle.count <= text.count else { return false }
        return needle.withUnsafeBufferPointer { needle in
            for offset in 1..<max(needle.count, 1) where text[index + offset] != needle[offset] { return false }
            return true
        }
    }

    /// The label a whole cell stands for: the cell is the label, perhaps with a unit or
    /// a note around it (`全年执行数（万元）`, `其中：当年财政拨款`). Longest label wins.
    public func cellLabel(_ cell: [Unicode.Scalar], maxExtra: Int = 8) -> Label? {
        cellLabel(cell, hits: .none, maxExtra: maxExtra)
    }

    /// `cellLabel`, read from the cell's hits when they cover this matcher.
    public func cellLabel(_ cell: [Unicode.Scalar], hits: Hits, maxExtra: Int = 8) -> Label? {
        guard !cell.isEmpty else { return nil }
        guard isCovered(by: hits) else {
            return matches(in: cell)
                .filter { cell.count - $0.label.scalars.count <= maxExtra }
                .max { ($0.label.scalars.count, -$0.label.priority) < ($1.label.scalars.count, -$1.label.priority) }?.label
        }
        guard hits.found & fields != 0 else { return nil }
        // The matches as `matches(in:hits:)` reads them, the longest (then earliest listed) kept.
        var best: Label?
        var position = 0
        for hit in hits.all where hit.start >= position && fields & Self.bit(hit.label.field) != 0 {
            position = hit.end
            let label = hit.label
            guard cell.count - label.scalars.count <= maxExtra else { continue }
            if let kept = best, (kept.scalars.count, -kept.priority) >= (label.scalars.count, -label.priority) { continue }
            best = label
        }
        return best
    }
}
