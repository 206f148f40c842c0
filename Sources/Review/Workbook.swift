import Foundation
import Emit
import XlsxKit

/// review.xlsx: the overview sheet (概览) with headline figures and native charts, then
/// one sheet per CSV table of the folder, cells typed by column.
enum ReviewWorkbook {
    /// docProps/core.xml's creation time, fixed so that the same tables give the same bytes
    /// (the date libxlsxwriter gives every ZIP entry: 1980-01-01T00:00:00Z).
    static let created: time_t = 315_532_800

    struct SheetSummary { var sheet: String; var fileName: String; var rows: Int; var written: Int }

    static func write(to url: URL, folder: URL, tables: [ReviewTable], overview: Overview, options: ReviewOptions) throws {
        try Review.writeAtomically(to: url) { temporary in
            let book = try XlsxWorkbook(path: temporary.path, created: created, title: "绩效自评复核")
            let overviewSheet = try book.addSheet(options.headers == .zh ? "概览" : "overview", streamed: false)
            var summaries: [SheetSummary] = []
            for table in tables {
                guard let file = TableFile(folder: folder, table: table) else { continue }
                let sheet = try book.addSheet(table.sheetName(options.headers), streamed: true)
                summaries.append(try writeTable(file, to: sheet, in: book, headers: options.headers, maxRows: options.maxSheetRows))
            }
            try OverviewSheet(sheet: overviewSheet, book: book, overview: overview).write(summaries: summaries)
            overviewSheet.activate()
            try book.close()
        }
    }

