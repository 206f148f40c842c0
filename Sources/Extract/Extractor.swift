import PerfevalCore

public enum RecordKind: String, Sendable {
    case dept, project
}

/// One unit of evaluation as found in a report: a department-level evaluation or one
/// project, with every value still as written and with its source line.
public struct RawRecord: Sendable {
    public var kind: RecordKind
    /// Record-level values; `.weight` and `.score` are those of the budget-execution row.
    public var values: [Field: RawValue]
    public var indicators: [RawIndicator] = []
    public var items: [RawItem] = []
    public init(kind: RecordKind, values: [Field: RawValue] = [:]) { self.kind = kind; self.values = values }
}

public struct ExtractedReport: Sendable {
    /// Nil when nothing in the document looks like a self-evaluation report.
    public var kind: RecordKind?
    public var records: [RawRecord]
    public var sections = ReportSections()
}

/// Stage 2: document blocks → raw records, driven by the synonym table.
public struct Extractor: Sendable {
    let textMatcher: LabelMatcher
    let cellMatcher: LabelMatcher
    let titleMatcher: LabelMatcher
    let kindMatcher: LabelMatcher
    let agencyMatcher: LabelMatcher
    let placeholderMatcher: LabelMatcher
    let indicatorHeaderMatcher: LabelMatcher
    let costMatcher: LabelMatcher
    let sectionMatcher: LabelMatcher
    let causeMatcher: LabelMatcher
    let columnHeaderMatcher: LabelMatcher
    let genericNames: Set<[Unicode.Scalar]>
    let agencySuffixes: [[Unicode.Scalar]]

    /// Fields read from running text (`基本支出完成120.50万元`), and the shape of their value.
    static let textShapes: [Field: ValueShape] = [
        .budgetInitial: .amount, .budgetFull: .amount, .executed: .amount,
        .basicExp: .amount, .personnelExp: .amount, .publicExp: .amount, .projectExp: .amount,
        .wagesWelfare: .amount, .householdTransfers: .amount, .goodsServices: .amount, .capitalExp: .amount,
        .staffAuthorized: .count, .staffActual: .count, .scoreTotal: .score, .grade: .grade,
    ]
    /// Fields a project record may take from the report's text when its own table lacks
    /// them (`自评得分均为97分` covers every project of the report).
    static let projectFallbacks: [Field] = [.agency, .supervisor, .year, .scoreTotal, .grade]
    static let fundColumns: Set<Field> = [.budgetInitial, .budgetFull, .executed, .executionRate, .available, .weight, .score]

    public init(labels: LabelTable) {
        textMatcher = labels.matcher(for: Set(Self.textShapes.keys))
        cellMatcher = labels.matcher(for: [.agency, .supervisor, .project, .budgetInitial, .budgetFull, .executed,
                                           .available, .executionRate, .weight, .score, .fundTotal, .totalRow,
                                           .scoreTotal, .grade])
        titleMatcher = labels.matcher(for: [.reportTitle])
        kindMatcher = labels.matcher(for: [.kindDept, .kindProject])
        agencyMatcher = labels.matcher(for: [.agency])
        placeholderMatcher = labels.matcher(for: [.placeholder])
        indicatorHeaderMatcher = labels.matcher(for: Set(Self.indicatorColumns))
        costMatcher = labels.matcher(for: [.costIndicator])
        sectionMatcher = labels.matcher(for: Set(Self.sectionFields))
        causeMatcher = labels.matcher(for: [.cause])
        columnHeaderMatcher = labels.matcher(for: [.columnHeader])
        genericNames = Set(labels.labels(for: [.genericAgency]).map(\.scalars))
        agencySuffixes = labels.labels(for: [.agencySuffix]).map(\.scalars)
    }

