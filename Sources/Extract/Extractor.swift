import Glibc
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
    /// Texts that may name the report's place when the agency's name does not (the title,
    /// the `发布机构` line, the opening sentences), strongest first.
    public var places: [RawPlace] = []
    /// Short lines that may name a division inside that place (project names, table cells).
    public var detailPlaces: [RawPlace] = []
    public init(kind: RecordKind, values: [Field: RawValue] = [:]) { self.kind = kind; self.values = values }
}

public struct ExtractedReport: Sendable {
    /// Nil when nothing in the document looks like a self-evaluation report.
    public var kind: RecordKind?
    public var records: [RawRecord]
    public var sections = ReportSections()
}

/// Stage 2: document blocks → raw records, driven by the synonym table.
public final class Extractor: Sendable {
    let textMatcher: LabelMatcher
    let cellMatcher: LabelMatcher
    let titleMatcher: LabelMatcher
    /// Title words, with the weaker ones that only a title line can be told by (`绩效自评`).
    let titleLineMatcher: LabelMatcher
    let publisherMatcher: LabelMatcher
    let markerMatcher: LabelMatcher
    let supervisorMatcher: LabelMatcher
    let staffWordMatcher: LabelMatcher
    let staffExcludedMatcher: LabelMatcher
    let allocationMatcher: LabelMatcher
    let kindHintMatcher: LabelMatcher
    let projectCountMatcher: LabelMatcher
    let statementMatcher: LabelMatcher
    let totalWordMatcher: LabelMatcher
    let yearLabelMatcher: LabelMatcher
    let nameLeads: [[Unicode.Scalar]]
    let suffixBlockers: ScalarSet
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
    /// The agency words of one scalar, and the last scalars of the longer ones (a name's
    /// scalars are tested against these before any word is compared).
    let oneScalarSuffixes: ScalarSet
    let longSuffixEnds: ScalarSet
    /// The labels of every matcher that reads paragraphs and cells, found once per text.
    let hitsMatcher: LabelMatcher

    /// Fields read from running text (`基本支出完成120.50万元`), and the shape of their value.
    static let textShapes: [Field: ValueShape] = [
        .budgetInitial: .amount, .budgetFull: .amount, .executed: .amount,
        .basicExp: .amount, .personnelExp: .amount, .publicExp: .amount, .projectExp: .amount,
        .wagesWelfare: .amount, .householdTransfers: .amount, .goodsServices: .amount, .capitalExp: .amount,
        .staffAuthorized: .count, .staffActual: .count, .scoreTotal: .score, .grade: .grade, .executionRate: .rate,
        .projectBudget: .amount,
    ]
    /// Fields a project record may take from the report's text when its own table lacks
    /// them (`自评得分均为97分` covers every project of the report).
    static let projectFallbacks: [Field] = [.agency, .supervisor, .year, .scoreTotal, .grade]
    static let perProjectFields: [Field] = [.budgetFull, .executed, .executionRate, .scoreTotal, .grade, .projectBudget]
    static let fundColumns: Set<Field> = [.budgetInitial, .budgetFull, .executed, .executionRate, .available, .weight, .score]

