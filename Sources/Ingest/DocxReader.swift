import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PerfevalCore
import ZIPFoundation

/// Reads a Word .docx (ZIP of WordprocessingML) into document blocks: paragraphs with their
/// runs joined (a number or a label is often split over runs), tables with `w:gridSpan`
/// cells padded and `w:vMerge` continuations left empty (as Tika does), automatic list
/// numbering (`w:numPr`, from the paragraph or its style) written out as the reader sees
/// it (`1、`, `（一）`), bookmarks, deleted text and field codes dropped. A block's line is
/// the 1-based index of its paragraph in the document.
enum DocxReader {
    enum Failure: Error, CustomStringConvertible {
        case corrupt(String)
        var description: String {
            switch self { case .corrupt(let why): return "corrupt .docx: \(why)" }
        }
    }

    static func read(_ parts: ZipParts) throws -> Document {
        let numbering = try optionalPart(parts, "word/numbering.xml"), styles = try optionalPart(parts, "word/styles.xml")
        let document = try parts.data("word/document.xml", format: ".docx")
        return try read(document: document, numbering: numbering, styles: styles, maxElements: parts.limits.maxElements)
    }

    /// The parts' bytes read; `scanning: false` leaves all to XMLParser (tests compare the two).
    static func read(document: Data, numbering: Data?, styles: Data?, maxElements: Int, scanning: Bool = true) throws -> Document {
        // Numbering counters advance as paragraphs are read: each reading starts afresh.
        func builder() -> WordprocessingBuilder {
            WordprocessingBuilder(numbering: NumberingDefinitions(xml: numbering, styles: styles), maxElements: maxElements)
        }
        var read = builder()
        if !scanning || WordXMLScanner.scan(document, into: read) == .unsupported {
            // What the scanner does not take (errors included) libxml2 reads, and judges.
            read = builder()
            try parseWithXMLParser(document, into: read)
        }
        if read.exceeded { throw LimitExceeded.elements("paragraphs and table cells", limit: maxElements) }
        return Document(blocks: read.blocks, source: SourceText(written: Array(read.writtenParagraphs.joined(separator: "\n").utf8)))
    }

    private static func parseWithXMLParser(_ document: Data, into builder: WordprocessingBuilder) throws {
        let delegate = WordprocessingParser(builder: builder)
        let parser = XMLReading.parser(document)
        parser.delegate = delegate
        let parsed = parser.parse()
        if builder.exceeded { return }
        guard parsed else { throw Failure.corrupt("word/document.xml is not well-formed XML (\(XMLProblem.describe(parser)))") }
        // A part cut short may still parse as far as it goes: the root must have closed.
        guard builder.closedRoot else { throw Failure.corrupt("word/document.xml ends before the document does (truncated)") }
    }

    /// A part that may be missing; a bomb in it still stops the file.
    static func optionalPart(_ parts: ZipParts, _ path: String) throws -> Data? {
        guard parts.contains(path) else { return nil }
        do { return try parts.data(path, format: ".docx") } catch let limit as LimitExceeded { throw limit } catch { return nil }
    }
}

/// XMLParser errors read `Code=1 "(null)"` on Linux: the line and column say more.
enum XMLProblem {
    static func describe(_ parser: XMLParser) -> String {
        let code = (parser.parserError as NSError?)?.code ?? 0
        return "parser error \(code) at line \(parser.lineNumber), column \(parser.columnNumber)"
    }
}

/// `word/numbering.xml` (and the numbering of paragraph styles in `word/styles.xml`), with
/// the running counters of each list.
final class NumberingDefinitions {
    struct Level: Sendable { var format = "decimal"; var text = "%1."; var start = 1 }
    /// What the two parts define, read once per distinct pair of parts (see `DefinitionCache`).
    struct Definitions: Sendable {
        var abstractLevels: [String: [Int: Level]] = [:]
        var abstractOfNum: [String: String] = [:]
        var styleNumbering: [String: StyleList] = [:]
    }
    struct StyleList: Sendable { var numId: String; var level: Int }
    private let definitions: Definitions
    private var abstractLevels: [String: [Int: Level]] { definitions.abstractLevels }
    private var abstractOfNum: [String: String] { definitions.abstractOfNum }
    var styleNumbering: [String: StyleList] { definitions.styleNumbering }
    private var counters: [String: [Int: Int]] = [:]

