import Emit
import CSVKit

/// Where the rows of a table go, cell by cell, as `Tables` produces them: straight into CSV
/// bytes for a run (no row of cells built), or into rows of cells for the store.
protocol TableSink {
    mutating func cell(_ value: CellValue)
    /// A text cell; nil is an empty cell.
    mutating func text(_ value: String?)
    /// An integer cell; nil is an empty cell.
    mutating func number(_ value: Int?)
    mutating func endRow()
}

extension TableSink {
    mutating func text(_ value: String?) { cell(.text(value)) }
    mutating func number(_ value: Int?) { cell(.number(value)) }

    /// A whole row built as cells.
    mutating func row(_ cells: [CellValue]) {
        for cell in cells { self.cell(cell) }
        endRow()
    }
}

/// A table's rows encoded as UTF-8 CSV (`Emit.encodeRows` of the same cells gives the same bytes).
struct CSVTableSink: TableSink {
    private var text = CSVText()
    private var rowStarted = false

    /// How many bytes are written.
    var count: Int { text.count }
    var bytes: [UInt8] { text.bytes }

    @inline(__always)
    private mutating func separate() {
        if rowStarted { text.append(UInt8(ascii: ",")) } else { rowStarted = true }
    }

    mutating func cell(_ value: CellValue) {
        separate()
        Emit.encodeCell(value, into: &text)
    }

    mutating func text(_ value: String?) {
        separate()
        if let value { Emit.encodeText(value, into: &text) }
    }

    mutating func number(_ value: Int?) {
        separate()
        if let value { Emit.encodeNumber(value, into: &text) }
    }

    mutating func endRow() {
        Emit.endRow(&text)
        rowStarted = false
    }

    /// The bytes written so far; the sink starts afresh.
    mutating func takeBytes() -> [UInt8] { text.take() }
}

/// A table's rows as cells.
struct CellRowSink: TableSink {
    private(set) var rows: [[CellValue]] = []
    private var current: [CellValue] = []

    mutating func cell(_ value: CellValue) { current.append(value) }

    mutating func endRow() {
        rows.append(current)
        current = []
    }
}