    public init(labels: LabelTable) {
        textMatcher = labels.matcher(for: Set(Self.textShapes.keys))
        cellMatcher = labels.matcher(for: [.agency, .supervisor, .project, .budgetInitial, .budgetFull, .executed,
                                           .available, .executionRate, .weight, .score, .fundTotal, .totalRow,
                                           .scoreTotal, .grade])
        titleMatcher = labels.matcher(for: [.reportTitle])
        titleLineMatcher = labels.matcher(for: [.reportTitle, .reportTitleWeak])
        publisherMatcher = labels.matcher(for: [.publisher])
        markerMatcher = labels.matcher(for: [.shortFormMarker, .sealMarker])
        supervisorMatcher = labels.matcher(for: [.supervisor])
        staffWordMatcher = labels.matcher(for: [.staffAuthorizedWord, .staffActualWord])
        staffExcludedMatcher = labels.matcher(for: [.staffExcluded])
        allocationMatcher = labels.matcher(for: [.allocated])
        kindHintMatcher = labels.matcher(for: [.kindDeptHint, .kindProjectHint])
        projectCountMatcher = labels.matcher(for: [.projectCount])
        statementMatcher = labels.matcher(for: [.statementWord])
        totalWordMatcher = labels.matcher(for: [.totalWord])
        yearLabelMatcher = labels.matcher(for: [.yearLabel])
        nameLeads = labels.labels(for: [.nameLead]).map(\.scalars)
        suffixBlockers = ScalarSet(labels.labels(for: [.suffixBlocker]).compactMap(\.scalars.first))
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
        oneScalarSuffixes = ScalarSet(agencySuffixes.filter { $0.count == 1 }.map { $0[0] })
        longSuffixEnds = ScalarSet(agencySuffixes.filter { $0.count >= 2 }.compactMap(\.last))
        hitsMatcher = labels.matcher(for: Set(Self.textShapes.keys).union(Self.indicatorColumns).union(
            [.agency, .supervisor, .project, .budgetInitial, .budgetFull, .executed, .available, .executionRate, .weight, .score,
             .fundTotal, .totalRow, .scoreTotal, .grade, .reportTitle, .reportTitleWeak, .publisher, .shortFormMarker, .sealMarker,
             .staffAuthorizedWord, .staffActualWord, .kindDeptHint, .kindProjectHint, .projectCount, .yearLabel,
             .kindDept, .kindProject, .allocated, .columnHeader]))
    }

    public func extract(_ document: Document) -> ExtractedReport {
        let tables = document.tables.map { reflowedIfFlat(CompactTable($0, cellMatcher: cellMatcher, hitsMatcher: hitsMatcher)) }
        // Each paragraph folded and compacted once, for every reader below.
        let paragraphs = Self.compactParagraphs(document)
        let units = compactUnits(document, paragraphs: paragraphs, tables: tables)
        let titleIndex = self.titleIndex(units)
        let isReport = titleIndex != nil || mentionsEvaluation(units)
        let reportKind = kind(units: units, titleIndex: titleIndex) ?? (isReport ? inferredKind(units: units, titleIndex: titleIndex) : nil)
        let scanned = scanText(units: units)
        var reportValues = scanned.values
        for (field, value) in valuesUnderHeaders(tables) where reportValues[field] == nil { reportValues[field] = value }
        for (field, value) in scanned.nextLine where reportValues[field] == nil { reportValues[field] = value }
        if reportValues[.staffAuthorized] == nil || reportValues[.staffActual] == nil {
            for (field, value) in staffInSentences(units) where reportValues[field] == nil { reportValues[field] = value }
        }
        let (agency, places) = reportAgency(units: units, titleIndex: titleIndex)
        if let agency { reportValues[.agency] = agency }
        if let year = reportYear(units: units, titleIndex: titleIndex) { reportValues[.year] = year }

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
        let severalProjects = records.contains { $0.kind == .project } && coversSeveralProjects(units)
        let splitIntoForms = fillFundValues(&records, units: units, severalProjects: severalProjects, wholeReport: wholeReport)
        // Amounts of the running text belong to the department record, else to the report
        // as a whole (kept on its first record, marked report-level).
        let textItems = expenditureItems(document, paragraphs: paragraphs).map { item -> RawItem in var item = item; item.reportLevel = true; return item }
        records[records.firstIndex(where: { $0.kind == .dept }) ?? 0].items += textItems
        if wholeReport, severalProjects {
            // A report on several projects without a table of them: an amount, rate or score of
            // its text is one project's (`1、某项目…实际已支付186.98万元…得分91.8分`), not the report's.
            for field in Self.perProjectFields { reportValues[field] = nil }
        }
        let allPlaces = places + openingPlaces(units)
        let detailPlaces = Self.detailPlaces(units)
        for index in records.indices {
            let fallbacks = records[index].kind == .dept || (wholeReport && !splitIntoForms) ? Array(reportValues.keys) : Self.projectFallbacks
            for field in fallbacks where records[index].values[field] == nil {
                records[index].values[field] = reportValues[field]
            }
            if records[index].kind == .project, records[index].values[.budgetFull] == nil, records.count == 1, !severalProjects {
                records[index].values[.budgetFull] = reportValues[.projectBudget]
            }
            records[index].values[.projectBudget] = nil
            // The report's fuller name of the same unit (`某市某县某中学` for a form's `某县某中学`).
            if let own = records[index].values[.agency]?.text, let full = reportValues[.agency], full.text.unicodeScalars.count > own.unicodeScalars.count,
               full.text.hasSuffix(own) || full.text.hasPrefix(own) {
                records[index].values[.agency] = full
            }
            records[index].places = allPlaces
            records[index].detailPlaces = detailPlaces
        }
        let sections = sections(document, paragraphs: paragraphs)
        return ExtractedReport(kind: reportKind ?? records.first?.kind, records: records, sections: sections)
    }