    /// Streams one CSV table into its sheet: header row frozen and filtered, numbers as
    /// numbers, widths fitted; beyond Excel's row limit the last row says how many were left out.
    static func writeTable(_ file: TableFile, to sheet: XlsxSheet, in book: XlsxWorkbook, headers: HeaderLanguage, maxRows: Int) throws -> SheetSummary {
        var table = SheetTable(sheet: sheet, book: book, fileName: file.table.fileName, maxRows: maxRows)
        var failure: Error?
        let names = file.table.englishNames
        let labels = Dictionary(file.table.columns.map { ($0.en, headers == .zh ? $0.zh : $0.en) }, uniquingKeysWith: { first, _ in first })
        try file.forEachRow { cells, isHeader in
            guard failure == nil else { return }
            do {
                if isHeader {
                    let english = cells.map { names[$0] ?? $0 }
                    try table.header(english.enumerated().map { labels[$0.element] ?? cells[$0.offset] },
                                     kinds: english.map { ColumnKind.of($0, in: file.table.fileName) })
                } else {
                    try table.append(cells)
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        return try table.finish()
    }
}

/// The state of one data sheet while its rows stream in.
struct SheetTable {
    let sheet: XlsxSheet
    let book: XlsxWorkbook
    let fileName: String
    let maxRows: Int
    var kinds: [ColumnKind] = []
    var formats: [XlsxFormat] = []
    let textFormat: XlsxFormat
    var widths: [Int] = []
    var nextRow = 1
    var total = 0
    var pending: [String]?

    static let maxWidth = 60
    static let headerWidth = 20

    init(sheet: XlsxSheet, book: XlsxWorkbook, fileName: String, maxRows: Int) {
        self.sheet = sheet; self.book = book; self.fileName = fileName; self.maxRows = maxRows
        textFormat = book.format(.plain)
    }

    mutating func header(_ labels: [String], kinds: [ColumnKind]) throws {
        self.kinds = kinds
        formats = kinds.map { book.format(XlsxStyle(numberFormat: $0.numberFormat)) }
        widths = labels.map { min(displayWidth($0), Self.headerWidth) }
        for (column, label) in labels.enumerated() {
            try sheet.write(text: label, row: 0, column: column, style: XlsxStyle(header: true))
        }
    }

    /// Rows up to the limit are written; the row that would fill the last line is held until
    /// we know whether more follow (then the last line is the note instead).
    mutating func append(_ cells: [String]) throws {
        total += 1
        if nextRow < maxRows - 1 {
            try write(cells, row: nextRow)
            nextRow += 1
        } else if total == maxRows - 1 {
            pending = cells
        }
    }

    mutating func write(_ cells: [String], row: Int) throws {
        for (column, cell) in cells.enumerated() where !cell.isEmpty {
            let kind = column < kinds.count ? kinds[column] : .text
            if kind != .text, let number = plainNumber(cell) {
                try sheet.write(number: number, row: row, column: column, format: formats[column])
            } else {
                try sheet.write(text: cell, row: row, column: column, format: textFormat)
            }
            // A text is never wider than its UTF-8 bytes: most cells need no measuring.
            if column < widths.count, cell.utf8.count > widths[column] {
                widths[column] = max(widths[column], min(displayWidth(cell), Self.maxWidth))
            }
        }
    }

    mutating func finish() throws -> ReviewWorkbook.SheetSummary {
        if let pending, total == maxRows - 1 {
            try write(pending, row: nextRow)
            nextRow += 1
        }
        let written = nextRow - 1
        for (column, width) in widths.enumerated() { try sheet.setWidth(Double(width + 2), column: column) }
        sheet.freezeRows(1)
        // Before the note: a streamed sheet accepts no range that ends above its current row.
        if !kinds.isEmpty { try sheet.autofilter(firstRow: 0, lastRow: max(written, 1), lastColumn: kinds.count - 1) }
        if total > written {
            try sheet.write(text: "（超过 Excel 的行数上限：共 \(total) 行，此处列出前 \(written) 行；完整数据见 \(fileName)）",
                            row: nextRow, column: 0, style: XlsxStyle(bold: true))
        }
        return ReviewWorkbook.SheetSummary(sheet: sheet.name, fileName: fileName, rows: total, written: written)
    }
}

/// The 概览 sheet: written last (it is a kept sheet, so any cell order is fine) but shown first.
struct OverviewSheet {
    let sheet: XlsxSheet
    let book: XlsxWorkbook
    let overview: Overview

    static let chartHeight = 22
    static let yearColumns: [(String, String, ColumnKind, Bool)] = [
        ("年度", "year", .integer, false), ("类型", "kind", .text, false), ("记录数", "records", .integer, false),
        ("单位数", "agencies", .integer, false), ("平均执行率（%）", "rate_mean_pct", .percent, false),
        ("加权执行率（%）", "rate_weighted_pct", .percent, false), ("执行率低于90%记录数", "below_90", .integer, false),
        ("平均得分", "score_mean", .score, true), ("优", "grade_excellent", .integer, true), ("良", "grade_good", .integer, true),
        ("中", "grade_fair", .integer, true), ("差", "grade_poor", .integer, true),
        ("有审核发现记录数", "records_with_findings", .integer, true),
    ]

    func write(summaries: [ReviewWorkbook.SheetSummary]) throws {
        try sheet.write(text: "绩效自评复核概览", row: 0, column: 0, style: XlsxStyle(bold: true, title: true))
        try sheet.write(text: "数字均取自本文件夹的 CSV 表格；图表为\(overview.focusText)", row: 1, column: 0)
        var row = try figures(at: 3)
        row = try years(at: row + 1)
        for chart in overview.charts { row = try self.chart(chart, at: row + 1) }
        try sheetList(summaries, at: row + 1)
        try sheet.setWidth(34, column: 0)
        for column in 1...12 { try sheet.setWidth(12, column: column) }
    }

    func figures(at start: Int) throws -> Int {
        try sheet.write(text: "主要数字", row: start, column: 0, style: XlsxStyle(bold: true))
        for (offset, figure) in overview.figures.enumerated() {
            try sheet.write(text: figure.label, row: start + 1 + offset, column: 0)
            try sheet.write(number: Double(figure.value), row: start + 1 + offset, column: 1, style: XlsxStyle(numberFormat: "0"))
        }
        return start + 1 + overview.figures.count
    }

    /// One row per fiscal year and kind (level 全部 of compare_execution and compare_scores).
    func years(at start: Int) throws -> Int {
        try sheet.write(text: "各年度汇总（全部地区）", row: start, column: 0, style: XlsxStyle(bold: true))
        for (column, spec) in Self.yearColumns.enumerated() {
            try sheet.write(text: spec.0, row: start + 1, column: column, style: XlsxStyle(header: true))
        }
        for (offset, pair) in overview.years.enumerated() {
            for (column, spec) in Self.yearColumns.enumerated() {
                let value = (spec.3 ? pair.scores : pair.execution)[spec.1] ?? ""
                try cell(spec.1 == "kind" ? Labels.kind(value) : value, kind: spec.2, row: start + 2 + offset, column: column)
            }
        }
        return start + 2 + overview.years.count
    }

    func cell(_ value: String, kind: ColumnKind, row: Int, column: Int) throws {
        guard !value.isEmpty else { return }
        if kind != .text, let number = plainNumber(value) {
            try sheet.write(number: number, row: row, column: column, style: XlsxStyle(numberFormat: kind.numberFormat))
        } else {
            try sheet.write(text: value, row: row, column: column)
        }
    }

    /// The chart's data as two columns (label, value) with the native chart beside them.
    func chart(_ chart: Overview.Chart, at start: Int) throws -> Int {
        try sheet.write(text: chart.title, row: start, column: 0, style: XlsxStyle(bold: true))
        guard !chart.bars.isEmpty else {
            try sheet.write(text: chart.note ?? "（无数据）", row: start + 1, column: 0)
            return start + 2
        }
        try sheet.write(text: "类别", row: start + 1, column: 0, style: XlsxStyle(header: true))
        try sheet.write(text: chart.valueName, row: start + 1, column: 1, style: XlsxStyle(header: true))
        let format = chart.valueName.contains("%") ? "0.00" : "0"
        for (offset, bar) in chart.bars.enumerated() {
            try sheet.write(text: bar.label, row: start + 2 + offset, column: 0)
            try sheet.write(number: bar.value, row: start + 2 + offset, column: 1, style: XlsxStyle(numberFormat: format))
        }
        let last = start + 1 + chart.bars.count
        if let note = chart.note { try sheet.write(text: note, row: last + 1, column: 0) }
        let native = book.addChart(chart.bars.count <= 4 ? .column : .bar)
        native.addSeries(name: chart.valueName, categories: XlsxRange(sheet: sheet.name, firstRow: start + 2, firstColumn: 0, lastRow: last, lastColumn: 0),
                         values: XlsxRange(sheet: sheet.name, firstRow: start + 2, firstColumn: 1, lastRow: last, lastColumn: 1), color: 0x4472C4)
        native.setTitle(chart.title)
        native.setValueAxisName(chart.valueName)
        native.setValueAxisMinimum(0)
        native.categoriesTopDown()
        native.hideLegend()
        let height = max(1.2, Double(chart.bars.count) * 0.09)
        try sheet.insert(native, row: start + 1, column: 3, widthScale: 1.6, heightScale: height)
        return start + max(chart.bars.count + 3, Int(height * 15) + 2)
    }

    func sheetList(_ summaries: [ReviewWorkbook.SheetSummary], at start: Int) throws {
        try sheet.write(text: "工作表", row: start, column: 0, style: XlsxStyle(bold: true))
        for (column, label) in ["工作表", "CSV 文件", "行数", "说明"].enumerated() {
            try sheet.write(text: label, row: start + 1, column: column, style: XlsxStyle(header: true))
        }
        for (offset, summary) in summaries.enumerated() {
            let row = start + 2 + offset
            try sheet.write(text: summary.sheet, row: row, column: 0)
            try sheet.write(text: summary.fileName, row: row, column: 1)
            try sheet.write(number: Double(summary.rows), row: row, column: 2, style: XlsxStyle(numberFormat: "0"))
            if summary.written < summary.rows {
                try sheet.write(text: "超过 Excel 行数上限，列出前 \(summary.written) 行", row: row, column: 3)
            }
        }
    }
}
