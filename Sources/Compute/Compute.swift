import PerfevalCore
import Normalize

/// Stage 4: ratios, derived amounts and grades computed from the typed values.
public enum Compute {
    public static func apply(_ record: inout Record) {
        Plausibility.check(&record)
        deriveBasicSplit(&record)
        if let executed = record.executed, let budget = record.budgetFull {
            record.executionRate = executed.percent(of: budget)
        }
        if let personnel = record.personnelExp, let basic = record.basicExp {
            record.personnelShare = personnel.percent(of: basic)
        }
        record.grade = record.gradeStated ?? record.scoreTotal.map(grade(forScore:))
        for index in record.indicators.indices { record.indicators[index].completionPct = Audits.completion(record.indicators[index]) }
        for index in record.items.indices {
            guard let amount = record.items[index].amount, let parent = record.items[index].parentAmount else { continue }
            record.items[index].computedShare = amount.percent(of: parent)
        }
        Audits.run(&record)
    }

    /// When 人员经费 / 公用经费 are not stated, derive them from the economic classification
    /// (SPEC §4): 人员经费 = 工资福利支出 + 对个人和家庭的补助; 公用经费 = 商品和服务支出
    /// (+ 资本性支出 of basic spending). Derived values are listed in `derivedFields`.
    static func deriveBasicSplit(_ record: inout Record) {
        if record.personnelExp == nil, record.wagesWelfare != nil || record.householdTransfers != nil {
            record.personnelExp = (record.wagesWelfare ?? .zero) + (record.householdTransfers ?? .zero)
            record.derivedFields.append("personnel_exp_wan")
        }
        if record.publicExp == nil, let goods = record.goodsServices {
            record.publicExp = goods + (record.capitalExp ?? .zero)
            record.derivedFields.append("public_exp_wan")
        }
    }

    /// Grade from score (财预〔2020〕10号): ≥90 优, 80–89.99 良, 60–79.99 中, <60 差.
    public static func grade(forScore score: ExactDecimal) -> String {
        if score >= ExactDecimal(90) { return "优" }
        if score >= ExactDecimal(80) { return "良" }
        if score >= ExactDecimal(60) { return "中" }
        return "差"
    }
}
