import Emit

/// One CSV table of an output folder as the review files show it.
public struct ReviewTable: Sendable {
    public let fileName: String
    public let sheetZh: String
    public let sheetEn: String
    public let columns: [Column]
    public init(fileName: String, sheetZh: String, sheetEn: String, columns: [Column]) {
        self.fileName = fileName; self.sheetZh = sheetZh; self.sheetEn = sheetEn; self.columns = columns
    }

    func sheetName(_ headers: HeaderLanguage) -> String { headers == .zh ? sheetZh : sheetEn }

    /// Header cell → English column name, for either header language.
    var englishNames: [String: String] {
        var names: [String: String] = [:]
        for column in columns { names[column.zh] = column.en; names[column.en] = column.en }
        return names
    }
}

/// What a column holds, which decides how the workbook writes its cells.
enum ColumnKind: Equatable {
    case text, amount, percent, score, integer, decimal

    /// Amounts (万元) and rates (%) keep the CSV's values; the number format shows two decimals.
    var numberFormat: String? {
        switch self {
        case .text: return nil
        case .amount: return "#,##0.00##"
        case .percent, .score: return "0.00"
        case .integer: return "0"
        case .decimal: return "General"
        }
    }

    static let integers: Set<String> = [
        "year", "staff_authorized", "staff_actual", "indicator_count", "problem_count", "audit_findings", "measure_count",
        "source_line", "problem_items", "problem_area_count", "causes_given", "measure_items", "records", "agencies",
        "rate_records", "below_90", "rank", "scored_records", "grade_excellent", "grade_good", "grade_fair", "grade_poor",
        "records_with_findings", "high_score_with_findings", "agencies_reporting", "agencies_with_problems", "items",
        "year_count", "longest_run", "records_checked", "findings",
    ]
    static let scores: Set<String> = [
        "score_total", "weight", "score", "score_mean", "score_median", "score_min", "score_max", "score_prev", "score_change",
        "score_sections", "score_indicators", "score_problems", "score_measures", "quality_score",
    ]

    /// The kind of an English column name; `item` is a number (序号) except in
    /// expenditure_items.csv, where it names the spending item.
    static func of(_ column: String, in fileName: String) -> ColumnKind {
        if column.hasSuffix("_wan") { return .amount }
        if column.hasSuffix("_pct") { return .percent }
        if column == "item" { return fileName == "expenditure_items.csv" ? .text : .integer }
        if integers.contains(column) { return .integer }
        if scores.contains(column) { return .score }
        if column == "target_value" || column == "actual_value" { return .decimal }
        return .text
    }
}

/// A plain decimal number as the CSV tables write them (`-18.45`, `97`), nothing else:
/// no exponent, no `nan`, no thousands separator.
func plainNumber(_ text: String) -> Double? {
    var digits = 0, dots = 0
    for (index, scalar) in text.unicodeScalars.enumerated() {
        switch scalar {
        case "0"..."9": digits += 1
        case ".": dots += 1
        case "-" where index == 0: break
        default: return nil
        }
    }
    guard digits > 0, dots <= 1, text.last != "." else { return nil }
    return Double(text)
}

/// Display width of a text in character cells: CJK and full-width characters take two.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
}
