import CSVKit

/// Where the rows of a table go, cell by cell, as they are produced: straight into CSV bytes
/// for the files of a run (no row of cells built), or into rows of cells (the store, tests).
public protocol TableSink {
    mutating func cell(_ value: CellValue)
    /// A text cell; nil is an empty cell.
    mutating func text(_ value: String?)
    /// An integer cell; nil is an empty cell.
    mutating func number(_ value: Int?)
    mutating func endRow()
}

extension TableSink {
    public mutating func text(_ value: String?) { cell(.text(value)) }
    public mutating func number(_ value: Int?) { cell(.number(value)) }

    /// A whole row built as cells.
    public mutating func row(_ cells: [CellValue]) {
        for cell in cells { self.cell(cell) }
        endRow()
    }
}

/// A table's rows encoded as UTF-8 CSV (`Emit.encodeRows` of the same cells gives the same bytes).
public struct CSVTableSink: TableSink {
    private var text = CSVText()
    private var rowStarted = false

    public init() {}

    /// How many bytes are written.
    public var count: Int { text.count }
    public var bytes: [UInt8] { text.bytes }

    @inline(__always)
    private mutating func separate() {
        if rowStarted { text.append(UInt8(ascii: ",")) } else { rowStarted = true }
    }

    public mutating func cell(_ value: CellValue) {
        separate()
        Emit.encodeCell(value, into: &text)
    }

    public mutating func text(_ value: String?) {
        separate()
        if let value { Emit.encodeText(value, into: &text) }
    }

    public mutating func number(_ value: Int?) {
        separate()
        if let value { Emit.encodeNumber(value, into: &text) }
    }

    public mutating func endRow() {
        Emit.endRow(&text)
        rowStarted = false
    }

    /// `body` given the bytes written so far; the sink starts afresh, keeping its storage.
    public mutating func drain(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        rowStarted = false
        try text.drain(body)
    }
}

/// A table's rows as cells.
public struct CellRowSink: TableSink {
    public private(set) var rows: [[CellValue]] = []
    private var current: [CellValue] = []

    public init() {}

    public mutating func cell(_ value: CellValue) { current.append(value) }

    public mutating func endRow() {
        rows.append(current)
        current = []
    }
}
