import PerfevalCore
import Extract

/// A target or actual value of an indicator: the raw text and, when it is a number,
/// the number, its unit and comparator (`≥90%` → 90, `%`, `≥`; `满意率98%` → 98, `%`).
public struct Measure: Sendable, Equatable {
    public var raw: String
    public var value: ExactDecimal?
    public var unit: String
    public var comparator: String
    /// A date or date range (`2020-12-31`, `2020年1月1日至2020年12月31日`): measurable, not a number.
    public var isDate: Bool

    static let comparators: [(String, String)] = [
        (">=", "≥"), ("≥", "≥"), ("≧", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("大于等于", "≥"), (">", ">"),
        ("<=", "≤"), ("≤", "≤"), ("≦", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("小于等于", "≤"), ("<", "<"), ("=", "="),
    ]

    public init(_ text: String, unitFromName: String = "") {
        raw = text
        value = nil; unit = ""; comparator = ""
        let scalars = TextFolding.compact(text)
        isDate = Measure.looksLikeDate(scalars)
        guard !isDate, let start = scalars.firstIndex(where: TextFolding.isDigit) else { return }
        if start > 0 {   // no comparator can be found in an empty prefix
            comparator = Measure.comparator(before: scalars[..<start])
        }
        guard let end = NumberText.end(in: scalars, from: start) else { return }
        value = ExactDecimal(digits: scalars[start..<end].lazy.filter { $0 != "," })
        unit = Array(scalars[end...]).string
        if unit.isEmpty { unit = unitFromName }
    }

    static let comparatorScalars = comparators.map { (Array($0.0.unicodeScalars), $0.1) }

    /// The comparator that ends or starts the text before a number (`≥`, `不低于`).
    static func comparator(before prefix: ArraySlice<Unicode.Scalar>) -> String {
        guard prefix.allSatisfy(\.isWholeCharacter) else {
            // Combining marks and the like: compared as characters.
            let text = Array(prefix).string
            return comparators.first { text.hasSuffix($0.0) || text.hasPrefix($0.0) }?.1 ?? ""
        }
        return comparatorScalars.first { prefix.reversed().starts(with: $0.0.reversed()) || prefix.starts(with: $0.0) }?.1 ?? ""
    }

    static func looksLikeDate(_ scalars: [Unicode.Scalar]) -> Bool {
        if scalars.contains("月") && scalars.contains("日") && scalars.contains(where: TextFolding.isDigit) { return true }
        let dashes = scalars.filter { $0 == "-" || $0 == "/" }.count
        return dashes >= 2 && scalars.filter(TextFolding.isDigit).count >= 6
    }
}

public struct Indicator: Sendable {
    public var level1: String
    public var level2: String
    public var name: String
    public var target: Measure
    public var actual: Measure
    public var weight: ExactDecimal?
    public var score: ExactDecimal?
    public var deviation: String
    public var isCost: Bool
    public var line: Int
    /// Filled by Compute: actual ÷ target (target ÷ actual when lower is better), capped at 100.
    public var completionPct: ExactDecimal?
}

/// A named amount in 万元 with its parent; items of one group are parts of the parent.
public struct ExpenditureItem: Sendable {
    public var parent: String
    public var parentAmount: ExactDecimal?
    public var item: String
    public var amount: ExactDecimal?
    public var statedShare: ExactDecimal?
    /// Decimals the report used for the share (`91.64%` → 2), for comparing at that precision.
    public var statedShareDecimals: Int
    public var statedChange: ExactDecimal?
    public var statedChangePct: ExactDecimal?
    public var group: Int?
    public var line: Int
    public var reportLevel: Bool
    /// Filled by Compute: amount ÷ parent amount × 100.
    public var computedShare: ExactDecimal?
}

extension Normalizer {
    static func indicator(_ raw: RawIndicator) -> Indicator {
        let unitFromName = Self.parenthesizedUnit(raw.name)
        return Indicator(level1: raw.level1, level2: raw.level2, name: raw.name,
                         target: Measure(raw.target, unitFromName: unitFromName), actual: Measure(raw.actual, unitFromName: unitFromName),
                         weight: number(raw.weight), score: number(raw.score), deviation: raw.deviation, isCost: raw.isCost, line: raw.line)
    }

    static let fullWidthClose = Array("）".utf8)

    /// `利用档案的人次（人）` → `人`.
    static func parenthesizedUnit(_ name: String) -> String {
        // Only `)` and `）` fold to `)`.
        guard name.containsByte(where: { $0 == 0x29 }) || name.containsUTF8(fullWidthClose) else { return "" }
        let scalars = TextFolding.compact(name)
        guard scalars.last == ")", let open = scalars.lastIndex(of: "("), scalars.count - open <= 6 else { return "" }
        return Array(scalars[(open + 1)..<(scalars.count - 1)]).string
    }

    static func item(_ raw: RawItem) -> ExpenditureItem {
        func wan(_ text: String?) -> ExactDecimal? { text.flatMap { amountInWan(RawValue(text: $0, unitHint: raw.unitHint, line: raw.line)) } }
        func signed(_ text: String?, _ parse: (String) -> ExactDecimal?) -> ExactDecimal? {
            guard let text else { return nil }
            return text.hasPrefix("-") ? parse(String(text.dropFirst())).map { -$0 } : parse(text)
        }
        let share = raw.statedShare.flatMap(number)
        return ExpenditureItem(parent: raw.parent, parentAmount: wan(raw.parentAmount), item: raw.item, amount: wan(raw.amount),
                               statedShare: share, statedShareDecimals: share?.fractionDigits ?? 0,
                               statedChange: signed(raw.statedChange, { wan($0) }), statedChangePct: signed(raw.statedChangePct, number),
                               group: raw.group, line: raw.line, reportLevel: raw.reportLevel)
    }
}
