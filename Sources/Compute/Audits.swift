import PerfevalCore
import Normalize

/// The self-consistency checks of SPEC §6. Tolerances come from the report's own
/// rounding: a stated value is compared with the computed one rounded to the stated
/// number of decimals; a sum of n parts may be off by n half-units of the last decimal.
public enum Audits {
    public static let checks = [
        "execution_rate_stated", "share_stated", "parts_sum", "basic_split_sum", "indicator_score_sum", "weights_sum",
        "score_above_weight", "full_score_target_missed", "full_score_cost_overrun", "score_without_measurable_target",
        "under_scored_target_met", "grade_stated",
    ]

    public static func run(_ record: inout Record) {
        var audits: [Audit] = []
        audits.reserveCapacity(16)   // one per check, more for items and indicators with findings
        audits.append(executionRate(record))
        audits += shares(record.items)
        audits += partSums(record.items)
        audits.append(basicSplit(record))
        let (scoreSum, convention) = indicatorScoreSum(record)
        record.scoreSumConvention = convention
        audits.append(scoreSum)
        audits.append(weightsSum(record, convention: convention))
        audits += indicatorChecks(record.indicators)
        audits.append(grade(record))
        record.audits = audits
    }

    // MARK: amounts

    static func executionRate(_ record: Record) -> Audit {
        let check = "execution_rate_stated"
        guard let stated = record.executionRateStated, let computed = record.executionRate else {
            return Audit(check: check, status: .notApplicable, detail: "needs a stated rate, 全年执行数 and 全年预算数")
        }
        let precise = record.executed!.percent(of: record.budgetFull!, decimals: 6)!
        return Audit(check: check, status: withinLastDecimal(precise, stated) ? .ok : .finding,
                     expected: precise.rounded(decimals: stated.fractionDigits).description, found: stated.description,
                     detail: "执行率: stated \(stated)% vs executed ÷ budget = \(computed.formatted(decimals: 2))%")
    }

    static func shares(_ items: [ExpenditureItem]) -> [Audit] {
        items.compactMap { item in
            guard let stated = item.statedShare else { return nil }
            guard let amount = item.amount, let parent = item.parentAmount, let precise = amount.percent(of: parent, decimals: 6) else {
                return Audit(check: "share_stated", status: .notApplicable, found: stated.description,
                             detail: "\(item.item): no amount for its parent \(item.parent)", line: item.line)
            }
            return Audit(check: "share_stated", status: withinLastDecimal(precise, stated) ? .ok : .finding,
                         expected: precise.rounded(decimals: item.statedShareDecimals).description,
                         found: stated.description, detail: "\(item.item) \(item.amount?.description ?? "") of \(item.parent) \(item.parentAmount?.description ?? "")",
                         line: item.line)
        }
    }

    static func partSums(_ items: [ExpenditureItem]) -> [Audit] {
        var groups: [Int: [ExpenditureItem]] = [:]
        var order: [Int] = []
        for item in items { if let group = item.group { if groups[group] == nil { order.append(group) }; groups[group, default: []].append(item) } }
        return order.compactMap { group in
            let parts = groups[group]!.filter { $0.amount != nil }
            guard parts.count >= 2, let total = parts[0].parentAmount else { return nil }
            return sumAudit("parts_sum", parts: parts.map { ($0.item, $0.amount!) }, total: total,
                            detail: "parts of \(parts[0].parent)", line: parts[0].line)
        }
    }

    static func basicSplit(_ record: Record) -> Audit {
        guard let basic = record.basicExp, let personnel = record.personnelExp, let publicExp = record.publicExp else {
            return Audit(check: "basic_split_sum", status: .notApplicable, detail: "needs 基本支出, 人员经费 and 公用经费")
        }
        return sumAudit("basic_split_sum", parts: [("人员经费", personnel), ("公用经费", publicExp)], total: basic,
                        detail: "基本支出 = 人员经费 + 公用经费", line: nil)
    }

    static func sumAudit(_ check: String, parts: [(String, ExactDecimal)], total: ExactDecimal, detail: String, line: Int?) -> Audit {
        let sum = parts.reduce(ExactDecimal.zero) { $0 + $1.1 }
        let decimals = parts.reduce(total.fractionDigits) { max($0, $1.1.fractionDigits) }
        let tolerance = halfUnit(decimals: decimals, count: parts.count)
        let status: Audit.Status = (sum - total).millionths.magnitude < tolerance.millionths.magnitude ? .ok : .finding
        return Audit(check: check, status: status, expected: total.description, found: sum.description,
                     detail: sumDetail(detail, parts: parts, tolerance: tolerance), line: line)
    }