    // MARK: report-level values

    func kind(units: [CompactUnit], titleIndex: Int?) -> RecordKind? {
        if let titleIndex {
            for unit in units[max(0, titleIndex - 1)...titleIndex].reversed() {
                if let kind = kindMatcher.firstMatch(in: unit).map({ $0.label.field == .kindDept ? RecordKind.dept : .project }) { return kind }
            }
        }
        return units.prefix(60).lazy.compactMap { self.kindMatcher.firstMatch(in: $0) }.first
            .map { $0.label.field == .kindDept ? .dept : .project }
    }

    /// Each block's text folded and without spaces (kept by ingest); nil for a table.
    static func compactParagraphs(_ document: Document) -> [[Unicode.Scalar]?] {
        document.blocks.map { block in
            if case .paragraph(let paragraph) = block { return paragraph.compact } else { return nil }
        }
    }

    /// Paragraphs and cells in reading order, compact, each cell with its table's unit.
    func compactUnits(_ document: Document, paragraphs: [[Unicode.Scalar]?], tables: [CompactTable]) -> [CompactUnit] {
        // A paragraph's labels are found into one store for the document; its unit is made
        // once the store is complete. Cells come with their table's.
        enum Pending {
            case text([Unicode.Scalar], line: Int, isCell: Bool, found: LabelMatcher.PendingHits)
            case table(CompactTable)
        }
        var pending: [Pending] = []
        pending.reserveCapacity(document.blocks.count)
        var store: [LabelMatcher.Match] = []
        var nextTable = tables.makeIterator()
        for (block, compact) in zip(document.blocks, paragraphs) {
            switch block {
            case .paragraph(let paragraph):
                if let cells = Self.spacedRowCells(paragraph.text) {
                    for cell in cells { pending.append(.text(cell, line: paragraph.line, isCell: true, found: hitsMatcher.appendHits(of: cell, to: &store))) }
                } else {
                    let text = compact ?? []
                    pending.append(.text(text, line: paragraph.line, isCell: false, found: hitsMatcher.appendHits(of: text, to: &store)))
                }
            case .table:
                guard let table = nextTable.next() else { continue }
                pending.append(.table(table))
            }
        }
        var units: [CompactUnit] = []
        units.reserveCapacity(pending.count)
        for unit in pending {
            switch unit {
            case let .text(text, line, isCell, found):
                units.append(CompactUnit(text: text, line: line, isCell: isCell, unitHint: nil, hits: found.hits(in: store)))
            case .table(let table):
                for row in table.rows {
                    for cell in row { units.append(cell) }
                }
            }
        }
        return units
    }

    /// The cells of a table row that a page wrote as one line with spaces between its cells
    /// (`年度资金总额 9.48 9.48 10 100% 10`): three or more short pieces, two of them bare
    /// values. A sentence with a stray space is not such a row.
    static func spacedRowCells(_ text: String) -> [[Unicode.Scalar]]? {
        guard text.utf8.count <= 480, Self.mayBeSpacedRow(text.utf8) else { return nil }
        let scalars = Array(text.unicodeScalars.compactMap(TextFolding.fold))
        guard scalars.count <= 160, scalars.contains(" ") else { return nil }
        let pieces = scalars.split(whereSeparator: TextFolding.isSpace).map(Array.init)
        guard pieces.count >= 3, pieces.allSatisfy({ $0.count <= 30 }),
              pieces.filter(isBareValue).count >= 2 else { return nil }
        return pieces
    }

    /// A cheap look at the bytes before folding: a space (ASCII or U+3000) between pieces and
    /// two digits at least.
    static func mayBeSpacedRow(_ bytes: String.UTF8View) -> Bool {
        bytes.withContiguousStorageIfAvailable(mayBeSpacedRow) ?? Array(bytes).withUnsafeBufferPointer(mayBeSpacedRow)
    }

