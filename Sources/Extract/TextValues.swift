import PerfevalCore

/// Report values that web pages and converted documents write outside a well-formed
/// table: the fiscal year, head counts in sentences, a label on one line with its value on
/// the next, a header row over its value row, a form's fund row whose cells lost their rows
/// (one cell per line, glued into one line, or its values apart from its header), and the
/// amount a transfer-payment report says was allocated (下达).
extension Extractor {
    // MARK: the fiscal year

    /// A form's `评价年度:2024`; else the title's year (`某局2023年度…`, `2023年某市某局…报告`,
    /// `关于2024年部门整体…的报告`) or that of a short line under it (`(2022年度)`); else
    /// `2022年度` anywhere; else the year the text speaks of most (`2023年某办公厅收入…`),
    /// never a date or a document number.
    func reportYear(units: [CompactUnit], titleIndex: Int?) -> RawValue? {
        if let labelled = labelledYear(units) { return labelled }
        if let titleIndex {
            for (offset, unit) in units[titleIndex..<min(units.count, titleIndex + 3)].enumerated() where offset == 0 || unit.text.count <= 24 {
                if let year = Self.titleYear(unit.text) { return RawValue(text: year, line: unit.line) }
            }
        }
        if let year = firstYear(units.prefix(60)) ?? firstYear(units[...]) { return year }
        return mostFrequentYear(units)
    }

    /// `评价年度:2024`, `所属年度 | 2022`: a form's year field (data/labels.csv `year_label`).
    func labelledYear(_ units: [CompactUnit]) -> RawValue? {
        for index in 0..<min(60, units.count) where yearLabelMatcher.mayMatch(units[index].hits) {
            for match in yearLabelMatcher.matches(in: units[index]) {
                let (rest, line) = labelledText(units, at: index, after: match.end)
                let digits = rest.prefix(while: TextFolding.isDigit)
                guard digits.count == 4, let year = Int(Array(digits).string), (1990...2100).contains(year) else { continue }
                return RawValue(text: String(year), line: line)
            }
        }
        return nil
    }

    /// The first `NNNN年` that is not a date (`2023年4月`): a title's year.
    static func titleYear(_ text: [Unicode.Scalar]) -> String? {
        yearMentions(text).first.map { Array(text[$0..<($0 + 4)]).string }
    }

    /// Starts of the `NNNN年` of a text that name a year, not a day (`2023年4月14日`).
    static func yearMentions(_ text: [Unicode.Scalar]) -> [Int] {
        guard text.count >= 5 else { return [] }
        return (0...(text.count - 5)).filter { start in
            guard text[start + 4] == "年", (start..<(start + 4)).allSatisfy({ TextFolding.isDigit(text[$0]) }),
                  start == 0 || !TextFolding.isDigit(text[start - 1]), let year = Int(Array(text[start..<(start + 4)]).string),
                  (1990...2100).contains(year) else { return false }
            return start + 5 == text.count || !(TextFolding.isDigit(text[start + 5]) || text[start + 5] == "月")
        }
    }

    func mostFrequentYear(_ units: [CompactUnit]) -> RawValue? {
        var counts: [String: (count: Int, first: RawValue)] = [:]
        for unit in units {
            for start in Self.yearMentions(unit.text) {
                let year = Array(unit.text[start..<(start + 4)]).string
                counts[year, default: (0, RawValue(text: year, line: unit.line))].count += 1
            }
        }
        return counts.values.max { ($0.count, -$0.first.line) < ($1.count, -$1.first.line) }?.first
    }

    // MARK: head counts in sentences

    /// `核定编制120人`, `实有人员编制86人`, `在职在编实有行政人员80人`, `全局共有在职人员95人`: an
    /// anchor word (data/labels.csv `staff_authorized_word`, `staff_actual_word`) followed,
    /// within a few characters of text, by a number and 人 or 名. Retired, temporary and
    /// other excluded staff (`staff_excluded`) and the other count's anchor break the link.
    func staffInSentences(_ units: [CompactUnit]) -> [Field: RawValue] {
        var values: [Field: RawValue] = [:]
        for index in units.indices where staffWordMatcher.mayMatch(units[index].hits) {
            let unit = units[index]
            for match in staffWordMatcher.matches(in: unit) {
                let field: Field = match.label.field == .staffAuthorizedWord ? .staffAuthorized : .staffActual
                guard values[field] == nil, let count = headCount(unit.text, anchor: match, field: field) else { continue }
                values[field] = RawValue(text: count, line: unit.line)
            }
        }
        return values
    }

