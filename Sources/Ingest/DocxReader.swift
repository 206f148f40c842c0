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

    static func read(_ archive: Archive) throws -> Document {
        let numbering = NumberingDefinitions(xml: try? entry(archive, "word/numbering.xml"), styles: try? entry(archive, "word/styles.xml"))
        let document = try entry(archive, "word/document.xml")
        let builder = WordprocessingParser(numbering: numbering)
        let parser = XMLParser(data: document)
        parser.delegate = builder
        guard parser.parse() else {
            throw Failure.corrupt("word/document.xml is not well-formed XML (\(parser.parserError.map { "\($0)" } ?? "unknown error"))")
        }
        return Document(blocks: builder.blocks, source: SourceText(written: Array(builder.writtenParagraphs.joined(separator: "\n").utf8)))
    }

    static func entry(_ archive: Archive, _ path: String) throws -> Data {
        guard let entry = archive[path] else { throw Failure.corrupt("no \(path) in the archive") }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        } catch {
            throw Failure.corrupt("\(path) cannot be extracted (\(error))")
        }
        return data
    }
}

/// `word/numbering.xml` (and the numbering of paragraph styles in `word/styles.xml`), with
/// the running counters of each list.
final class NumberingDefinitions {
    struct Level { var format = "decimal"; var text = "%1."; var start = 1 }
    private var abstractLevels: [String: [Int: Level]] = [:]
    private var abstractOfNum: [String: String] = [:]
    private(set) var styleNumbering: [String: (numId: String, level: Int)] = [:]
    private var counters: [String: [Int: Int]] = [:]

    init(xml: Data?, styles: Data?) {
        if let xml { parse(xml) }
        if let styles { parseStyles(styles) }
    }

    /// The label a reader sees before the paragraph (`3、`, `（二）`), advancing the counters.
    func label(numId: String, level: Int) -> String {
        guard numId != "0", let abstract = abstractOfNum[numId], let levels = abstractLevels[abstract] else { return "" }
        var counts = counters[abstract] ?? [:]
        counts[level] = (counts[level] ?? ((levels[level]?.start ?? 1) - 1)) + 1
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

    private func parse(_ xml: Data) {
        let delegate = ElementCollector()
        let parser = XMLParser(data: xml)
        parser.delegate = delegate
        _ = parser.parse()
        var abstract: String?, level: Int?, num: String?
        for event in delegate.events {
            switch (event.name, event.isStart) {
            case ("w:abstractNum", true): abstract = event.attributes["w:abstractNumId"]
            case ("w:lvl", true): level = Int(event.attributes["w:ilvl"] ?? "")
                if let abstract, let level { abstractLevels[abstract, default: [:]][level] = Level() }
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

    private func update(_ abstract: String?, _ level: Int?, _ change: (inout Level) -> Void) {
        guard let abstract, let level, var definition = abstractLevels[abstract]?[level] else { return }
        change(&definition)
        abstractLevels[abstract]![level] = definition
    }

    private func parseStyles(_ xml: Data) {
        let delegate = ElementCollector()
        let parser = XMLParser(data: xml)
        parser.delegate = delegate
        _ = parser.parse()
        var style: String?, numId: String?, level = 0
        for event in delegate.events {
            switch (event.name, event.isStart) {
            case ("w:style", true): style = event.attributes["w:styleId"]; numId = nil; level = 0
            case ("w:numId", true): numId = event.attributes["w:val"]
            case ("w:ilvl", true): level = Int(event.attributes["w:val"] ?? "") ?? 0
            case ("w:style", false):
                if let style, let numId { styleNumbering[style] = (numId, level) }
                style = nil
            default: break
            }
        }
    }
}

/// Start and end events with attributes, for the small numbering and styles parts.
final class ElementCollector: NSObject, XMLParserDelegate {
    struct Event { var name: String; var isStart: Bool; var attributes: [String: String] }
    var events: [Event] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        events.append(Event(name: name, isStart: true, attributes: attributes))
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        events.append(Event(name: name, isStart: false, attributes: [:]))
    }
}

/// SAX pass over word/document.xml that builds the blocks.
final class WordprocessingParser: NSObject, XMLParserDelegate {
    let numbering: NumberingDefinitions
    var blocks: [Block] = []
    /// Each paragraph's text as written (numbering label included), by paragraph index.
    var writtenParagraphs: [String] = []

    private var paragraphIndex = 0
    private var paragraphText = ""
    private var inText = false
    private var numId: String?, numLevel = 0, paragraphStyle: String?
    /// Open tables, innermost last; a nested table's text goes into the outer cell.
    private var tables: [(rows: [TableRow], cells: [Cell], cellParagraphs: [String], cellLine: Int, span: Int, continued: Bool)] = []

    init(numbering: NumberingDefinitions) { self.numbering = numbering }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "w:p":
            paragraphIndex += 1
            paragraphText = ""; numId = nil; numLevel = 0; paragraphStyle = nil
        case "w:t": inText = true
        case "w:tab": paragraphText += " "
        case "w:br", "w:cr": paragraphText += "\n"
        case "w:pStyle": paragraphStyle = attributes["w:val"]
        case "w:numId": numId = attributes["w:val"]
        case "w:ilvl": numLevel = Int(attributes["w:val"] ?? "") ?? 0
        case "w:tbl": tables.append(([], [], [], 0, 1, false))
        case "w:tr": break
        case "w:tc":
            guard !tables.isEmpty else { break }
            tables[tables.count - 1].cellParagraphs = []
            tables[tables.count - 1].cellLine = paragraphIndex + 1
            tables[tables.count - 1].span = 1
            tables[tables.count - 1].continued = false
        case "w:gridSpan": if !tables.isEmpty { tables[tables.count - 1].span = max(1, Int(attributes["w:val"] ?? "") ?? 1) }
        case "w:vMerge": if !tables.isEmpty, attributes["w:val"] != "restart" { tables[tables.count - 1].continued = true }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { paragraphText += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "w:t": inText = false
        case "w:p": endParagraph()
        case "w:tc":
            guard !tables.isEmpty else { break }
            var table = tables.removeLast()
            let text = table.continued ? "" : table.cellParagraphs.joined(separator: "\n")
            table.cells.append(Cell(text: text, line: table.cellLine))
            for _ in 1..<max(table.span, 1) { table.cells.append(Cell(text: "", line: table.cellLine)) }
            tables.append(table)
        case "w:tr":
            guard !tables.isEmpty else { break }
            if !tables[tables.count - 1].cells.isEmpty { tables[tables.count - 1].rows.append(TableRow(cells: tables[tables.count - 1].cells)) }
            tables[tables.count - 1].cells = []
        case "w:tbl":
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
        let text = TikaLikeText.clean(label + paragraphText)
        while writtenParagraphs.count < paragraphIndex { writtenParagraphs.append("") }
        writtenParagraphs[paragraphIndex - 1] = (label + paragraphText).replacingOccurrences(of: "\n", with: " ")
        if tables.isEmpty {
            if !text.isEmpty { blocks.append(.paragraph(Paragraph(text: text, line: paragraphIndex))) }
        } else {
            tables[tables.count - 1].cellParagraphs.append(text)
        }
    }
}

/// The same folding the Tika reader applies to its lines: width, special spaces, trimming.
enum TikaLikeText {
    static func clean(_ text: String) -> String {
        TextFolding.trimmed(text.unicodeScalars.compactMap(TextFolding.fold)[...]).string
    }
}