    static func mayBeSpacedRow(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count >= 2 else { return false }
        // Spaces first, found by memchr / memmem (most paragraphs have none); digits only then.
        var spaces = count(of: [0x20], in: base, length: bytes.count, upTo: 2)
        if spaces < 2 { spaces += count(of: [0xE3, 0x80, 0x80], in: base, length: bytes.count, upTo: 2 - spaces) }   // U+3000
        guard spaces >= 2 else { return false }
        var digits = 0
        for byte in bytes where byte &- 0x30 < 10 {
            digits += 1
            if digits == 2 { return true }
        }
        return false
    }

    /// How many times `needle` occurs in the bytes, counting no further than `limit` (its
    /// first byte found by memchr).
    static func count(of needle: [UInt8], in base: UnsafePointer<UInt8>, length: Int, upTo limit: Int) -> Int {
        var found = 0, start = 0
        while found < limit, start < length, let hit = memchr(base + start, Int32(needle[0]), length - start) {
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if at + needle.count <= length, (1..<needle.count).allSatisfy({ base[at + $0] == needle[$0] }) {
                found += 1
                start = at + needle.count
            } else {
                start = at + 1
            }
        }
        return found
    }

    /// First value of each text field, in reading order, over paragraphs and cells.
    /// `nextLine`: values found only on the line or cell after their label, weaker evidence
    /// than a table's header row over its values (`编制人数 | 自评得分` over `22 | 96`).
    func scanText(units: [CompactUnit]) -> (values: [Field: RawValue], nextLine: [Field: RawValue]) {
        var values: [Field: RawValue] = [:], nextLine: [Field: RawValue] = [:]
        for index in units.indices where textMatcher.mayMatch(units[index].hits) {
            let unit = units[index]
            for match in textMatcher.matches(in: unit) where values[match.label.field] == nil {
                let field = match.label.field
                let shape = Self.textShapes[field]!
                let afterNote = Self.droppingNote(unit.text[match.end...]).startIndex
                // A note between label and value may give the unit: `执行数(万元):96.4`, `自评总分(分)95.8`.
                let noteUnit = ValueScanner.unit(in: Array(unit.text[match.end..<afterNote]))
                if let text = ValueScanner.value(in: unit.text, after: match.end, shape: shape, inCell: unit.isCell) {
                    values[field] = RawValue(text: text, unitHint: unit.unitHint, line: unit.line)
                } else if afterNote > match.end,
                          let text = ValueScanner.value(in: unit.text, after: afterNote, shape: shape, inCell: unit.isCell, unitGiven: shape != .amount || noteUnit != nil) {
                    values[field] = RawValue(text: text, unitHint: noteUnit ?? unit.unitHint, line: unit.line)
                } else if shape == .amount, let hint = Self.unitAnnounced(before: match.start, in: unit.text),
                          let text = ValueScanner.value(in: unit.text, after: afterNote, shape: shape, inCell: unit.isCell, unitGiven: true) {
                    values[field] = RawValue(text: text, unitHint: hint, line: unit.line)
                } else if afterNote == unit.text.count, shape != .amount, nextLine[field] == nil,
                          let next = Self.valueOnNextUnit(units, after: index, shape: shape) {
                    nextLine[field] = next
                }
            }
        }
        return (values, nextLine)
    }

    /// The money unit a glued table announces shortly before a label: `资金情况(万元)年度资金总额
    /// 全年预算数(A)300` (the header's `(万元)` or `单位:万元`).
    static func unitAnnounced(before start: Int, in text: [Unicode.Scalar]) -> String? {
        for position in max(0, start - 40)..<start where text[position] == "(" || text[position] == ":" {
            if let unit = ValueScanner.moneyUnits.first(where: { text.matches($0, at: position + 1) }),
               text[position] == "(" || (position >= 2 && text[(position - 2)..<position].elementsEqual("单位".unicodeScalars)) {
                return unit.string
            }
        }
        return nil
    }

