import PerfevalCore

/// A table in compact form, each cell with the label it stands for (if any).
struct CompactTable {
    /// A cell: the unit the readers of a report's units see (with its table's money unit),
    /// and the text as written and the label it stands for. A class: the same object is
    /// the table's cell and the report's unit, and a copy of it is one count.
    final class CompactCell: CompactUnit {
        let raw: String
        let label: Label?
        var isEmpty: Bool { text.isEmpty }

        init(text: [Unicode.Scalar], raw: String, line: Int, label: Label?, hits: LabelMatcher.Hits, unitHint: String?) {
            (self.raw, self.label) = (raw, label)
            super.init(text: text, line: line, isCell: true, unitHint: unitHint, hits: hits)
        }
    }

    var rows: [[CompactCell]]
    /// The money unit the table announces (`（万元）`), if any: each cell's `unitHint`.
    let unit: String?

    init(_ table: Table, cellMatcher: LabelMatcher, hitsMatcher: LabelMatcher) {
        // The labels of every cell found first, into one store; the cells made once it is complete.
        var store: [LabelMatcher.Match] = []
        var texts: [[Unicode.Scalar]] = [], found: [LabelMatcher.PendingHits] = []
        let cellCount = table.rows.reduce(0) { $0 + $1.cells.count }
        texts.reserveCapacity(cellCount)
        found.reserveCapacity(cellCount)
        for row in table.rows {
            for cell in row.cells {
                let compact = cell.compact
                texts.append(compact)
                found.append(hitsMatcher.appendHits(of: compact, to: &store))
            }
        }
        let unit = Self.announcedUnit(texts.prefix(table.rows.prefix(12).reduce(0) { $0 + $1.cells.count }))
        var next = 0
        rows = table.rows.map { row in
            row.cells.map { cell in
                defer { next += 1 }
                let hits = found[next].hits(in: store)
                return CompactCell(text: texts[next], raw: cell.text, line: cell.line, label: cellMatcher.cellLabel(texts[next], hits: hits),
                                   hits: hits, unitHint: unit)
            }
        }
        self.unit = unit
    }

    /// The first money unit a cell of the first twelve rows names, in reading order.
    static func announcedUnit(_ texts: ArraySlice<[Unicode.Scalar]>) -> String? {
        for text in texts { if let unit = ValueScanner.unit(in: text) { return unit } }
        return nil
    }
}

extension Extractor {
    /// Records of a fund list whose rows are projects (`一级项目名称 | 预算数（万元）| 实际到位资金
    /// | 实际使用资金 | 执行率`): one project record per row until the 合计 row.
    func projectListRecords(_ table: CompactTable) -> [RawRecord] {
        guard !table.rows.contains(where: isFundTotalRow),
              let headerIndex = table.rows.firstIndex(where: isProjectListHeader) else { return [] }
        let header = table.rows[headerIndex]
        let projectColumn = header.firstIndex { $0.label?.field == .project }!
        var records: [RawRecord] = []
        for row in table.rows[(headerIndex + 1)...] {
            guard projectColumn < row.count, !row[projectColumn].isEmpty else { continue }
            if row[projectColumn].label?.field == .totalRow { break }
            var record = RawRecord(kind: .project)
            record.values[.project] = RawValue(text: row[projectColumn].raw, line: row[projectColumn].line)
            for (column, headerCell) in header.enumerated() {
                guard let field = headerCell.label?.field, Self.fundColumns.contains(field), column < row.count, !row[column].isEmpty else { continue }
                let unit = ValueScanner.unit(in: headerCell.text) ?? table.unit
                record.values[field] = RawValue(text: row[column].text.string, unitHint: unit, line: row[column].line)
            }
            records.append(record)
        }
        return records
    }

    func isProjectListHeader(_ row: [CompactTable.CompactCell]) -> Bool {
        let fields = Set(row.compactMap { $0.label?.field })
        return fields.contains(.project) && (fields.contains(.budgetFull) || fields.contains(.executed))
    }

    func isFundTotalRow(_ row: [CompactTable.CompactCell]) -> Bool {
        row.contains { $0.label?.field == .fundTotal }
    }

    // MARK: self-evaluation forms (自评表)

    /// One record per self-evaluation form: the rows from a form's title or name row down
    /// to the next form, anchored on the budget-execution row 年度资金总额.
    func formRecords(tables: [CompactTable], reportKind: RecordKind?) -> [RawRecord] {
        var segments: [[[CompactTable.CompactCell]]] = []
        var current: [[CompactTable.CompactCell]] = []
        var anchored = false
        for table in tables {
            for row in table.rows {
                if anchored && startsForm(row) {
                    segments.append(current)
                    current = []
                    anchored = false
                }
                current.append(row)
                anchored = anchored || isFundTotalRow(row)
            }
        }
        if anchored { segments.append(current) }
        let unit = tables.lazy.compactMap(\.unit).first
        return segments.map { formRecord($0, unit: unit, reportKind: reportKind) }
    }