    private func headCount(_ text: [Unicode.Scalar], anchor: LabelMatcher.Match, field: Field) -> String? {
        let start = anchor.end
        var position = start
        while position < text.count, position - start <= 8, !TextFolding.isDigit(text[position]) {
            guard TextFolding.isHan(text[position]) || text[position] == ":" else { return nil }
            position += 1
        }
        let gap = Array(text[start..<position])
        let other: Field = field == .staffAuthorized ? .staffActualWord : .staffAuthorizedWord
        // `核定编制在职人员为41人` is the establishment; the 在职 of `编制在职` is not a count of its own.
        let establishment = anchor.start >= 2 && text[(anchor.start - 2)..<anchor.start].elementsEqual(Self.approved)
        let afterEstablishment = anchor.start >= 2 && text[(anchor.start - 2)..<anchor.start].elementsEqual(Self.establishmentWord)
        if field == .staffActual && afterEstablishment { return nil }
        if staffExcludedMatcher.firstMatch(in: gap) != nil
            || (!establishment && staffWordMatcher.matches(in: gap).contains(where: { $0.label.field == other })) { return nil }
        guard let end = NumberText.end(in: text, from: position), end < text.count, text[end] == "人" || text[end] == "名" else { return nil }
        if isRetiredBreakdown(text, from: end + 1) || isRetiredBreakdown(text, around: anchor.start) { return nil }
        return Array(text[position..<end]).string
    }

    /// `150人。其中,局机关在职90人、离休1人、退休40人`: a count whose `其中` breakdown lists
    /// retired staff is a count of all personnel, neither the establishment nor the staff
    /// in service; and the counts of units inside that breakdown (`局机关在职90人`) are parts.
    private func isRetiredBreakdown(_ text: [Unicode.Scalar], from start: Int) -> Bool {
        var position = start
        while position < text.count, position - start < 2, "。,，:".unicodeScalars.contains(text[position]) { position += 1 }
        guard text.matches(Self.among, at: position) else { return false }
        return clauseMentionsRetired(text, from: position)
    }

    private func isRetiredBreakdown(_ text: [Unicode.Scalar], around anchor: Int) -> Bool {
        var start = anchor
        while start > 0, !Self.breakdownEnd.contains(text[start - 1]), !text.matches(Self.among, at: start) { start -= 1 }
        guard text.matches(Self.among, at: start) else { return false }
        // `其中:在职职工184人,…退休…`: the breakdown's own in-service count is the actual staff.
        let lead = text[(start + Self.among.count)..<anchor].filter { !"。,，:".unicodeScalars.contains($0) }
        return !lead.isEmpty && clauseMentionsRetired(text, from: start)
    }

    private func clauseMentionsRetired(_ text: [Unicode.Scalar], from start: Int) -> Bool {
        var end = start
        while end < text.count, !Self.breakdownEnd.contains(text[end]) { end += 1 }
        return staffExcludedMatcher.matches(in: Array(text[start..<end])).contains { $0.label.scalars.count == 2 && Self.retiredWords.contains($0.label.scalars) }
    }

    static let among = Array("其中".unicodeScalars)
    static let approved = Array("核定".unicodeScalars)
    static let establishmentWord = Array("编制".unicodeScalars)
    static let breakdownEnd = ScalarSet("。;；")
    static let retiredWords: Set<[Unicode.Scalar]> = [Array("退休".unicodeScalars), Array("离休".unicodeScalars)]

    // MARK: a label line followed by its value line

