import PerfevalCore

/// A value as found in the source, before normalization: the text of the number with
/// its unit as written (`150.00万元`, `100%`, `12人`), the unit the table header gives
/// when the cell has none, and the source line.
public struct RawValue: Sendable, Equatable {
    public var text: String
    public var unitHint: String?
    public var line: Int
    public init(text: String, unitHint: String? = nil, line: Int) {
        self.text = text; self.unitHint = unitHint; self.line = line
    }
}

/// A text that may name a place: compact (folded, without spaces) as the stages hold it,
/// read by the gazetteer only when the unit's own name gives no place.
public struct RawPlace: Sendable {
    public var scalars: [Unicode.Scalar]
    public var line: Int
    public init(scalars: [Unicode.Scalar], line: Int) { self.scalars = scalars; self.line = line }
}

/// What kind of value follows a label in running text.
enum ValueShape {
    case amount   // 96.40万元 (a unit is required in paragraphs; in cells the header's unit applies)
    case count    // 14人
    case score    // 97分
    case grade    // 优 / 良 / 中 / 差
    case rate     // 96.12% (the sign is required)
}

enum ValueScanner {
    /// Scalars that may stand between a label and its value: `基本支出完成120.50万元`,
    /// `年初预算数为150.00万元`, `其中：基本支出：96.40`, `自评得分均为97分`.
    static let filler = ScalarSet("为是共计达约完成合总额均:批复安排金“”\"'")
    static let maxFiller = 4
    static let moneyUnits: [[Unicode.Scalar]] = ["亿元", "万元", "千元", "元"].map { Array($0.unicodeScalars) }

    /// The money unit spelled at `index` (`moneyUnits` order), without copying the text after it.
    static func moneyUnit(in text: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        guard index < text.count else { return nil }
        return moneyUnits.first { text.matches($0, at: index) }
    }
    static let grades = ScalarSet("优良中差")
    /// Units after a number that make it something else than a score (`98万元`, `98人`, `98年`).
    static let scoreUnitsExcluded = ScalarSet("万元亿千人个项次年月日名条件台户家所")

    /// The value of `shape` that starts after `labelEnd`, or nil when the label is not
    /// followed by one (a heading such as `基本支出情况`).
    /// `unitGiven`: a note between label and value gave the unit (`自评总分(分)95.8`).
    static func value(in text: [Unicode.Scalar], after labelEnd: Int, shape: ValueShape, inCell: Bool, unitGiven: Bool = false) -> String? {
        var position = skipFiller(text, from: labelEnd)
        if shape == .amount, let afterCount = countPhraseEnd(text, from: position) { position = skipFiller(text, from: afterCount) }
        guard position < text.count else { return nil }
        if shape == .grade {
            return grades.contains(text[position]) ? String(Character(text[position])) : nil
        }
        guard let number = numberEnd(in: text, from: position) else { return nil }
        let suffix = Array(text[number...].prefix(2))
        switch shape {
        case .amount:
            if let unit = moneyUnits.first(where: { suffix.starts(with: $0) }) {
                return Array(text[position..<(number + unit.count)]).string
            }
            // `执行数12.8万,` : 万 alone, not 万人 / 万亩.
            if suffix.first == "万", suffix.count == 1 || !TextFolding.isHan(suffix[1]) { return Array(text[position...number]).string }
            // In a cell, or after a header's unit: a bare number, even glued to the next cell's text.
            guard inCell || unitGiven, number == text.count || !TextFolding.isHan(text[number])
                    || (unitGiven && !scoreUnitsExcluded.contains(text[number])) else { return nil }
            return Array(text[position..<number]).string
        case .rate:
            return suffix.first == "%" ? Array(text[position...number]).string : nil
        case .count:
            guard suffix.first == "人" || suffix.first == "名" else { return nil }
            return Array(text[position..<number]).string
        case .score:
            if suffix.first == "分" || (inCell && number == text.count) || (unitGiven && suffix.first.map(TextFolding.isDigit) != true) {
                return Array(text[position..<number]).string
            }
            // Cells glued into one line (`自评得分98财政…`): a score label's number, when it can be one.
            if let next = suffix.first, TextFolding.isHan(next), !scoreUnitsExcluded.contains(next),
               let score = ExactDecimal(digits: text[position..<number]), score <= ExactDecimal(100) {
                return Array(text[position..<number]).string
            }
            return nil
        case .grade:
            return nil
        }
    }

    static func skipFiller(_ text: [Unicode.Scalar], from start: Int) -> Int {
        var position = start
        while position < text.count, filler.contains(text[position]), position - start < maxFiller { position += 1 }
        return position
    }

    /// The end of a count of projects between a label and its amount: `年初批复预算8个项目985万元`,
    /// `项目支出共3项120万元`.
    static func countPhraseEnd(_ text: [Unicode.Scalar], from start: Int) -> Int? {
        var position = start
        while position < text.count, TextFolding.isDigit(text[position]) { position += 1 }
        guard position > start, position < text.count, text[position] == "个" || text[position] == "项" else { return nil }
        position += 1
        if text.matches(Self.project, at: position) { position += Self.project.count }
        return position
    }

    static let project = Array("项目".unicodeScalars)
    static let yuan: Unicode.Scalar = "元"

    static func numberEnd(in text: [Unicode.Scalar], from start: Int) -> Int? { NumberText.end(in: text, from: start) }

    /// The unit a header cell announces: `（万元）`, `(单位：元)`, `项目资金（万元）`.
    static func unit(in text: [Unicode.Scalar]) -> String? {
        // Every money unit ends in 元: a text without it names none (one pass instead of four).
        guard text.contains(yuan) else { return nil }
        return moneyUnits.first(where: { text.contains($0) })?.string
    }

    /// Fiscal years written `2022年度`, `2022年年初…` or `2022年全年…` — never a date such
    /// as `2023年4月14日` nor a document number such as `〔2025〕32号`.
    static func fiscalYear(in text: [Unicode.Scalar]) -> String? {
        guard text.count >= 6 else { return nil }
        for index in 4..<(text.count - 1) where text[index] == "年" {
            let next = text[index + 1]
            let yearWord = next == "度" || (index + 2 < text.count && (next == "年" && text[index + 2] == "初" || next == "全" && text[index + 2] == "年"))
            guard yearWord, (index - 4..<index).allSatisfy({ TextFolding.isDigit(text[$0]) }),
                  index == 4 || !TextFolding.isDigit(text[index - 5]) else { continue }
            return Array(text[(index - 4)..<index]).string
        }
        return nil
    }
}
