import PerfevalCore

/// A named amount (`人员经费100.50万元，占基本支出的83.40%`), as written, with its parent.
/// Items of one `group` are the parts of their parent: they should add up to it.
public struct RawItem: Sendable {
    public var parent: String
    /// The parent's amount as written, when the report gives it.
    public var parentAmount: String?
    public var item: String
    public var amount: String
    public var unitHint: String?
    public var statedShare: String?
    /// Year-on-year change as written, signed (`比上年减少18.45万元` → `-18.45万元`).
    public var statedChange: String?
    public var statedChangePct: String?
    public var group: Int?
    public var line: Int
    /// Found in the report's running text rather than in the record's own table.
    public var reportLevel = false
}

extension Extractor {
    // MARK: fund sources of a form

    /// The rows under 年度资金总额: `其中：当年财政拨款 | 55 | 55 | 55`, or cells that carry
    /// their own label (`其中：基本支出：96.40`); each column of such cells is one split.
    func fundSources(_ rows: [[CompactTable.CompactCell]], anchorIndex: Int, budgetColumn: Int?, parentAmount: String?, unit: String?) -> [RawItem] {
        guard let totalColumn = rows[anchorIndex].firstIndex(where: { $0.label?.field == .fundTotal }) else { return [] }
        var items: [RawItem] = []
        for row in rows[(anchorIndex + 1)...].prefix(8) {
            if row.contains(where: { headerLabel($0) != nil || $0.text.count > 40 }) { break }
            for (column, cell) in row.enumerated() {
                if let (name, amount) = Self.labelledAmount(cell.text) {
                    items.append(RawItem(parent: "年度资金总额", parentAmount: parentAmount, item: name, amount: amount, unitHint: unit,
                                         group: 1000 + column, line: cell.line))
                } else if column == totalColumn, !cell.isEmpty, NumberText.end(in: cell.text, from: 0) == nil,
                          let budgetColumn, budgetColumn < row.count, NumberText.end(in: row[budgetColumn].text, from: 0) == row[budgetColumn].text.count {
                    items.append(RawItem(parent: "年度资金总额", parentAmount: parentAmount, item: Self.withoutLead(cell.text).string,
                                         amount: row[budgetColumn].text.string, unitHint: unit, group: 0, line: cell.line))
                }
            }
        }
        return items
    }

    static let leads: [[Unicode.Scalar]] = ["其中包括", "其中:", "其中", "主要为", "主要是", "主要包括", "包括", "分别为", "分别是", "主要用于", "用于"]
        .map { Array($0.unicodeScalars) }

    static func withoutLead(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var rest = text[...]
        while let lead = leads.first(where: { rest.starts(with: $0) }) { rest = rest.dropFirst(lead.count) }
        return Array(rest)
    }

    /// `其中:基本支出:96.40` → (基本支出, 96.40).
    static func labelledAmount(_ text: [Unicode.Scalar]) -> (String, String)? {
        let body = withoutLead(text)
        guard let colon = body.lastIndex(of: ":"), colon > 0, colon + 1 < body.count,
              NumberText.end(in: body, from: colon + 1) == body.count else { return nil }
        return (Array(body[..<colon]).string, Array(body[(colon + 1)...]).string)
    }
}

extension Extractor {
    // MARK: amounts in running text

    /// Every named amount of the report's paragraphs. An amount followed by `其中…`,
    /// `主要为…` or `包括…` opens a group: the amounts after it, up to the end of the
    /// sentence, are its parts. `占X的P%` gives a stated share, `比上年减少N万元，减少P%`
    /// a year-on-year change of the amount before it. Other amounts have the section
    /// heading as parent.
    func expenditureItems(_ document: Document, paragraphs: [[Unicode.Scalar]?]) -> [RawItem] {
        var items: [RawItem] = []
        var heading = Heading()
        var nextGroup = 1
        for (block, compact) in zip(document.blocks, paragraphs) {
            guard case .paragraph(let paragraph) = block, let text = compact else { continue }
            if let name = Self.headingName(text) { heading = Heading(name); continue }
            let found = paragraphItems(text, line: paragraph.line, heading: &heading, nextGroup: &nextGroup)
            if !found.isEmpty { items += found }   // most paragraphs name no amount
        }
        return items
    }