    /// The value of a label that ends its line or cell, written alone on the next one
    /// (`人员编制` / `55`, `自评等级` / `优秀`), as pages that copied a form one cell per line
    /// give it. Only a bare number (or a grade) is taken.
    static func valueOnNextUnit(_ units: [CompactUnit], after index: Int, shape: ValueShape) -> RawValue? {
        guard index + 1 < units.count else { return nil }
        var next = units[index + 1]
        // A 总分 row gives the points available before the points scored: `总分 | 100 | 96`.
        if shape == .score, index + 2 < units.count, isBareValue(next.text), isBareValue(units[index + 2].text),
           NumberText.end(in: units[index + 2].text, from: 0) == units[index + 2].text.count {
            next = units[index + 2]
        }
        switch shape {
        case .grade:
            guard let first = next.text.first, next.text.count <= 3 else { return nil }
            return ValueScanner.grades.contains(first) ? RawValue(text: String(Character(first)), line: next.line) : nil
        default:
            guard let end = NumberText.end(in: next.text, from: 0), end == next.text.count || (end + 1 == next.text.count && "人名分%".unicodeScalars.contains(next.text[end])) else { return nil }
            if shape == .rate { return next.text.last == "%" ? RawValue(text: next.text.string, line: next.line) : nil }
            return RawValue(text: Array(next.text[..<end]).string, unitHint: next.unitHint, line: next.line)
        }
    }

    // MARK: a header row over its value row

    /// A table row of labels over a row of values, cell for cell (`编制人数 | 实有人数 | 自评得分`
    /// over `22 | 18 | 96`), as the 基本情况 block of a 部门整体 form writes them: each label's
    /// value is the bare value right under it. Only fields read from text (staff, scores,
    /// amounts, rates); a row of several labels is a header, so a single label is left alone.
    func valuesUnderHeaders(_ tables: [CompactTable]) -> [Field: RawValue] {
        var values: [Field: RawValue] = [:]
        for table in tables {
            for (header, row) in zip(table.rows, table.rows.dropFirst()) where header.count == row.count && header.count >= 2 {
                let labelled = header.indices.compactMap { column -> (Int, Field)? in
                    // (A cell none of whose hits is a text label's has no text label: no need to look.)
                    guard textMatcher.mayMatch(header[column].hits),
                          let field = textMatcher.cellLabel(header[column])?.field, Self.textShapes[field] != nil else { return nil }
                    return (column, field)
                }
                guard labelled.count >= 2 else { continue }
                for (column, field) in labelled where values[field] == nil && Self.isBareValue(row[column].text) && !Self.isDash(row[column].text) {
                    let cell = row[column]
                    guard ValueScanner.value(in: cell.text, after: 0, shape: Self.textShapes[field]!, inCell: true) != nil
                            || (Self.textShapes[field] == .count && NumberText.end(in: cell.text, from: 0) == cell.text.count) else { continue }
                    values[field] = RawValue(text: cell.text.string, unitHint: ValueScanner.unit(in: header[column].text) ?? table.unit, line: cell.line)
                }
            }
        }
        return values
    }

    // MARK: a form's fund row without its table

    /// The fund rows of forms whose cells lost their rows (one cell per line, or rows broken
    /// by a web page): the header words before the row label `年度资金总额`
    /// (`年初预算数 全年预算数 全年执行数 分值 执行率 得分`), and the values after it. Values
    /// before the rate (`86%`) are aligned on the right of the columns before 执行率 (the
    /// 年初预算数 cell is the one usually left empty), those after it on the left. Each row
    /// also gives its form's project name and its own row label (`.fundTotal`, where it stands).
    func flatFundRows(_ units: [CompactUnit]) -> [[Field: RawValue]] {
        var rows: [[Field: RawValue]] = []
        for (index, unit) in units.enumerated() where unit.text.count <= Self.longestRowLabel && cellMatcher.cellLabel(unit)?.field == .fundTotal {
            var start = index
            while start > 0, index - start < 16, !Self.isBareValue(units[start - 1].text), units[start - 1].text.count <= 80,
                  !units[start - 1].text.contains(where: { Self.sentenceEnd.contains($0) }) { start -= 1 }
            let header = Array(units[start..<index].map(\.text).joined())
            var columns: [Field] = []
            for match in cellMatcher.matches(in: header) where Self.fundColumns.contains(match.label.field) && !columns.contains(match.label.field) {
                columns.append(match.label.field)
            }
            var values: [CompactUnit] = []
            var next = index + 1
            while next < units.count, values.count < columns.count, Self.isBareValue(units[next].text) { values.append(units[next]); next += 1 }
            guard columns.count >= 2, values.count >= 2 else { continue }
            let moneyUnit = ValueScanner.unit(in: header) ?? units[max(0, start - 3)..<start].lazy.compactMap { ValueScanner.unit(in: $0.text) }.first
            var row: [Field: RawValue] = [:]
            for (field, value) in Self.aligned(values, to: columns) where !Self.isDash(value.text) {
                row[field] = RawValue(text: value.text.string, unitHint: moneyUnit, line: value.line)
            }
            // The form's project: the value of the last `项目名称` before its fund row.
            let formStart = rows.last.flatMap { $0[.fundTotal]?.line } ?? 0
            if let label = units[..<index].lastIndex(where: { $0.line > formStart && cellMatcher.cellLabel($0)?.field == .project }) {
                let (name, line) = labelledText(units, at: label, after: units[label].text.count)
                if !name.isEmpty { row[.project] = RawValue(text: Array(name).string, line: line) }
            }
            row[.fundTotal] = RawValue(text: unit.text.string, line: unit.line)
            if let total = formTotalScore(units, after: next) { row[.scoreTotal] = total }
            rows.append(row)
        }
        return rows
    }