    /// The title line: a report-title word (`绩效自评报告`) near its start, with no sentence
    /// before it, preferably one naming the unit or the year; a weaker title word (`绩效评价`)
    /// only when no line has a strong one.
    func titleIndex(_ units: [CompactUnit]) -> Int? {
        for matcher in [titleMatcher, titleLineMatcher] {
            let lines = units.prefix(60).indices.filter { index in
                let text = units[index].text
                guard let match = matcher.firstMatch(in: units[index]), match.start <= 60 else { return false }
                // Not a sentence, nor a site's breadcrumb (`首页 > 政务公开 > 绩效评价`).
                return !text[..<match.start].contains { Self.sentenceEnd.contains($0) || $0 == ">" || $0 == "»" }
            }
            // The first that names its unit or year, else the first.
            if let named = lines.first(where: { Self.titleYear(units[$0].text) != nil || agencyName(titleName(units[$0].text)) != nil }) ?? lines.first {
                return named
            }
        }
        return nil
    }

    static let sentenceEnd = ScalarSet("，。；;,!?！？")

    /// Whether the opening of a document without a title speaks of a performance
    /// self-evaluation (`绩效目标分解下达情况`, `开展绩效自评`): a report that lost its title.
    func mentionsEvaluation(_ units: [CompactUnit]) -> Bool {
        units.prefix(40).contains { titleLineMatcher.firstMatch(in: $0) != nil || $0.text.contains(Self.performanceTarget) }
    }

    static let performanceTarget = Array("绩效目标".unicodeScalars)

    /// The kind of a report whose title names none (`某资金2023年度绩效自评报告`): a project
    /// when its title, or else its opening, speaks more of projects and funds than of the
    /// department (data/labels.csv `kind_project_hint`, `kind_dept_hint`).
    func inferredKind(units: [CompactUnit], titleIndex: Int?) -> RecordKind {
        let scope = titleIndex.map { units[$0...$0] } ?? units.prefix(30)
        var dept = 0, project = 0
        for unit in scope {
            for match in kindHintMatcher.matches(in: unit) {
                if match.label.field == .kindProjectHint { project += 1 } else { dept += 1 }
            }
        }
        return project > dept ? .project : .dept
    }

    /// Whether the report counts several projects (`年初批复预算8个项目`, `项目共14个`): then an
    /// amount of its text may be one project's, not the record's budget.
    func coversSeveralProjects(_ units: [CompactUnit]) -> Bool {
        units.indices.contains { index in
            guard projectCountMatcher.mayMatch(units[index].hits) else { return false }
            let unit = units[index]
            return projectCountMatcher.matches(in: unit).contains { match in
                let isAfterNumber = match.label.scalars.first == "个"
                let digits = isAfterNumber ? unit.text[..<match.start].reversed().prefix(while: TextFolding.isDigit).reversed()
                                           : unit.text[match.end...].prefix(while: TextFolding.isDigit)
                return (Int(Array(digits).string) ?? 0) >= 2
            }
        }
    }

    /// The opening paragraphs, as the weakest evidence of the report's place (`我县…某县财政局`).
    func openingPlaces(_ units: [CompactUnit]) -> [RawPlace] {
        var places: [RawPlace] = []
        for unit in units where !unit.isCell && unit.text.count >= 20 && unit.text.lazy.filter(TextFolding.isHan).count >= 20 {
            places.append(RawPlace(scalars: unit.text, line: unit.line))
            if places.count == 5 { break }
        }
        return places
    }

    /// Short lines and cells among the first units, not sentences: places inside the report's
    /// place (a project `某市某区某医院建设工程`).
    static func detailPlaces(_ units: [CompactUnit]) -> [RawPlace] {
        var places: [RawPlace] = []
        let sentenceEnd = Self.sentenceEnd
        for unit in units.prefix(120) where (6...40).contains(unit.text.count) && !unit.text.contains(where: sentenceEnd.contains) {
            places.append(RawPlace(scalars: unit.text, line: unit.line))
        }
        return places
    }