    private struct AmountSpan { var start: Int; var end: Int }

    /// A section heading's name, made a String only when an amount under it needs it (most
    /// short numbered lines head no amount).
    private struct Heading {
        private let scalars: [Unicode.Scalar]
        private var made: String?
        init() { (scalars, made) = ([], "") }
        init(_ name: [Unicode.Scalar]) { (scalars, made) = (name, nil) }
        mutating func text() -> String {
            if let made { return made }
            let text = scalars.string
            made = text
            return text
        }
    }

    private func paragraphItems(_ text: [Unicode.Scalar], line: Int, heading: inout Heading, nextGroup: inout Int) -> [RawItem] {
        var items: [RawItem] = []
        var lastTop: Int?
        var scope: (parent: String, amount: String?, group: Int)?
        var previousEnd = 0
        for span in Self.amountSpans(text) {
            var region = Array(text[previousEnd..<span.start])
            if region.contains("。") { scope = nil }
            if let cut = region.lastIndex(where: { Self.clauseBreaks.contains($0) }) { region = Array(region[(cut + 1)...]) }
            if region.first == "、" { region.removeFirst() }
            let amount = Array(text[span.start..<span.end]).string
            previousEnd = span.end
            if let sign = Self.changeSign(region) {
                if !items.isEmpty {
                    items[items.count - 1].statedChange = (sign < 0 ? "-" : "") + amount
                    items[items.count - 1].statedChangePct = Self.changePercent(text, after: span.end).map { (sign < 0 ? "-" : "") + $0 }
                }
                continue
            }
            let (lead, name) = Self.splitAtLead(region)
            if let lead {
                if let top = lastTop { scope = (items[top].item, items[top].amount, nextGroup) }
                else { scope = (lead.isEmpty ? heading.text() : lead.string, nil, nextGroup) }
                nextGroup += 1
            }
            let cleaned = Self.cleanItemName(name)
            guard !cleaned.isEmpty else { continue }
            var item = RawItem(parent: scope?.parent ?? heading.text(), parentAmount: scope?.amount, item: cleaned.string, amount: amount,
                               group: scope?.group, line: line)
            if let (parentName, share) = Self.statedShare(text, after: span.end) {
                item.statedShare = share
                if scope == nil, let parent = items.lastIndex(where: { $0.item.unicodeScalars.elementsEqual(parentName) || $0.item.hasSuffix(parentName.string) }) {
                    item.parent = items[parent].item
                    item.parentAmount = items[parent].amount
                }
            }
            items.append(item)
            if scope == nil { lastTop = items.count - 1 }
        }
        return items
    }

    static let clauseBreaks = ScalarSet("，,。；;:")
    static let trailingWords: [[Unicode.Scalar]] = ["完成", "为", "共计", "合计", "达到", "达", "约", "等", "计"].map { Array($0.unicodeScalars) }

    /// Number-plus-money-unit spans (`100.50万元`), not preceded by another digit.
    private static func amountSpans(_ text: [Unicode.Scalar]) -> [AmountSpan] {
        // Every money unit ends in 元: most paragraphs name no amount.
        guard text.contains(ValueScanner.yuan) else { return [] }
        var spans: [AmountSpan] = []
        var index = 0
        while index < text.count {
            // To the next digit (most scalars are not), read in place.
            index = text.withUnsafeBufferPointer { scalars in
                var next = index
                while next < scalars.count, !TextFolding.isDigit(scalars[next]) { next += 1 }
                return next
            }
            guard index < text.count else { break }
            guard index == 0 || !(TextFolding.isDigit(text[index - 1]) || text[index - 1] == ".") ,
                  let end = NumberText.end(in: text, from: index) else { index += 1; continue }
            // (Every money unit has at most two scalars: spelled at `end` is spelled in the two after it.)
            if let unit = ValueScanner.moneyUnit(in: text, at: end) {
                spans.append(AmountSpan(start: index, end: end + unit.count))
            }
            index = end
        }
        return spans
    }