    /// `detail: name amount + name amount … (tolerance below t)`, written into one string
    /// with room for it made once (a join of interpolated terms grows several strings).
    static func sumDetail(_ detail: String, parts: [(String, ExactDecimal)], tolerance: ExactDecimal) -> String {
        var text = detail
        text.reserveCapacity(detail.utf8.count + parts.reduce(40) { $0 + $1.0.utf8.count + 28 })
        text += ": "
        for (index, part) in parts.enumerated() {
            if index > 0 { text += " + " }
            text += part.0
            text += " "
            text += part.1.description
        }
        text += " (tolerance below "
        text += tolerance.description
        text += ")"
        return text
    }

    /// A stated figure agrees with the computed one when they differ by less than one unit
    /// of the stated figure's last decimal: that accepts rounding and truncation
    /// (74.435…% written 74.43) and nothing coarser.
    static func withinLastDecimal(_ computed: ExactDecimal, _ stated: ExactDecimal) -> Bool {
        let unit = ExactDecimal(1).scaled(byPowerOfTen: -stated.fractionDigits)
        return (computed - stated).millionths.magnitude < unit.millionths.magnitude
    }

    /// n half-units of the given decimal place, e.g. 3 parts at 2 decimals → 0.015: the most
    /// that n values each rounded to that place can drift; a sum must differ by less.
    static func halfUnit(decimals: Int, count: Int) -> ExactDecimal {
        ExactDecimal(millionths: ExactDecimal.scale / 2 * Int64(count)).scaled(byPowerOfTen: -decimals)
    }

    // MARK: indicator table

    /// Indicator scores add up to 总分 either alone (the budget-execution row scored
    /// outside the 100) or with the execution row's score (inside the 100).
    static func indicatorScoreSum(_ record: Record) -> (Audit, String) {
        let check = "indicator_score_sum"
        let scores = record.indicators.compactMap(\.score)
        guard !scores.isEmpty, let total = record.scoreTotal else {
            return (Audit(check: check, status: .notApplicable, detail: "needs indicator scores and 总分"), "none")
        }
        // Points are assigned, not rounded: the sum must be exact.
        let sum = scores.reduce(ExactDecimal.zero, +)
        func close(_ value: ExactDecimal) -> Bool { value == total }
        if close(sum) {
            return (Audit(check: check, status: .ok, expected: total.description, found: sum.description,
                          detail: "\(scores.count) indicator scores = 总分; execution row outside the 100"), "outside")
        }
        if let execution = record.executionScore, close(sum + execution) {
            return (Audit(check: check, status: .ok, expected: total.description, found: (sum + execution).description,
                          detail: "\(scores.count) indicator scores + execution row \(execution) = 总分"), "inside")
        }
        return (Audit(check: check, status: .finding, expected: total.description, found: sum.description,
                      detail: "indicator scores add up to \(sum)\(record.executionScore.map { " (\(sum + $0) with the execution row)" } ?? ""), 总分 is \(total)"), "none")
    }

    static func weightsSum(_ record: Record, convention: String) -> Audit {
        let weights = record.indicators.compactMap(\.weight)
        guard !weights.isEmpty else { return Audit(check: "weights_sum", status: .notApplicable, detail: "no indicator weights") }
        let sum = weights.reduce(ExactDecimal.zero, +)
        let withExecution = record.executionWeight.map { sum + $0 }
        let hundred = ExactDecimal(100)
        let ok = convention == "inside" ? withExecution == hundred : convention == "outside" ? sum == hundred : (sum == hundred || withExecution == hundred)
        return Audit(check: "weights_sum", status: ok ? .ok : .finding, expected: "100",
                     found: (convention == "inside" ? withExecution ?? sum : sum).description,
                     detail: "indicator weights \(sum)\(record.executionWeight.map { ", execution row \($0)" } ?? "")")
    }

    static let indicatorCheckNames = ["score_above_weight", "full_score_target_missed", "full_score_cost_overrun",
                                      "score_without_measurable_target", "under_scored_target_met"]