    func startsForm(_ row: [CompactTable.CompactCell]) -> Bool {
        if row.contains(where: { titleMatcher.firstMatch(in: $0) != nil }) { return true }
        guard let first = row.first(where: { !$0.isEmpty }) else { return false }
        return first.label?.field == .project || first.label?.field == .agency
    }

    func formRecord(_ rows: [[CompactTable.CompactCell]], unit: String?, reportKind: RecordKind?) -> RawRecord {
        var values: [Field: RawValue] = [:]
        let anchorIndex = rows.firstIndex(where: isFundTotalRow)!
        let anchor = rows[anchorIndex]
        var budgetColumn: Int?
        if let header = rows[..<anchorIndex].last(where: { row in row.filter { $0.label.map { Self.fundColumns.contains($0.field) } ?? false }.count >= 2 }) {
            let shift = anchor.count - header.count
            for (column, headerCell) in header.enumerated() {
                guard let field = headerCell.label?.field, Self.fundColumns.contains(field) else { continue }
                let valueColumn = column + shift
                guard valueColumn >= 0, valueColumn < anchor.count, !anchor[valueColumn].isEmpty else { continue }
                values[field] = RawValue(text: anchor[valueColumn].text.string, unitHint: ValueScanner.unit(in: headerCell.text) ?? unit, line: anchor[valueColumn].line)
                if field == .budgetFull { budgetColumn = valueColumn }
            }
        }
        var agencyPriority = Int.max
        for row in rows {
            for (label, value) in labelledValues(row) where values[label.field] == nil || (label.field == .agency && label.priority < agencyPriority) {
                values[label.field] = value
                if label.field == .agency { agencyPriority = label.priority }
            }
            if let first = row.first(where: { !$0.isEmpty }), first.label?.field == .scoreTotal, first.text.count <= 4,
               let score = row.last(where: { ValueScanner.numberEnd(in: $0.text, from: 0) == $0.text.count }) {
                values[.scoreTotal] = values[.scoreTotal] ?? RawValue(text: score.text.string, line: score.line)
            }
            if values[.year] == nil, let cell = row.first(where: { ValueScanner.fiscalYear(in: $0.text) != nil }) {
                values[.year] = RawValue(text: ValueScanner.fiscalYear(in: cell.text)!, line: cell.line)
            }
        }
        var record = RawRecord(kind: formKind(rows) ?? (values[.project] != nil ? .project : reportKind ?? .dept), values: values)
        record.indicators = indicators(in: Array(rows[(anchorIndex + 1)...]))
        record.items = fundSources(rows, anchorIndex: anchorIndex, budgetColumn: budgetColumn, parentAmount: values[.budgetFull]?.text, unit: unit)
        return record
    }

    /// Label cell followed by its value cell: `项目名称 | 档案保护经费`, `主管部门 | … | 实施单位 | …`.
    func labelledValues(_ row: [CompactTable.CompactCell]) -> [(Label, RawValue)] {
        var found: [(Label, RawValue)] = []
        for (index, cell) in row.enumerated() {
            guard let label = cell.label, [.agency, .supervisor, .project, .grade].contains(label.field),
                  Self.withoutTrailingNote(cell.text).count - label.scalars.count <= 2,
                  let valueCell = row[(index + 1)...].first(where: { !$0.isEmpty }), valueCell.label == nil else { continue }
            switch label.field {
            case .agency:
                if let name = nameCandidate(valueCell.text) { found.append((label, RawValue(text: name, line: valueCell.line))) }
            case .grade:
                if let grade = valueCell.text.first, "优良中差".unicodeScalars.contains(grade) {
                    found.append((label, RawValue(text: String(Character(grade)), line: valueCell.line)))
                }
            case .project:
                found.append((label, RawValue(text: projectName(valueCell), line: valueCell.line)))
            default:
                found.append((label, RawValue(text: valueCell.raw, line: valueCell.line)))
            }
        }
        return found
    }

    /// A label cell without its bracketed note: `实施单位(盖章)` → `实施单位`.
    static func withoutTrailingNote(_ text: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        guard text.last == ")", let open = text.lastIndex(of: "(") else { return text[...] }
        return text[..<open]
    }

    /// A project name cell that repeats the form's title (`某某经费支出绩效自评表`) → `某某经费`.
    func projectName(_ cell: CompactTable.CompactCell) -> String {
        guard let title = titleMatcher.matches(in: cell).last, title.end == cell.text.count, title.start > 0 else { return cell.raw }
        var name = Array(cell.text[..<title.start])
        for suffix in ["绩效", "支出", "项目"].map({ Array($0.unicodeScalars) }) where name.count > suffix.count && name.suffix(suffix.count).elementsEqual(suffix) {
            name.removeLast(suffix.count)
        }
        return name.string
    }

    func formKind(_ rows: [[CompactTable.CompactCell]]) -> RecordKind? {
        for row in rows.prefix(4) {
            for cell in row where titleMatcher.firstMatch(in: cell) != nil {
                if let match = kindMatcher.firstMatch(in: cell) { return match.label.field == .kindDept ? .dept : .project }
            }
        }
        return nil
    }
}