    public func extract(_ document: Document) -> ExtractedReport {
        let tables = document.tables.map { reflowedIfFlat(CompactTable($0, cellMatcher: cellMatcher)) }
        let units = compactUnits(document, tables: tables)
        let titleIndex = units.prefix(60).firstIndex { titleMatcher.firstMatch(in: $0.text) != nil }
        let reportKind = kind(units: units, titleIndex: titleIndex)
        var reportValues = scanText(units: units)
        if let agency = reportAgency(units: units, titleIndex: titleIndex) { reportValues[.agency] = agency }
        if let year = firstYear(units.prefix(60)) ?? firstYear(units[...]) { reportValues[.year] = year }

        let forms = formRecords(tables: tables, reportKind: reportKind)
        var records = tables.flatMap(projectListRecords) + forms
        guard reportKind != nil || !records.isEmpty else { return ExtractedReport(kind: nil, records: []) }
        // A report with no form or fund list is one record made of its text, whatever its kind.
        let wholeReport = records.isEmpty
        if wholeReport { records = [RawRecord(kind: reportKind ?? .dept)] }
        // Its indicator table may stand anywhere; a form's own is the one after its fund row.
        if records.count == 1 && forms.isEmpty && records[0].indicators.isEmpty {
            records[0].indicators = indicators(in: tables.flatMap(\.rows))
        }
        // Amounts of the running text belong to the department record, else to the report
        // as a whole (kept on its first record, marked report-level).
        let textItems = expenditureItems(document).map { item -> RawItem in var item = item; item.reportLevel = true; return item }
        records[records.firstIndex(where: { $0.kind == .dept }) ?? 0].items += textItems
        for index in records.indices {
            let fallbacks = records[index].kind == .dept || wholeReport ? Array(reportValues.keys) : Self.projectFallbacks
            for field in fallbacks where records[index].values[field] == nil {
                records[index].values[field] = reportValues[field]
            }
        }
        var sections = sections(document)
        if let source = document.source {
            for index in sections.problems.indices { sections.problems[index].quote(from: source) }
            for index in sections.measures.indices { sections.measures[index].quote(from: source) }
        }
        return ExtractedReport(kind: reportKind ?? records.first?.kind, records: records, sections: sections)
    }

    // MARK: report-level values

    func kind(units: [CompactUnit], titleIndex: Int?) -> RecordKind? {
        if let titleIndex {
            for unit in units[max(0, titleIndex - 1)...titleIndex].reversed() {
                if let kind = kindMatcher.firstMatch(in: unit.text).map({ $0.label.field == .kindDept ? RecordKind.dept : .project }) { return kind }
            }
        }
        return units.prefix(60).lazy.compactMap { self.kindMatcher.firstMatch(in: $0.text) }.first
            .map { $0.label.field == .kindDept ? .dept : .project }
    }

    /// Paragraphs and cells in reading order, compact, each cell with its table's unit.
    func compactUnits(_ document: Document, tables: [CompactTable]) -> [CompactUnit] {
        var units: [CompactUnit] = []
        var nextTable = tables.makeIterator()
        for block in document.blocks {
            switch block {
            case .paragraph(let paragraph):
                units.append(CompactUnit(text: TextFolding.compact(paragraph.text), line: paragraph.line, isCell: false, unitHint: nil))
            case .table:
                guard let table = nextTable.next() else { continue }
                for row in table.rows {
                    for cell in row { units.append(CompactUnit(text: cell.text, line: cell.line, isCell: true, unitHint: table.unit)) }
                }
            }
        }
        return units
    }

    /// First value of each text field, in reading order, over paragraphs and cells.
    func scanText(units: [CompactUnit]) -> [Field: RawValue] {
        var values: [Field: RawValue] = [:]
        for unit in units {
            for match in textMatcher.matches(in: unit.text) where values[match.label.field] == nil {
                let field = match.label.field
                if let text = ValueScanner.value(in: unit.text, after: match.end, shape: Self.textShapes[field]!, inCell: unit.isCell) {
                    values[field] = RawValue(text: text, unitHint: unit.unitHint, line: unit.line)
                }
            }
        }
        return values
    }

    func firstYear<C: Collection>(_ units: C) -> RawValue? where C.Element == CompactUnit {
        for unit in units { if let year = ValueScanner.fiscalYear(in: unit.text) { return RawValue(text: year, line: unit.line) } }
        return nil
    }

