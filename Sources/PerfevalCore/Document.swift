/// The format-independent model of one input report: paragraphs and tables in reading
/// order, each carrying the source line it came from (Tika text, and later .docx, web
/// text and PDF text, all feed these same blocks).
public struct Document: Sendable {
    public var blocks: [Block]
    /// The text as written, for quoting in the output; nil for formats read as rows
    /// (.xlsx, .xls, .doc).
    public var source: SourceText?
    public init(blocks: [Block], source: SourceText? = nil) { self.blocks = blocks; self.source = source }

    public var tables: [Table] {
        blocks.compactMap { if case .table(let table) = $0 { return table } else { return nil } }
    }
}

public enum Block: Sendable {
    case paragraph(Paragraph)
    case table(Table)
}

public struct Paragraph: Sendable {
    /// Setting the text drops its kept compact form.
    public var text: String { didSet { folded = nil } }
    public var line: Int
    /// `TextFolding.compact(text)`, once `keepCompact` has made it.
    private var folded: [Unicode.Scalar]?
    public init(text: String, line: Int) { self.text = text; self.line = line }

    /// The text folded and without whitespace, as every stage compares it.
    public var compact: [Unicode.Scalar] { folded ?? TextFolding.compact(text) }
    /// Makes `compact` once and keeps it with the text: ingest's last step, so that the
    /// noise filter and extraction do not each fold the text again.
    public mutating func keepCompact() { if folded == nil { folded = TextFolding.compact(text) } }
    public var keepsCompact: Bool { folded != nil }
}

public struct Table: Sendable {
    public var rows: [TableRow]
    public init(rows: [TableRow]) { self.rows = rows }
    public var line: Int { rows.first?.line ?? 0 }
}

public struct TableRow: Sendable {
    public var cells: [Cell]
    public init(cells: [Cell]) { self.cells = cells }
    public var line: Int { cells.first?.line ?? 0 }
}

/// One table cell. A merged or empty cell is kept with empty text, so that columns
/// stay aligned with the header row.
public struct Cell: Sendable {
    /// Setting the text drops its kept compact form.
    public var text: String { didSet { folded = nil } }
    public var line: Int
    /// `TextFolding.compact(text)`, once `keepCompact` has made it.
    private var folded: [Unicode.Scalar]?
    public init(text: String, line: Int) { self.text = text; self.line = line }

    /// The text folded and without whitespace (see `Paragraph.compact`).
    public var compact: [Unicode.Scalar] { folded ?? TextFolding.compact(text) }
    public mutating func keepCompact() { if folded == nil { folded = TextFolding.compact(text) } }
    public var keepsCompact: Bool { folded != nil }
}