    init(xml: Data?, styles: Data?) {
        definitions = DefinitionCache.shared.definitions(numbering: xml, styles: styles) {
            var read = Definitions()
            if let xml { read.parse(xml) }
            if let styles { read.parseStyles(styles) }
            return read
        }
    }

    /// The label a reader sees before the paragraph (`3、`, `（二）`), advancing the counters.
    func label(numId: String, level: Int) -> String {
        // Word has nine list levels (0...8); numbers from the file are clamped, never trusted.
        guard numId != "0", (0...8).contains(level), let abstract = abstractOfNum[numId], let levels = abstractLevels[abstract] else { return "" }
        var counts = counters[abstract] ?? [:]
        counts[level] = min(counts[level] ?? (min(max(levels[level]?.start ?? 1, 0), 1_000_000) - 1), 1_000_000) + 1
        for deeper in counts.keys where deeper > level { counts[deeper] = nil }
        counters[abstract] = counts
        guard let definition = levels[level], definition.format != "bullet", definition.format != "none" else { return "" }
        var text = definition.text
        for index in 0...level {
            let value = counts[index] ?? (levels[index]?.start ?? 1)
            text = text.replacingOccurrences(of: "%\(index + 1)", with: Self.format(value, as: levels[index]?.format ?? "decimal"))
        }
        return text
    }

    static func format(_ value: Int, as format: String) -> String {
        guard (1...3999).contains(value) else { return String(value) }
        switch format {
        case "chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital", "japaneseCounting", "taiwaneseCounting":
            return chinese(value)
        case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
            return (1...20).contains(value) ? String(Character(Unicode.Scalar(0x2460 + UInt32(value - 1))!)) : String(value)
        case "lowerLetter": return String(Character(Unicode.Scalar(UInt32(96 + (value - 1) % 26 + 1))!))
        case "upperLetter": return String(Character(Unicode.Scalar(UInt32(64 + (value - 1) % 26 + 1))!))
        case "lowerRoman", "upperRoman":
            let roman = romanNumeral(value)
            return format == "lowerRoman" ? roman.lowercased() : roman
        case "decimalFullWidth": return String(value)
        default: return String(value)
        }
    }

    static func chinese(_ value: Int) -> String {
        let digits = Array("零一二三四五六七八九")
        guard value > 0, value < 100 else { return String(value) }
        if value < 10 { return String(digits[value]) }
        let tens = value / 10, ones = value % 10
        return (tens == 1 ? "" : String(digits[tens])) + "十" + (ones == 0 ? "" : String(digits[ones]))
    }

    static func romanNumeral(_ value: Int) -> String {
        let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var rest = value, out = ""
        for (amount, letters) in table { while rest >= amount { out += letters; rest -= amount } }
        return out
    }

}

extension NumberingDefinitions.Definitions {
    fileprivate mutating func parse(_ xml: Data) {
        let delegate = ElementCollector()
        let parser = XMLReading.parser(xml)
        parser.delegate = delegate
        _ = parser.parse()
        var abstract: String?, level: Int?, num: String?
        for event in delegate.events {
            switch (event.name, event.isStart) {
            case ("w:abstractNum", true): abstract = event.attributes["w:abstractNumId"]
            case ("w:lvl", true): level = Int(event.attributes["w:ilvl"] ?? "")
                if let abstract, let level { abstractLevels[abstract, default: [:]][level] = NumberingDefinitions.Level() }
            case ("w:numFmt", true): update(abstract, level) { $0.format = event.attributes["w:val"] ?? "decimal" }
            case ("w:lvlText", true): update(abstract, level) { $0.text = event.attributes["w:val"] ?? "" }
            case ("w:start", true): update(abstract, level) { $0.start = Int(event.attributes["w:val"] ?? "") ?? 1 }
            case ("w:lvl", false): level = nil
            case ("w:abstractNum", false): abstract = nil
            case ("w:num", true): num = event.attributes["w:numId"]
            case ("w:abstractNumId", true): if let num, abstract == nil { abstractOfNum[num] = event.attributes["w:val"] }
            case ("w:num", false): num = nil
            default: break
            }
        }
    }