    /// The form's `总分 | 100 | 98.5` row after its fund row, before the next form's fund row:
    /// the last of the numbers after 总分 (the points available come before the points scored).
    func formTotalScore(_ units: [CompactUnit], after start: Int) -> RawValue? {
        for index in units.indices.dropFirst(start).prefix(400) {
            let label = cellMatcher.cellLabel(units[index], maxExtra: 4)?.field
            if label == .fundTotal { return nil }
            guard label == .scoreTotal else { continue }
            let numbers = units[(index + 1)...].prefix(3).prefix { Self.isBareValue($0.text) && !Self.isDash($0.text) }
            guard let last = numbers.last, let end = NumberText.end(in: last.text, from: 0) else { return nil }
            return RawValue(text: Array(last.text[..<end]).string, line: last.line)
        }
        return nil
    }

    /// A row label cell is its label (`年度资金总额`, 6) and a short note (`:`, `(万元)`).
    static let longestRowLabel = 16

    static func aligned(_ values: [CompactUnit], to columns: [Field]) -> [(Field, CompactUnit)] {
        if values.count == columns.count { return Array(zip(columns, values)) }
        guard let rateValue = values.firstIndex(where: { $0.text.last == "%" }), let rateColumn = columns.firstIndex(of: .executionRate),
              rateValue <= rateColumn, values.count - rateValue <= columns.count - rateColumn else {
            return []   // fewer values than columns and no rate to place them by: no guess
        }
        let before = zip(columns[..<rateColumn].suffix(rateValue), values[..<rateValue])
        let after = zip(columns[rateColumn...], values[rateValue...])
        return Array(before) + Array(after)
    }

    /// A cell that holds only a value: a number (`43.2`, `86%`, `1,200元`, `10分`) or a dash for none.
    static func isBareValue(_ text: [Unicode.Scalar]) -> Bool {
        if isDash(text) { return true }
        guard let end = NumberText.end(in: text, from: 0) else { return false }
        let rest = text[end...]
        // `43.2`, `86%`, `1,200元`, and points written with their unit (`10分`).
        return rest.isEmpty || rest.elementsEqual("%".unicodeScalars) || rest.elementsEqual("分".unicodeScalars)
            || ValueScanner.moneyUnits.contains { rest.elementsEqual($0) }
    }

    static let dashes = ScalarSet("-—/－–")

    static func isDash(_ text: [Unicode.Scalar]) -> Bool {
        !text.isEmpty && text.count <= 2 && text.allSatisfy(dashes.contains)
    }

    // MARK: the amount allocated to a transfer payment