    static func indicatorChecks(_ indicators: [Indicator]) -> [Audit] {
        var audits: [Audit] = []
        for (number, check) in indicatorCheckNames.enumerated() {
            guard !indicators.isEmpty else { audits.append(Audit(check: check, status: .notApplicable, detail: "no indicator table")); continue }
            var findings: [Audit] = []
            for index in indicators.indices {
                guard let message = indicatorFinding(number, indicators[index]) else { continue }
                let indicator = indicators[index]
                findings.append(Audit(check: check, status: .finding, expected: indicator.target.raw, found: indicator.actual.raw,
                                      detail: "\(indicator.level2) / \(indicator.name): \(message)", line: indicator.line))
            }
            audits += findings.isEmpty ? [Audit(check: check, status: .ok, detail: "\(indicators.count) indicators")] : findings
        }
        return audits
    }

    /// The finding of check `number` of `indicatorCheckNames` on one indicator, if any (a
    /// switch rather than a table of closures, which copied each indicator per call).
    static func indicatorFinding(_ number: Int, _ indicator: Indicator) -> String? {
        switch number {
        case 0: return scoreAboveWeight(indicator)
        case 1: return fullScoreTargetMissed(indicator)
        case 2: return fullScoreCostOverrun(indicator)
        case 3: return scoreWithoutMeasurableTarget(indicator)
        default: return underScoredTargetMet(indicator)
        }
    }

    static func scoreAboveWeight(_ indicator: Indicator) -> String? {
        guard let score = indicator.score, let weight = indicator.weight, score > weight else { return nil }
        return "score \(score) above weight \(weight)"
    }

    static func fullScoreTargetMissed(_ indicator: Indicator) -> String? {
        guard !indicator.isCost, isFullScore(indicator), targetMet(indicator) == false else { return nil }
        return "full score \(indicator.score!) although \(indicator.actual.raw) misses \(indicator.target.raw)"
    }

    static func fullScoreCostOverrun(_ indicator: Indicator) -> String? {
        guard indicator.isCost, isFullScore(indicator), targetMet(indicator) == false else { return nil }
        return "full score \(indicator.score!) on a cost indicator whose actual \(indicator.actual.raw) exceeds the target \(indicator.target.raw)"
    }

    static func scoreWithoutMeasurableTarget(_ indicator: Indicator) -> String? {
        guard let score = indicator.score, score > .zero, indicator.target.value == nil, !indicator.target.isDate else { return nil }
        let target = indicator.target.raw.isEmpty ? "empty" : "'\(indicator.target.raw)'"
        return "scored \(score) with no measurable target (target \(target))"
    }

    static func underScoredTargetMet(_ indicator: Indicator) -> String? {
        guard let score = indicator.score, let weight = indicator.weight, score < weight, targetMet(indicator) == true else { return nil }
        return "scored \(score) of \(weight) although \(indicator.actual.raw) meets \(indicator.target.raw)"
    }

    static func isFullScore(_ indicator: Indicator) -> Bool {
        guard let score = indicator.score, let weight = indicator.weight else { return false }
        return score == weight
    }

    /// Whether the actual value reaches the target; nil when they cannot be compared
    /// (not both numbers, or different units). Lower is better for `≤` targets and cost indicators.
    static func targetMet(_ indicator: Indicator) -> Bool? {
        guard let target = indicator.target.value, let actual = indicator.actual.value,
              indicator.target.unit == indicator.actual.unit || indicator.target.unit.isEmpty || indicator.actual.unit.isEmpty else { return nil }
        if lowerIsBetter(indicator) { return actual <= target }
        return actual >= target
    }

    static func lowerIsBetter(_ indicator: Indicator) -> Bool {
        indicator.isCost || indicator.target.comparator == "≤" || indicator.target.comparator == "<"
    }

    /// actual ÷ target × 100 (target ÷ actual when lower is better), capped at 100.
    static func completion(_ indicator: Indicator) -> ExactDecimal? {
        guard let target = indicator.target.value, let actual = indicator.actual.value, targetMet(indicator) != nil else { return nil }
        let ratio = lowerIsBetter(indicator) ? target.percent(of: actual) : actual.percent(of: target)
        return ratio.map { min($0, ExactDecimal(100)) } ?? (target == actual ? ExactDecimal(100) : nil)
    }

    static func grade(_ record: Record) -> Audit {
        guard let stated = record.gradeStated, let score = record.scoreTotal else {
            return Audit(check: "grade_stated", status: .notApplicable, detail: "needs a stated 评价等级 and a score")
        }
        let computed = Compute.grade(forScore: score)
        return Audit(check: "grade_stated", status: computed == stated ? .ok : .finding, expected: computed, found: stated,
                     detail: "score \(score) gives \(computed)")
    }
}