    private mutating func update(_ abstract: String?, _ level: Int?, _ change: (inout NumberingDefinitions.Level) -> Void) {
        guard let abstract, let level, var definition = abstractLevels[abstract]?[level] else { return }
        change(&definition)
        abstractLevels[abstract]![level] = definition
    }

    fileprivate mutating func parseStyles(_ xml: Data) {
        let delegate = ElementCollector()
        let parser = XMLReading.parser(xml)
        parser.delegate = delegate
        _ = parser.parse()
        var style: String?, numId: String?, level = 0
        for event in delegate.events {
            switch (event.name, event.isStart) {
            case ("w:style", true): style = event.attributes["w:styleId"]; numId = nil; level = 0
            case ("w:numId", true): numId = event.attributes["w:val"]
            case ("w:ilvl", true): level = Int(event.attributes["w:val"] ?? "") ?? 0
            case ("w:style", false):
                if let style, let numId { styleNumbering[style] = NumberingDefinitions.StyleList(numId: numId, level: level) }
                style = nil
            default: break
            }
        }
    }
}

/// Numbering definitions by the exact bytes of numbering.xml and styles.xml: reports made from
/// one template share a 100–350 KB styles.xml, which an XMLParser pass took 60% of a .docx's
/// time to read. The key is the parts' full bytes (Data hashes a prefix and compares all
/// bytes), so two different parts never share an entry. Thread-safe; at most `capacity`
/// pairs are held (emptied when full), so memory stays bounded however many templates.
final class DefinitionCache: @unchecked Sendable {
    static let shared = DefinitionCache()
    private struct Key: Hashable { var numbering: Data?; var styles: Data? }
    private var entries: [Key: NumberingDefinitions.Definitions] = [:]
    private let lock = NSLock()
    let capacity = 16
    /// Parts larger than this are read each time rather than held.
    let maxBytes = 4 << 20

    func definitions(numbering: Data?, styles: Data?, read: () -> NumberingDefinitions.Definitions) -> NumberingDefinitions.Definitions {
        guard (numbering?.count ?? 0) + (styles?.count ?? 0) <= maxBytes else { return read() }
        let key = Key(numbering: numbering, styles: styles)
        lock.lock()
        let known = entries[key]
        lock.unlock()
        if let known { return known }
        let definitions = read()   // outside the lock: another thread may read the same pair meanwhile, to the same result
        lock.lock()
        if entries.count >= capacity { entries.removeAll() }
        entries[key] = definitions
        lock.unlock()
        return definitions
    }
}

/// Start and end events with attributes, for the small numbering and styles parts.
final class ElementCollector: NSObject, XMLParserDelegate {
    struct Event { var name: String; var isStart: Bool; var attributes: [String: String] }
    var events: [Event] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        // Numbering and styles parts are small; a huge one is cut off rather than held.
        if events.count > Limits.standard.maxElements { parser.abortParsing(); return }
        events.append(Event(name: name, isStart: true, attributes: attributes))
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        events.append(Event(name: name, isStart: false, attributes: [:]))
    }
}

/// The WordprocessingML elements the reader acts on, told by their qualified name (the
/// `w:` prefix as Word writes it; another prefix is another element, as before).
enum WordElement {
    case paragraph          // w:p
    case text               // w:t: a run's text
    case tab                // w:tab
    case lineBreak          // w:br, w:cr
    case paragraphStyle     // w:pStyle (in w:pPr)
    case numId, level       // w:numId, w:ilvl (in w:numPr)
    case table, row, cell   // w:tbl, w:tr, w:tc
    case gridSpan, vMerge   // in w:tcPr
    case other