    /// `下达…资金12.8万元`: in transfer-payment reports (绩效目标分解下达情况) the amount
    /// allocated to the project is its budget. Taken when the text allocates one amount;
    /// of several allocations (by level of government, by batch), the largest one said to
    /// be the total (`全年实际下达`, `共计下达`; data/labels.csv `total_word`), if any.
    func allocatedAmount(_ units: [CompactUnit]) -> RawValue? {
        var found: [(value: RawValue, amount: ExactDecimal, total: Bool)] = []
        for index in units.indices where allocationMatcher.mayMatch(units[index].hits) && !units[index].isCell {
            let unit = units[index]
            for match in allocationMatcher.matches(in: unit) {
                var start = match.start
                while start > 0, match.start - start < 12, !Self.clauseEnd.contains(unit.text[start - 1]) { start -= 1 }
                let total = totalWordMatcher.firstMatch(in: Array(unit.text[start..<match.start])) != nil
                var position = match.end
                var amount: String?
                while position < unit.text.count, position - match.end < 40, !Self.clauseEnd.contains(unit.text[position]) {
                    if TextFolding.isDigit(unit.text[position]), position == 0 || !TextFolding.isDigit(unit.text[position - 1]),
                       let value = ValueScanner.value(in: unit.text, after: position, shape: .amount, inCell: false) {
                        amount = value
                        break
                    }
                    // `下达资金 点击查看>> 万元`: an amount the page hides; the allocations can't be told apart.
                    if ValueScanner.moneyUnits.contains(where: { unit.text.matches($0, at: position) }) { return nil }
                    position += 1
                }
                if let amount, let decimal = MoneyUnit.parse(amount) {
                    found.append((RawValue(text: amount, line: unit.line), decimal, total))
                }
            }
        }
        if Set(found.map(\.value.text)).count == 1 { return found.first?.value }
        // Several allocations: the total the report states (`全年实际下达60万元`, `共计下达45.5万元`).
        return found.filter(\.total).max { $0.amount < $1.amount }?.value
    }

    static let clauseEnd = ScalarSet("，。；,;")
}

/// A form's fund row glued into one line by a document-sharing site, digits and all:
/// `年初预算数(A)全年执行数(B)分值(10分)执行率(B/A)得分…年度资金总额:120.560.281050%5`. The
/// glued digits are split into the header's columns only where one split agrees with how
/// the row is computed (执行率 = 执行数 ÷ 预算数, 得分 = 分值 × 执行率); otherwise nothing.
extension Extractor {
    func gluedFundRow(_ units: [CompactUnit]) -> [Field: RawValue]? {
        for index in units.indices where cellMatcher.mayMatch(units[index].hits) && units[index].text.count > Self.longestRowLabel {
            let unit = units[index]
            for match in cellMatcher.matches(in: unit) where match.label.field == .fundTotal {
                // The header stands before the row label (on the line before, when the row
                // starts its line), or between it and the digits
                // (`年度资金总额年初预算数…全年执行数(B)执行率(B/A)52.352.352.3100%`).
                var start = match.end
                while start < unit.text.count, start - match.end < 60, !TextFolding.isDigit(unit.text[start]) { start += 1 }
                let lineBefore = match.start < 10 && index > 0 ? Array(units[index - 1].text.suffix(120)) : []
                let window = lineBefore + Array(unit.text[max(0, match.start - 120)..<match.start]) + Array(unit.text[match.end..<start])
                var columns: [Field] = []
                for header in cellMatcher.matches(in: window) where Self.fundColumns.contains(header.label.field) && !columns.contains(header.label.field) {
                    columns.append(header.label.field)
                }
                // Points may keep their unit (`…143.010分95%9.5`): 分 then ends a 分值 or 得分.
                let digits = Array(unit.text[start...].prefix { TextFolding.isDigit($0) || $0 == "." || $0 == "%" || $0 == "分" })
                guard digits.count >= 4, digits.contains("%"),
                      let values = GluedRow.split(digits, into: columns) ?? GluedRow.splitStandard(digits) else { continue }
                let unitHint = ValueScanner.unit(in: window)
                return values.mapValues { RawValue(text: $0, unitHint: unitHint, line: unit.line) }
            }
        }
        return nil
    }
}