    /// The agency: a `单位名称：…` line, else the name in or just above the title
    /// (`2023年度某市城市建设档案馆` / `整体支出绩效自评报告`), else the signature above the date.
    func reportAgency(units: [CompactUnit], titleIndex: Int?) -> RawValue? {
        for unit in units.prefix(60) {
            for match in agencyMatcher.matches(in: unit.text) {
                var rest = unit.text[match.end...]
                guard rest.first == ":" else { continue }
                rest = rest.dropFirst()
                if let name = nameCandidate(Array(rest)) { return RawValue(text: name, line: unit.line) }
            }
        }
        if let titleIndex {
            let title = Self.droppingLeadingYear(units[titleIndex].text)
            // The name ends where the year (`…2024年度`), the kind or the title word begins.
            let cut = [Self.yearStart(in: title), kindMatcher.firstMatch(in: title)?.start, titleMatcher.firstMatch(in: title)?.start]
                .compactMap { $0 }.min() ?? 0
            if let name = nameCandidate(Array(title[..<cut])) { return RawValue(text: name, line: units[titleIndex].line) }
            for previous in units[max(0, titleIndex - 2)..<titleIndex].reversed() {
                if let name = nameCandidate(previous.text) { return RawValue(text: name, line: previous.line) }
            }
        }
        return signature(units: units) ?? openingName(units: units)
    }

    /// A name that opens the running text, right before a year, with an agency's ending:
    /// `红河州粮食和物资储备局2024年年初预算项目共14个…` (pages that lost their title).
    func openingName(units: [CompactUnit]) -> RawValue? {
        for unit in units.prefix(12) where !unit.isCell {
            guard let year = Self.yearStart(in: unit.text), year >= 3 else { continue }
            let name = Array(unit.text[..<year])
            guard agencySuffixes.contains(where: { name.count > $0.count && name.reversed().starts(with: $0.reversed()) }),
                  let candidate = nameCandidate(name) else { continue }
            return RawValue(text: candidate, line: unit.line)
        }
        return nil
    }

    /// The last name-like line just above a date (`某市某区档案馆` / `2023年4月14日`).
    func signature(units: [CompactUnit]) -> RawValue? {
        let tail = units.suffix(6)
        for (offset, unit) in zip(tail.indices, tail) where offset > tail.startIndex && Self.isDate(unit.text) {
            let above = units[offset - 1]
            if let name = nameCandidate(above.text) { return RawValue(text: name, line: above.line) }
        }
        return nil
    }

    /// The text without a leading `2023年度` / `2023年`.
    static func droppingLeadingYear(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard yearStart(in: text) == 0 else { return text }
        let rest = text.dropFirst(5)
        return Array(rest.first == "度" ? rest.dropFirst() : rest)
    }

    /// Start of the first `NNNN年` in the text.
    static func yearStart(in text: [Unicode.Scalar]) -> Int? {
        guard text.count >= 5 else { return nil }
        return (0...(text.count - 5)).first { start in
            text[start + 4] == "年" && (start..<(start + 4)).allSatisfy { TextFolding.isDigit(text[$0]) }
        }
    }

    static func isDate(_ text: [Unicode.Scalar]) -> Bool {
        text.count <= 12 && text.count >= 8 && text.contains("年") && text.contains("月") && text.last == "日"
    }

    /// The text as an agency name after dropping a leading year (`2023年度`), or nil when it
    /// is not one: too short or long, a sentence, a template placeholder or a generic word.
    func nameCandidate(_ text: [Unicode.Scalar]) -> String? {
        let candidate = Self.droppingLeadingYear(text)
        guard (3...40).contains(candidate.count), candidate.contains(where: TextFolding.isHan),
              !candidate.contains(where: { Self.sentencePunctuation.contains($0) }),
              !candidate.starts(with: Self.attachment),
              placeholderMatcher.firstMatch(in: candidate) == nil,
              !genericNames.contains(candidate) else { return nil }
        return candidate.string
    }

    static let sentencePunctuation: Set<Unicode.Scalar> = Set("，。；;、,!?！？:：".unicodeScalars)
    static let attachment = Array("附件".unicodeScalars)
}

/// A text unit in compact form (folded, no whitespace).
struct CompactUnit {
    var text: [Unicode.Scalar]
    var line: Int
    var isCell: Bool
    /// For a cell: the money unit its table's header announces.
    var unitHint: String?
}