    init(_ name: UnsafeBufferPointer<UInt8>) {
        self = .other
        guard name.count >= 3, name[0] == UInt8(ascii: "w"), name[1] == UInt8(ascii: ":") else { return }
        let local = UnsafeBufferPointer(rebasing: name[2...])
        func equals(_ literal: StaticString) -> Bool {
            local.count == literal.utf8CodeUnitCount && memcmp(local.baseAddress!, literal.utf8Start, local.count) == 0
        }
        switch local.count {
        case 1: self = equals("p") ? .paragraph : equals("t") ? .text : .other
        case 2: self = equals("tc") ? .cell : equals("tr") ? .row : equals("br") || equals("cr") ? .lineBreak : .other
        case 3: self = equals("tab") ? .tab : equals("tbl") ? .table : .other
        case 4: self = equals("ilvl") ? .level : .other
        case 5: self = equals("numId") ? .numId : .other
        case 6: self = equals("pStyle") ? .paragraphStyle : equals("vMerge") ? .vMerge : .other
        case 8: self = equals("gridSpan") ? .gridSpan : .other
        default: break
        }
    }

    init(name: String) {
        var name = name
        self = name.withUTF8 { WordElement($0) }
    }

    /// Elements whose `w:val` attribute the reader uses.
    var readsValue: Bool {
        switch self {
        case .paragraphStyle, .numId, .level, .gridSpan, .vMerge: return true
        default: return false
        }
    }
}

/// Builds the blocks from the element events of word/document.xml, whichever reader sends
/// them (`WordXMLScanner`, or XMLParser through `WordprocessingParser`).
final class WordprocessingBuilder {
    let numbering: NumberingDefinitions
    var blocks: [Block] = []
    /// Each paragraph's text as written (numbering label included), by paragraph index.
    var writtenParagraphs: [String] = []

    private var paragraphIndex = 0
    /// The UTF-8 of the open paragraph's runs.
    var paragraphText: [UInt8] = []
    /// Inside a `w:t`: its characters belong to the paragraph.
    private(set) var collectsText = false
    private var numId: String?, numLevel = 0, paragraphStyle: String?
    /// Open tables, innermost last; a nested table's text goes into the outer cell.
    private var tables: [(rows: [TableRow], cells: [Cell], cellParagraphs: [String], cellLine: Int, span: Int, continued: Bool)] = []

    let maxElements: Int
    /// Paragraphs and cells met; reading stops past `maxElements`.
    private(set) var elements = 0
    var exceeded: Bool { elements > maxElements }
    private var depth = 0
    /// Whether the root element was closed: a truncated part may parse without error.
    private(set) var closedRoot = false

    init(numbering: NumberingDefinitions, maxElements: Int = Limits.standard.maxElements) {
        self.numbering = numbering; self.maxElements = maxElements
    }

    /// An element opens; `value` is its `w:val` attribute where `element.readsValue`.
    func start(_ element: WordElement, value: String?) {
        depth += 1
        switch element {
        case .paragraph:
            elements += 1
            paragraphIndex += 1
            paragraphText.removeAll(keepingCapacity: true); numId = nil; numLevel = 0; paragraphStyle = nil
        case .text: collectsText = true
        case .tab: paragraphText.append(UInt8(ascii: " "))
        case .lineBreak: paragraphText.append(UInt8(ascii: "\n"))
        case .paragraphStyle: paragraphStyle = value
        case .numId: numId = value
        case .level: numLevel = Int(value ?? "") ?? 0
        case .table: tables.append(([], [], [], 0, 1, false))
        case .row: break
        case .cell:
            elements += 1
            guard !tables.isEmpty else { break }
            tables[tables.count - 1].cellParagraphs = []
            tables[tables.count - 1].cellLine = paragraphIndex + 1
            tables[tables.count - 1].span = 1
            tables[tables.count - 1].continued = false
        // Word tables have at most 63 columns: a larger span is damage, not layout.
        case .gridSpan: if !tables.isEmpty { tables[tables.count - 1].span = min(max(1, Int(value ?? "") ?? 1), 63) }
        case .vMerge: if !tables.isEmpty, value != "restart" { tables[tables.count - 1].continued = true }
        case .other: break
        }
    }