    /// +1 / -1 when the words before an amount make it a year-on-year change.
    static func changeSign(_ region: [Unicode.Scalar]) -> Int? {
        func endsWith(_ word: [Unicode.Scalar]) -> Bool { region.matches(word, at: region.count - word.count) }
        guard changeMarkers.contains(where: region.contains) else { return nil }
        if decreaseWords.contains(where: endsWith) { return -1 }
        if increaseWords.contains(where: endsWith) { return 1 }
        return nil
    }

    /// 上年 / 同比 (compared with last year) before an amount, then the direction it ends on.
    static let changeMarkers = ["上年", "同比", "上一年"].map { Array($0.unicodeScalars) }
    static let decreaseWords = ["减少", "下降", "降低"].map { Array($0.unicodeScalars) }
    static let increaseWords = ["增加", "增长", "提高"].map { Array($0.unicodeScalars) }

    /// `，减少9.56%` right after a change amount → `9.56`.
    static func changePercent(_ text: [Unicode.Scalar], after end: Int) -> String? {
        var index = end
        if index < text.count, text[index] == "," { index += 1 }
        let words = ["减少", "下降", "降低", "增加", "增长", "提高"].map { Array($0.unicodeScalars) }
        guard let word = words.first(where: { text.matches($0, at: index) }) else { return nil }
        index += word.count
        guard let numberEnd = NumberText.end(in: text, from: index), numberEnd < text.count, text[numberEnd] == "%" else { return nil }
        return Array(text[index..<numberEnd]).string
    }

    /// `，占项目支出的74.43%` → (项目支出, 74.43).
    static func statedShare(_ text: [Unicode.Scalar], after end: Int) -> ([Unicode.Scalar], String)? {
        var index = end
        if index < text.count, text[index] == "," { index += 1 }
        guard index < text.count, text[index] == "占" else { return nil }
        index += 1
        let nameStart = index
        while index < text.count, !TextFolding.isDigit(text[index]), !clauseBreaks.contains(text[index]), index - nameStart < 20 { index += 1 }
        var parent = Array(text[nameStart..<index])
        if parent.last == "的" { parent.removeLast() }
        guard let numberEnd = NumberText.end(in: text, from: index), numberEnd < text.count, text[numberEnd] == "%" else { return nil }
        return (parent, Array(text[index..<numberEnd]).string)
    }

    /// Splits `我单位项目主要包括日常经费` at its last lead word: (`我单位项目`, `日常经费`).
    static func splitAtLead(_ region: [Unicode.Scalar]) -> (lead: [Unicode.Scalar]?, name: [Unicode.Scalar]) {
        var best: (start: Int, end: Int)?
        for lead in leads {
            var from = 0
            while let start = region.firstIndex(of: lead, from: from) {
                let end = start + lead.count
                if best == nil || end > best!.end || (end == best!.end && start < best!.start) { best = (start, end) }
                from = start + 1
            }
        }
        guard let best else { return (nil, region) }
        return (droppingLeadingYear(Array(region[..<best.start])), Array(region[best.end...]))
    }

    static func cleanItemName(_ name: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var rest = droppingLeadingYear(name)[...]
        if rest.first == "," { rest = rest.dropFirst() }
        var trimmed = true
        while trimmed {
            trimmed = false
            if let word = trailingWords.first(where: { rest.count > $0.count && rest.suffix($0.count).elementsEqual($0) }) {
                rest = rest.dropLast(word.count); trimmed = true
            }
        }
        return Array(rest)
    }

    static let chineseNumerals = ScalarSet("一二三四五六七八九十")
    static let listMarks = ScalarSet("、.")

    /// A section heading (`二、一般公共预算支出情况`, `(一)基本支出情况`) → its name
    /// without numbering and without the closing 情况.
    static func headingName(_ text: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        guard text.count <= 30, !text.contains("。") else { return nil }
        var index = 0
        if text.first == "(" , let close = text.firstIndex(of: ")"), close <= 4 { index = close + 1 }
        else {
            while index < text.count, index < 3, TextFolding.isDigit(text[index]) || chineseNumerals.contains(text[index]) { index += 1 }
            guard index > 0, index < text.count, listMarks.contains(text[index]) else { return nil }
            index += 1
        }
        var name = Array(text[index...])
        if name.count > 2, name.suffix(2).elementsEqual("情况".unicodeScalars) { name.removeLast(2) }
        return name.isEmpty ? nil : name
    }
}