    /// Fund values of forms that lost their table rows, and the allocated amount of a
    /// single transfer-payment project, for records whose tables gave none.
    /// Returns whether the report's one record was split into the project forms it holds
    /// (several `项目名称 … 年度资金总额` forms written one cell per line).
    @discardableResult
    func fillFundValues(_ records: inout [RawRecord], units: [CompactUnit], severalProjects: Bool, wholeReport: Bool) -> Bool {
        let lacking = records.indices.filter { index in [Field.budgetInitial, .budgetFull, .executed].allSatisfy { records[index].values[$0] == nil } }
        var rows: [[Field: RawValue]] = []
        if !lacking.isEmpty {
            rows = flatFundRows(units).map { row in var row = row; row[.fundTotal] = nil; return row }
            if rows.isEmpty, let glued = gluedFundRow(units) ?? fundValuesAfterHeader(units) { rows = [glued] }
        }
        if wholeReport, records.count == 1, rows.count >= 2, rows.allSatisfy({ $0[.project] != nil }) {
            records = rows.map { RawRecord(kind: .project, values: $0) }
            return true
        }
        if !rows.isEmpty, records.count == rows.count || records.count == 1 {
            for index in lacking {
                for (field, value) in rows[records.count == 1 ? 0 : index] where records[index].values[field] == nil { records[index].values[field] = value }
            }
        }
        if records.count == 1, records[0].kind == .project, records[0].values[.budgetFull] == nil, !severalProjects,
           let allocated = allocatedAmount(units) {
            records[0].values[.budgetFull] = allocated
        }
        return false
    }

    func firstYear<C: Collection>(_ units: C) -> RawValue? where C.Element == CompactUnit {
        for unit in units { if let year = ValueScanner.fiscalYear(in: unit.text) { return RawValue(text: year, line: unit.line) } }
        return nil
    }

    /// A name that opens a paragraph, right before a year or a statement about the unit:
    /// `某州粮食和物资储备局2024年年初预算项目共14个…` (pages that lost their title), `某县交通运输局为
    /// 财政预算全额拨款单位`, `某区生态环境局的主要职责是` (data/labels.csv `statement_word`).
    func openingName(units: [CompactUnit]) -> RawValue? {
        for unit in units.prefix(40) where !unit.isCell {
            let text = Self.droppingListNumber(unit.text.count <= 60 ? unit.text : Array(unit.text.prefix(60)))
            // The name ends at the first year or statement word, either at least three scalars in.
            var end = Self.yearStart(in: text).flatMap { $0 >= 3 ? $0 : nil }
            if let statement = statementMatcher.matches(in: text).first(where: { $0.start >= 3 })?.start { end = min(end ?? statement, statement) }
            guard let end else { continue }
            let name = Array(text[..<end])
            guard endsInAgencyWord(name), let (candidate, trimmed) = agencyName(name), !trimmed, candidate.count == name.count else { continue }
            return RawValue(text: candidate.string, line: unit.line)
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

    static let sentencePunctuation = ScalarSet("，。；;、,!?！？:：")
    static let attachment = Array("附件".unicodeScalars)
}

/// A text unit in compact form (folded, no whitespace). A class: the readers pass over a
/// report's units a dozen times, and a copy of a reference is one count, not one per field.
/// A table's cells are their own units (`CompactTable.CompactCell`).
class CompactUnit: LabelledText {
    let text: [Unicode.Scalar]
    let line: Int
    let isCell: Bool
    /// For a cell: the money unit its table's header announces.
    let unitHint: String?
    let hits: LabelMatcher.Hits

    init(text: [Unicode.Scalar], line: Int, isCell: Bool, unitHint: String?, hits: LabelMatcher.Hits) {
        (self.text, self.line, self.isCell, self.unitHint, self.hits) = (text, line, isCell, unitHint, hits)
    }
}

/// A compact text with the labels found in it once (`Extractor.hitsMatcher`), which the
/// matchers read instead of scanning the text again.
protocol LabelledText {
    var text: [Unicode.Scalar] { get }
    var hits: LabelMatcher.Hits { get }
}

extension LabelMatcher {
    @inline(__always)
    func matches(in unit: some LabelledText, upTo end: Int = .max) -> [Match] {
        mayMatch(unit.hits) ? matches(in: unit.text, hits: unit.hits, upTo: end) : []
    }
    @inline(__always)
    func firstMatch(in unit: some LabelledText) -> Match? { mayMatch(unit.hits) ? firstMatch(in: unit.text, hits: unit.hits) : nil }
    @inline(__always)
    func cellLabel(_ unit: some LabelledText, maxExtra: Int = 8) -> Label? {
        mayMatch(unit.hits) ? cellLabel(unit.text, hits: unit.hits, maxExtra: maxExtra) : nil
    }
}
