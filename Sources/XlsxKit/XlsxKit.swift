import CXlsxWriter
import Glibc

/// The project's only .xlsx writing code: a small Swift face over libxlsxwriter.
///
/// Sheets are either *kept* (cells held in memory until `close()`, so charts can cache
/// their values and text uses the shared-string table) or *streamed* (libxlsxwriter's
/// constant-memory mode: each row goes to a temporary file once the next row starts, so a
/// table of a million rows costs no more memory than one of ten; rows must be written in
/// order and text is stored inline).
public final class XlsxWorkbook {
    /// Excel's limits: rows per sheet, characters per cell.
    public static let maxRows = Int(LXW_ROW_MAX)
    public static let maxCellCharacters = 32_767

    private let workbook: UnsafeMutablePointer<lxw_workbook>
    private var formats: [XlsxStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var closed = false

    /// `created` is the document's creation time (docProps/core.xml); a fixed value makes
    /// the file byte-identical across runs, since libxlsxwriter dates every ZIP entry 1980-01-01.
    public init(path: String, created: time_t, title: String) throws {
        var options = lxw_workbook_options(constant_memory: 0, tmpdir: nil, use_zip64: 0)
        guard let workbook = workbook_new_opt(path, &options) else { throw XlsxError.cannotCreate(path) }
        self.workbook = workbook
        var properties = lxw_doc_properties()
        properties.created = created
        try title.withCString { title in
            properties.title = UnsafeMutablePointer(mutating: title)
            try check(workbook_set_properties(workbook, &properties), "document properties")
        }
    }

    deinit {
        // A workbook abandoned after an error: libxlsxwriter still has to free it.
        if !closed { lxw_workbook_free(workbook) }
    }

    /// Adds a sheet. libxlsxwriter takes constant-memory mode from the workbook's options
    /// when a sheet is added, so the option is set just for that call.
    public func addSheet(_ name: String, streamed: Bool) throws -> XlsxSheet {
        workbook.pointee.options.constant_memory = streamed ? 1 : 0
        defer { workbook.pointee.options.constant_memory = 0 }
        guard let sheet = workbook_add_worksheet(workbook, name) else { throw XlsxError.badSheetName(name) }
        return XlsxSheet(sheet: sheet, name: name, workbook: self)
    }

    /// The format for a style, created once per workbook; keep it to write many cells.
    public func format(_ style: XlsxStyle) -> XlsxFormat { XlsxFormat(pointer: pointer(style)) }

    func pointer(_ style: XlsxStyle) -> UnsafeMutablePointer<lxw_format>? {
        if style == .plain { return nil }
        if let known = formats[style] { return known }
        let format = workbook_add_format(workbook)!
        if let numberFormat = style.numberFormat { format_set_num_format(format, numberFormat) }
        if style.bold { format_set_bold(format) }
        if style.header {
            format_set_bg_color(format, 0xDDEBF7)
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        }
        if style.title { format_set_font_size(format, 14) }
        formats[style] = format
        return format
    }

    public func addChart(_ kind: XlsxChart.Kind) -> XlsxChart {
        let type: lxw_chart_type = kind == .bar ? LXW_CHART_BAR : LXW_CHART_COLUMN
        return XlsxChart(chart: workbook_add_chart(workbook, UInt8(type.rawValue))!, kind: kind)
    }

    /// Writes the file (libxlsxwriter assembles the ZIP here) and frees the workbook.
    public func close() throws {
        closed = true
        try check(workbook_close(workbook), "closing the workbook")
    }
}

/// How a cell looks: a number format, bold, header or title styling.
public struct XlsxStyle: Hashable, Sendable {
    public var numberFormat: String?
    public var bold = false
    public var header = false
    public var title = false
    public init(numberFormat: String? = nil, bold: Bool = false, header: Bool = false, title: Bool = false) {
        self.numberFormat = numberFormat; self.bold = bold; self.header = header; self.title = title
    }
    public static let plain = XlsxStyle()
}

/// A cell format of one workbook, for writing many cells without looking the style up each time.
public struct XlsxFormat {
    let pointer: UnsafeMutablePointer<lxw_format>?
}

public struct XlsxSheet {
    let sheet: UnsafeMutablePointer<lxw_worksheet>
    public let name: String
    unowned let workbook: XlsxWorkbook

    /// Text is always written as a string cell, never as a formula, so text from a report
    /// that starts with `=` cannot run in Excel or WPS. Longer text is cut at Excel's limit.
    public func write(text: String, row: Int, column: Int, style: XlsxStyle = .plain) throws {
        try write(text: text, row: row, column: column, format: workbook.format(style))
    }

