/// Chinese display names of the codes the CSV tables hold (levels, kinds, audit checks).
/// Problem categories take their names from data/problem_taxonomy.csv (given by the caller).
enum Labels {
    static let levels = ["county": "县（市、区）", "prefecture": "市（州）", "province": "省", "all": "全部"]
    static let kinds = ["dept": "部门整体支出", "project": "项目支出"]
    static let checks = [
        "execution_rate_stated": "填报执行率与计算不符",
        "share_stated": "填报占比与计算不符",
        "parts_sum": "分项之和与合计不符",
        "basic_split_sum": "人员经费与公用经费之和不等于基本支出",
        "indicator_score_sum": "指标得分之和与总分不符",
        "weights_sum": "指标分值之和不为100",
        "score_above_weight": "得分超过分值",
        "full_score_target_missed": "未完成目标仍得满分",
        "full_score_cost_overrun": "成本超支仍得满分",
        "score_without_measurable_target": "无可衡量目标仍得分",
        "under_scored_target_met": "完成目标却未得满分",
        "grade_stated": "填报等级与得分不符",
    ]

    static func level(_ code: String) -> String { levels[code] ?? code }
    static func kind(_ code: String) -> String { kinds[code] ?? code }
    static func check(_ code: String) -> String { checks[code] ?? code }
}