extension Extractor {
    /// A fund header (`全年预算数(A)… 全年执行数(B) 执行率(B/A)`) whose values come later, apart
    /// from it and from each other (`…补助200万元` / `150万元` / `75%`): the first budget,
    /// amount spent and rate after it that agree (执行数 ÷ 预算数 = 执行率), before the
    /// indicator table starts. Nothing when no three values agree.
    func fundValuesAfterHeader(_ units: [CompactUnit]) -> [Field: RawValue]? {
        guard let headerEnd = fundHeaderEnd(units) else { return nil }
        var numbers: [(text: String, value: ExactDecimal, isRate: Bool, unit: String?, line: Int)] = []
        for (offset, unit) in units[headerEnd.unit...].prefix(12).enumerated() {
            // Up to the indicator table's header (`一级指标`), which ends the fund block.
            var position = offset == 0 ? headerEnd.offset : 0
            let indicatorStart = indicatorHeaderMatcher.matches(in: unit)
                .first { [.level1, .level2, .level3].contains($0.label.field) && $0.start >= position }?.start
            let end = indicatorStart ?? unit.text.count
            while position < end {
                guard TextFolding.isDigit(unit.text[position]), position == 0 || !TextFolding.isDigit(unit.text[position - 1]) && unit.text[position - 1] != ".",
                      let numberEnd = NumberText.end(in: unit.text, from: position),
                      let value = ExactDecimal(digits: unit.text[position..<numberEnd].lazy.filter { $0 != "," }) else { position += 1; continue }
                let moneyUnit = ValueScanner.moneyUnit(in: unit.text, at: numberEnd)
                let isRate = numberEnd < unit.text.count && unit.text[numberEnd] == "%"
                if isRate || moneyUnit != nil || numberEnd == unit.text.count {
                    numbers.append((Array(unit.text[position..<numberEnd]).string + (isRate ? "%" : ""), value, isRate, moneyUnit?.string, unit.line))
                }
                position = numberEnd
            }
            if indicatorStart != nil { break }
        }
        for index in numbers.indices.dropLast(2) {
            let (budget, spent, rate) = (numbers[index], numbers[index + 1], numbers[index + 2])
            guard !budget.isRate, !spent.isRate, rate.isRate, budget.value > .zero,
                  let computed = spent.value.percent(of: budget.value),
                  max(computed - rate.value, rate.value - computed) < ExactDecimal(millionths: 600_000) else { continue }
            return [.budgetFull: RawValue(text: budget.text, unitHint: budget.unit ?? "万元", line: budget.line),
                    .executed: RawValue(text: spent.text, unitHint: spent.unit ?? "万元", line: spent.line),
                    .executionRate: RawValue(text: rate.text, line: rate.line)]
        }
        return nil
    }

    /// Where a fund header with 预算数, 执行数 and 执行率 (in that order) ends: unit and offset.
    private func fundHeaderEnd(_ units: [CompactUnit]) -> (unit: Int, offset: Int)? {
        for index in units.indices where cellMatcher.mayMatch(units[index].hits) {
            let fields = cellMatcher.matches(in: units[index]).filter { Self.fundColumns.contains($0.label.field) }
            guard let budget = fields.firstIndex(where: { $0.label.field == .budgetFull }),
                  let spent = fields[budget...].firstIndex(where: { $0.label.field == .executed }),
                  let rate = fields[spent...].firstIndex(where: { $0.label.field == .executionRate }) else { continue }
            return (index, fields[rate].end)
        }
        return nil
    }
}