    public func write(text: String, row: Int, column: Int, format: XlsxFormat) throws {
        let value = text.utf8.count > XlsxWorkbook.maxCellCharacters && text.unicodeScalars.count > XlsxWorkbook.maxCellCharacters
            ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(XlsxWorkbook.maxCellCharacters - 1))) + "…" : text
        try check(worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), value, format.pointer), "cell \(name)!R\(row + 1)C\(column + 1)")
    }

    public func write(number: Double, row: Int, column: Int, style: XlsxStyle = .plain) throws {
        try write(number: number, row: row, column: column, format: workbook.format(style))
    }

    public func write(number: Double, row: Int, column: Int, format: XlsxFormat) throws {
        try check(worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), number, format.pointer), "cell \(name)!R\(row + 1)C\(column + 1)")
    }

    /// Column width in characters (a Chinese character counts two).
    public func setWidth(_ width: Double, column: Int) throws {
        try check(worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), width, nil), "column width")
    }

    /// Keeps the first `rows` rows in view while scrolling.
    public func freezeRows(_ rows: Int) {
        worksheet_freeze_panes(sheet, lxw_row_t(rows), 0)
    }

    public func autofilter(firstRow: Int, lastRow: Int, lastColumn: Int) throws {
        try check(worksheet_autofilter(sheet, lxw_row_t(firstRow), 0, lxw_row_t(lastRow), lxw_col_t(lastColumn)), "autofilter")
    }

    public func insert(_ chart: XlsxChart, row: Int, column: Int, widthScale: Double = 1.5, heightScale: Double = 1.2) throws {
        var options = lxw_chart_options()
        options.x_scale = widthScale
        options.y_scale = heightScale
        try check(worksheet_insert_chart_opt(sheet, lxw_row_t(row), lxw_col_t(column), chart.chart, &options), "chart")
    }

    /// Makes this the sheet shown when the file opens.
    public func activate() { worksheet_activate(sheet) }
}

/// A cell range of one sheet, for chart series.
public struct XlsxRange: Sendable {
    public var sheet: String
    public var firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int
    public init(sheet: String, firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
        self.sheet = sheet; self.firstRow = firstRow; self.firstColumn = firstColumn; self.lastRow = lastRow; self.lastColumn = lastColumn
    }
}

/// A native Excel chart; its data stays in sheet cells and the chart refers to them.
public struct XlsxChart {
    public enum Kind: Sendable { case bar, column }
    let chart: UnsafeMutablePointer<lxw_chart>
    public let kind: Kind

    public func addSeries(name: String?, categories: XlsxRange, values: XlsxRange, color: UInt32? = nil) {
        let series = chart_add_series(chart, nil, nil)!
        chart_series_set_categories(series, categories.sheet, lxw_row_t(categories.firstRow), lxw_col_t(categories.firstColumn),
                                    lxw_row_t(categories.lastRow), lxw_col_t(categories.lastColumn))
        chart_series_set_values(series, values.sheet, lxw_row_t(values.firstRow), lxw_col_t(values.firstColumn),
                                lxw_row_t(values.lastRow), lxw_col_t(values.lastColumn))
        if let name { chart_series_set_name(series, name) }
        if let color {
            var fill = lxw_chart_fill(color: color, none: 0, transparency: 0)
            chart_series_set_fill(series, &fill)
        }
        chart_series_set_labels(series)
    }

    public func setTitle(_ title: String) { chart_title_set_name(chart, title) }

    /// The value axis: horizontal in a bar chart, vertical in a column chart.
    var valueAxis: UnsafeMutablePointer<lxw_chart_axis> { kind == .bar ? chart.pointee.x_axis : chart.pointee.y_axis }

    public func setValueAxisName(_ name: String) { chart_axis_set_name(valueAxis, name) }

    /// Starts the value axis at `minimum` (spreadsheets otherwise start near the smallest bar,
    /// which makes 80 against 90 look like a gap of several times).
    public func setValueAxisMinimum(_ minimum: Double) { chart_axis_set_min(valueAxis, minimum) }

    /// Lists the categories top to bottom in a bar chart (Excel's default is bottom-up).
    public func categoriesTopDown() {
        if kind == .bar { chart_axis_set_reverse(chart.pointee.y_axis) }
    }

    public func hideLegend() { chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_NONE.rawValue)) }
}

public enum XlsxError: Error, CustomStringConvertible {
    case cannotCreate(String)
    case badSheetName(String)
    case failed(String, String)
    public var description: String {
        switch self {
        case .cannotCreate(let path): return "cannot create workbook \(path)"
        case .badSheetName(let name): return "libxlsxwriter refused sheet name '\(name)'"
        case .failed(let what, let why): return "xlsx \(what): \(why)"
        }
    }
}

private func check(_ error: lxw_error, _ what: @autoclosure () -> String) throws {
    guard error == LXW_NO_ERROR else { throw XlsxError.failed(what(), String(cString: lxw_strerror(error))) }
}