    /// Character data (entities decoded); kept inside a `w:t` only.
    func characters(_ utf8: UnsafeBufferPointer<UInt8>) {
        if collectsText { paragraphText.append(contentsOf: utf8) }
    }

    func end(_ element: WordElement) {
        depth -= 1
        if depth == 0 { closedRoot = true }
        switch element {
        case .text: collectsText = false
        case .paragraph: endParagraph()
        case .cell:
            guard !tables.isEmpty else { break }
            var table = tables.removeLast()
            let text = table.continued ? "" : table.cellParagraphs.joined(separator: "\n")
            table.cells.append(Cell(text: text, line: table.cellLine))
            for _ in 1..<max(table.span, 1) { table.cells.append(Cell(text: "", line: table.cellLine)) }
            tables.append(table)
        case .row:
            guard !tables.isEmpty else { break }
            if !tables[tables.count - 1].cells.isEmpty { tables[tables.count - 1].rows.append(TableRow(cells: tables[tables.count - 1].cells)) }
            tables[tables.count - 1].cells = []
        case .table:
            guard let table = tables.popLast() else { break }
            if tables.isEmpty {
                if !table.rows.isEmpty { blocks.append(.table(Table(rows: table.rows))) }
            } else {
                // A nested table: its text, row by row, into the enclosing cell.
                let text = table.rows.map { $0.cells.map(\.text).joined(separator: " ") }.joined(separator: "\n")
                tables[tables.count - 1].cellParagraphs.append(text)
            }
        default: break
        }
    }

    private func endParagraph() {
        let style = paragraphStyle.flatMap { numbering.styleNumbering[$0] }
        let list = numId.map { ($0, numLevel) } ?? style.map { ($0.numId, $0.level) }
        let label = list.map { numbering.label(numId: $0.0, level: $0.1) } ?? ""
        let runs = String(decoding: paragraphText, as: UTF8.self)
        let text = TikaLikeText.clean(label + runs)
        while writtenParagraphs.count < paragraphIndex { writtenParagraphs.append("") }
        writtenParagraphs[paragraphIndex - 1] = Self.oneLine(label + runs)
        if tables.isEmpty {
            if !text.isEmpty { blocks.append(.paragraph(Paragraph(text: text, line: paragraphIndex))) }
        } else {
            tables[tables.count - 1].cellParagraphs.append(text)
        }
    }
}

/// XMLParser's events into the builder: the reading of parts the scanner leaves to libxml2.
final class WordprocessingParser: NSObject, XMLParserDelegate {
    let builder: WordprocessingBuilder
    init(builder: WordprocessingBuilder) { self.builder = builder }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        builder.start(WordElement(name: name), value: attributes["w:val"])
        if builder.exceeded { parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard builder.collectsText else { return }
        var string = string
        string.withUTF8 { builder.characters($0) }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        builder.end(WordElement(name: name))
    }
}

extension WordprocessingBuilder {
    /// Line breaks as spaces. Foundation's replacingOccurrences (15% of .docx time) runs only
    /// for the few paragraphs that hold a break: without "\n" it would return the text unchanged.
    static func oneLine(_ text: String) -> String {
        text.utf8.contains(0x0A) ? text.replacingOccurrences(of: "\n", with: " ") : text
    }
}

/// The same folding the Tika reader applies to its lines: width, special spaces, trimming.
enum TikaLikeText {
    static func clean(_ text: String) -> String {
        TextFolding.trimmed(text.unicodeScalars.compactMap(TextFolding.fold)[...]).string
    }
}

/// XMLParser over large data: given as one block, libxml2 refuses a part past about 5 MB
/// ("huge input lookup", reported as error 1) — a real 10 MB document.xml was rejected.
/// Fed through a stream it is parsed chunk by chunk, at any size within the limits.
enum XMLReading {
    static func parser(_ data: Data) -> XMLParser {
        data.count < 1 << 20 ? XMLParser(data: data) : XMLParser(stream: InputStream(data: data))
    }
}