enum GluedRow {
    /// The one split of `digits` into numbers for `columns` (or for the columns without
    /// 年初预算数, the cell most often left empty) that the row's arithmetic confirms.
    static func split(_ digits: [Unicode.Scalar], into columns: [Field], droppingInitial: Bool = true) -> [Field: String]? {
        guard columns.count >= 3 else { return nil }
        var solutions: [[Field: String]] = []
        var layouts = [columns]
        if droppingInitial, columns.first == .budgetInitial, columns.count > 3 { layouts.append(Array(columns.dropFirst())) }
        for layout in layouts {
            var pieces: [String] = []
            search(digits[...], layout[...], &pieces) { values in
                let row = Dictionary(uniqueKeysWithValues: zip(layout, values))
                if consistent(row) { solutions.append(row) }
            }
        }
        // A zero cut from the end of a number (`390|3901|0|0%`) splits too; a row without zeros is
        // preferred when the digits allow one.
        let withoutZeros = solutions.filter { $0.values.allSatisfy { ExactDecimal(digits: $0.unicodeScalars.filter { $0 != "%" }) != .zero } }
        let candidates = withoutZeros.isEmpty ? solutions : withoutZeros
        guard let first = candidates.first, candidates.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// The layouts of the Ministry of Finance 自评表 fund row, for a header that did not survive
    /// (OCR, glued cells): 年初预算数 全年预算数 全年执行数 (分值) 执行率 (得分).
    static let standardLayouts: [[Field]] = [
        [.budgetInitial, .budgetFull, .executed, .weight, .executionRate, .score],
        [.budgetFull, .executed, .weight, .executionRate, .score],
        [.budgetInitial, .budgetFull, .executed, .executionRate],
        [.budgetFull, .executed, .executionRate],
    ]

    static func splitStandard(_ digits: [Unicode.Scalar]) -> [Field: String]? {
        let found = standardLayouts.compactMap { split(digits, into: $0, droppingInitial: false) }
        guard let first = found.first, found.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    private static func search(_ rest: ArraySlice<Unicode.Scalar>, _ columns: ArraySlice<Field>, _ pieces: inout [String], _ found: ([String]) -> Void) {
        guard let column = columns.first else {
            if rest.isEmpty { found(pieces) }
            return
        }
        guard !rest.isEmpty, rest.count >= columns.count else { return }
        for length in 1...rest.count {
            var piece = Array(rest.prefix(length))
            if piece.last == "分", [.weight, .score].contains(column) { piece.removeLast() }
            guard isNumber(piece, for: column) else { continue }
            pieces.append(piece.string)
            search(rest.dropFirst(length), columns.dropFirst(), &pieces, found)
            pieces.removeLast()
        }
    }

    /// A well-formed number for the column: no leading zero, one point at most, a `%` sign
    /// on the rate only, two decimals at most except for amounts.
    static func isNumber(_ piece: [Unicode.Scalar], for column: Field) -> Bool {
        let isRate = column == .executionRate
        let body = isRate ? (piece.last == "%" ? Array(piece.dropLast()) : piece) : piece
        guard !body.isEmpty, body.allSatisfy({ TextFolding.isDigit($0) || $0 == "." }), !piece.dropLast().contains("%"),
              body.filter({ $0 == "." }).count <= 1, body.first != ".", body.last != "." else { return false }
        if body.count > 1, body[0] == "0", body[1] != "." { return false }
        if !isRate && piece.last == "%" { return false }
        let decimals = body.firstIndex(of: ".").map { body.count - $0 - 1 } ?? 0
        let amount = [Field.budgetInitial, .budgetFull, .executed, .available].contains(column)
        return decimals <= (amount ? 4 : 2)
    }

    static func consistent(_ row: [Field: String]) -> Bool {
        func value(_ field: Field) -> ExactDecimal? { row[field].flatMap { ExactDecimal(digits: $0.unicodeScalars.filter { $0 != "%" }) } }
        let tolerance = ExactDecimal(millionths: 600_000)   // a rate or score rounded to a whole number
        let hundred = ExactDecimal(100)
        guard let rate = value(.executionRate), rate <= ExactDecimal(200) else { return false }
        var checked = false
        if let executed = value(.executed), let budget = value(.budgetFull) ?? value(.budgetInitial), budget > .zero,
           let computed = executed.percent(of: budget) {
            guard max(computed - rate, rate - computed) < tolerance else { return false }
            checked = true
        }
        if let weight = value(.weight), let score = value(.score) {
            // 得分 = 分值 × 执行率 (capped at 100%), compared in millionths² to stay exact.
            let points = Int128(weight.millionths) * Int128(min(rate, hundred).millionths) / 100
            let scored = Int128(score.millionths) * Int128(ExactDecimal.scale)
            guard weight > .zero, weight <= hundred, score <= weight,
                  abs(points - scored) < Int128(tolerance.millionths) * Int128(ExactDecimal.scale) else { return false }
            checked = true
        }
        return checked
    }
}
