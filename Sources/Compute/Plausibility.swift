import PerfevalCore
import Normalize

/// Values read from a report beyond `ExactDecimal.plausibleLimit` (a hundred trillion yuan
/// in 万元, or a score of ten billion) are damage or attack: they are dropped from the
/// record, which is flagged `value_out_of_range: field` (a warning row), instead of being
/// trusted or overflowing a sum.
enum Plausibility {
    static func check(_ record: inout Record) {
        var dropped: [String] = []
        func check(_ value: inout ExactDecimal?, _ name: String) {
            if let current = value, !current.isPlausible { value = nil; dropped.append(name) }
        }
        check(&record.budgetInitial, "budget_initial"); check(&record.budgetFull, "budget_full"); check(&record.executed, "executed")
        check(&record.executionRateStated, "execution_rate_stated"); check(&record.scoreTotal, "score_total")
        check(&record.basicExp, "basic_exp"); check(&record.personnelExp, "personnel_exp"); check(&record.publicExp, "public_exp")
        check(&record.projectExp, "project_exp"); check(&record.wagesWelfare, "wages_welfare")
        check(&record.householdTransfers, "household_transfers"); check(&record.goodsServices, "goods_services")
        check(&record.capitalExp, "capital_exp"); check(&record.executionWeight, "execution_weight"); check(&record.executionScore, "execution_score")
        for index in record.items.indices {
            check(&record.items[index].amount, "item_amount"); check(&record.items[index].parentAmount, "item_parent_amount")
            check(&record.items[index].statedShare, "item_stated_share"); check(&record.items[index].statedChange, "item_stated_change")
            check(&record.items[index].statedChangePct, "item_stated_change_pct")
        }
        for index in record.indicators.indices {
            check(&record.indicators[index].target.value, "indicator_target"); check(&record.indicators[index].actual.value, "indicator_actual")
            check(&record.indicators[index].weight, "indicator_weight"); check(&record.indicators[index].score, "indicator_score")
        }
        var seen: Set<String> = []
        for name in dropped where seen.insert(name).inserted { record.flags.append("value_out_of_range: \(name)") }
    }
}
