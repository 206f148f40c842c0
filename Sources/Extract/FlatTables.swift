import PerfevalCore

/// Web pages that copy every table cell to its own line lose the row breaks: Ingest gives
/// such a table as one-cell rows in reading order. Its rows are regrouped here from the
/// header labels: a run of three or more column headers (`年初预算 | 调整后预算数 | 预算执行数`,
/// `一级指标 | 二级指标 | 三级指标`) is a header row of width W, and the cells after it make rows
/// of W cells (W + 1 under a fund header, for the row label), fewer where a merged cell is missing: a row ends early before a row label
/// (`其中:财政资金`, `合计`) once it holds values. Outside a header's reach, a field label
/// (`项目名称`, `实施单位`) takes the next cell as its value.
extension Extractor {
    typealias FlatCell = CompactTable.CompactCell

    func reflowedIfFlat(_ table: CompactTable) -> CompactTable {
        guard table.rows.count >= 12, table.rows.allSatisfy({ $0.count <= 1 }) else { return table }
        let cells = table.rows.compactMap(\.first)
        var rows: [[FlatCell]] = []
        var header: [FlatCell]?
        var index = 0
        while index < cells.count {
            if let run = headerRun(cells, from: index) {
                header = Array(cells[index..<run])
                rows.append(header!)
                index = run
            } else if let columns = header {
                if cells[index].isEmpty { index += 1; continue }   // rows are aligned from the right: no leading empty cells
                let end = rowEnd(cells, from: index, header: columns)
                let row = Array(cells[index..<end])
                rows.append(row)
                index = end
                if [.totalRow, .scoreTotal].contains(row.first?.label?.field) { header = nil }   // 合计 / 总分 closes the table
            } else {
                let pairs = isFieldLabel(cells[index]) && index + 1 < cells.count && !cells[index + 1].isEmpty
                    && !isFieldLabel(cells[index + 1]) && headerRun(cells, from: index + 1) == nil
                let end = index + (pairs ? 2 : 1)
                if !cells[index].isEmpty { rows.append(Array(cells[index..<end])) }
                index = end
            }
        }
        var reflowed = table
        reflowed.rows = rows
        return reflowed
    }

    /// The end of the run of column headers starting at `start`, if it has three or more.
    func headerRun(_ cells: [FlatCell], from start: Int) -> Int? {
        var end = start
        while end < cells.count, isColumnHeader(cells[end]) { end += 1 }
        return end - start >= 3 ? end : nil
    }

    func isColumnHeader(_ cell: FlatCell) -> Bool {
        guard !cell.isEmpty, !cell.text.contains(where: TextFolding.isDigit) else { return false }
        if let field = cell.label?.field, Self.fundColumns.contains(field) { return true }
        return indicatorHeaderMatcher.cellLabel(cell) != nil || columnHeaderMatcher.cellLabel(cell, maxExtra: 4) != nil
    }

    func isFieldLabel(_ cell: FlatCell) -> Bool {
        [.agency, .supervisor, .project, .fundTotal, .totalRow, .scoreTotal, .grade].contains(cell.label?.field)
    }

    /// Where the data row starting at `start` ends: at the header's width, or before the
    /// next table's header or title, a field label, or the label of the next row (a text
    /// cell followed by a value, once this row holds values and lacks at most two cells). A
    /// 合计 / 总分 row ends at its first text cell. Under an indicator header, a row whose
    /// 一级/二级 cells are merged from the row above starts at its 三级 name and is shorter:
    /// the level columns a row holds are its leading cells named `…指标`.
    func rowEnd(_ cells: [FlatCell], from start: Int, header: [FlatCell]) -> Int {
        let levelColumns = header.firstIndex { indicatorHeaderMatcher.cellLabel($0)?.field == .level3 } ?? 0
        let isTotal = [.totalRow, .scoreTotal].contains(cells[start].label?.field)
        var leadingLevels = levelColumns > 0 && cells[start].text.hasSuffix("指标") ? 1 : 0
        var end = start + 1
        while end < cells.count {
            if end - start == leadingLevels, leadingLevels < levelColumns, cells[end].text.hasSuffix("指标") { leadingLevels += 1 }
            // A fund header may lack the column of its row labels (`年度资金总额`): one more.
            let width = levelColumns > 0 ? header.count - levelColumns + min(leadingLevels, levelColumns) : header.count + 1
            let next = cells[end]
            if end - start >= width || isFieldLabel(next) || headerRun(cells, from: end) != nil || headerRun(cells, from: end + 1) != nil { break }
            if !isValueLike(next), cells[(start + 1)..<end].contains(where: isValueLike) {
                if isTotal { break }
                let labelsNextRow = end + 1 < cells.count && isValueLike(cells[end + 1]) && (!cells[end + 1].isEmpty || next.text.count <= 12)
                if labelsNextRow, end - start >= width - 2 { break }
            }
            end += 1
        }
        return end
    }

    /// Empty, a number, a symbol (`/`, `=`, `≥`), a short unit or grade (`%`, `万元`, `个`,
    /// `完成`): at most two Chinese characters, and a digit unless it is that short.
    func isValueLike(_ cell: FlatCell) -> Bool {
        cell.text.filter(TextFolding.isHan).count <= 2 && (cell.text.count <= 3 || cell.text.contains(where: TextFolding.isDigit))
    }
}

extension Array where Element == Unicode.Scalar {
    func hasSuffix(_ suffix: String) -> Bool { self.reversed().starts(with: suffix.unicodeScalars.reversed()) }
}
