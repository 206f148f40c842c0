import PerfevalCore

/// One 三级指标 row of an indicator table, every cell as written.
public struct RawIndicator: Sendable {
    public var level1: String
    public var level2: String
    public var name: String
    public var target: String
    public var actual: String
    public var weight: String
    public var score: String
    public var deviation: String
    /// A cost indicator (二级 成本指标 / 产出成本): lower is better.
    public var isCost: Bool
    public var line: Int
}

extension Extractor {
    static let indicatorColumns: [Field] = [.level1, .level2, .level3, .target, .actual, .weight, .score, .deviation]

    /// The indicator rows of the first indicator table among `rows`: a header with
    /// 一级指标 / 二级指标 / 三级指标 and a 得分 column (a blank scoring rubric has no 得分
    /// and no 指标值 column, so it is not one). 一级/二级 cells merged over a group are
    /// carried down; the table ends at its 总分 / 合计 row.
    func indicators(in rows: [[CompactTable.CompactCell]]) -> [RawIndicator] {
        guard let headerIndex = rows.firstIndex(where: isIndicatorHeader) else { return [] }
        let (columns, firstDataRow) = indicatorColumns(rows, headerIndex: headerIndex)
        guard columns[.level3] != nil, columns[.score] != nil, columns[.target] != nil || columns[.actual] != nil else { return [] }
        let headerWidth = rows[headerIndex].count
        var found: [RawIndicator] = []
        var level1 = "", level2 = ""
        // Each field's column, looked up once for the table.
        let level1Column = columns[.level1], level2Column = columns[.level2], level3Column = columns[.level3]
        let targetColumn = columns[.target], actualColumn = columns[.actual], weightColumn = columns[.weight]
        let scoreColumn = columns[.score], deviationColumn = columns[.deviation]
        for row in rows[firstDataRow...] {
            if let first = row.first(where: { !$0.isEmpty }), [.scoreTotal, .totalRow].contains(first.label?.field) { break }
            if startsForm(row) || isFundTotalRow(row) { break }
            // Cells merged over the left columns may be missing (web text): align the row on
            // its score, the second of the last two numbers (分值, 得分), else from the right.
            let shift = scoreColumn.flatMap { scoreColumn in Self.scoreIndex(row).map { scoreColumn - $0 } }
                ?? (row.count < headerWidth ? headerWidth - row.count : 0)
            func cell(_ column: Int?) -> CompactTable.CompactCell? {
                guard let column = column.map({ $0 - shift }), column >= 0, column < row.count else { return nil }
                return row[column]
            }
            func text(_ column: Int?) -> String { cell(column).map { $0.text.string } ?? "" }
            func isEmpty(_ column: Int?) -> Bool { cell(column)?.text.isEmpty ?? true }
            if let value = cell(level1Column), !value.isEmpty { level1 = Self.withoutPoints(value.text); level2 = "" }
            if let value = cell(level2Column), !value.isEmpty { level2 = Self.withoutPoints(value.text) }
            let name = text(level3Column)
            // A row is an indicator when it names one (not a bare number or sign) and gives it
            // a value: rows that do not are the debris of a table whose rows were misread.
            guard name.unicodeScalars.contains(where: { TextFolding.isHan($0) || ("A"..."z").contains($0) }),
                  !(isEmpty(targetColumn) && isEmpty(actualColumn) && isEmpty(weightColumn) && isEmpty(scoreColumn)) else { continue }
            found.append(RawIndicator(level1: level1, level2: level2, name: name, target: text(targetColumn), actual: text(actualColumn),
                                      weight: text(weightColumn), score: text(scoreColumn), deviation: text(deviationColumn),
                                      isCost: costMatcher.firstMatch(in: Array(level2.unicodeScalars)) != nil,
                                      line: cell(level3Column)?.line ?? row.first?.line ?? 0))
        }
        return found
    }

    func isIndicatorHeader(_ row: [CompactTable.CompactCell]) -> Bool {
        let fields = Set(row.compactMap { headerLabel($0)?.field })
        return fields.isSuperset(of: [.level1, .level2])
    }

    /// Column of each indicator field; a two-row header (`年度` over `指标值`) is read as one.
    func indicatorColumns(_ rows: [[CompactTable.CompactCell]], headerIndex: Int) -> ([Field: Int], Int) {
        var header = rows[headerIndex].map(\.text)
        var firstDataRow = headerIndex + 1
        if firstDataRow < rows.count {
            let next = rows[firstDataRow]
            let nextFields = next.compactMap { $0.isEmpty ? nil : headerLabel($0)?.field }
            if !nextFields.isEmpty, next.filter({ !$0.isEmpty }).count == nextFields.count,
               Set(nextFields).isSubset(of: [.target, .actual, .weight, .score]) {
                if next.count == header.count {
                    for (index, cell) in next.enumerated() { header[index] += cell.text }
                } else {
                    // Web text drops the empty cells: put each lower cell under the header cell
                    // it completes into a whole label (`年度` + `指标值`).
                    var used = Set<Int>()
                    for cell in next where !cell.isEmpty {
                        if let index = header.indices.first(where: { !used.contains($0) && isWholeLabel(header[$0] + cell.text) }) {
                            header[index] += cell.text
                            used.insert(index)
                        }
                    }
                }
                firstDataRow += 1
            }
        }
        var columns: [Field: Int] = [:]
        for (index, text) in header.enumerated() {
            if let field = headerLabel(text)?.field, Self.indicatorColumns.contains(field), columns[field] == nil { columns[field] = index }
        }
        return (columns, firstDataRow)
    }

    func isWholeLabel(_ text: [Unicode.Scalar]) -> Bool { headerLabel(text)?.scalars == text }

    func headerLabel(_ text: [Unicode.Scalar]) -> Label? { indicatorHeaderMatcher.cellLabel(text, maxExtra: 6) }
    func headerLabel(_ cell: some LabelledText) -> Label? { indicatorHeaderMatcher.cellLabel(cell, maxExtra: 6) }

    /// Index of the score cell: the second cell of the last pair of adjacent numbers.
    static func scoreIndex(_ row: [CompactTable.CompactCell]) -> Int? {
        func isNumber(_ cell: CompactTable.CompactCell) -> Bool { !cell.isEmpty && NumberText.end(in: cell.text, from: 0) == cell.text.count }
        guard row.count >= 2 else { return nil }
        return (1..<row.count).last { isNumber(row[$0]) && isNumber(row[$0 - 1]) }
    }

    /// `产出指标(50分)` → `产出指标`.
    static func withoutPoints(_ text: [Unicode.Scalar]) -> String {
        guard text.last == ")", let open = text.lastIndex(of: "("), text[open...].contains("分") else { return text.string }
        return Array(text[..<open]).string
    }
}
