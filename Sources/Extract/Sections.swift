import PerfevalCore

/// One item of the problems (存在的问题) or measures (改进措施) section.
public struct RawSectionItem: Sendable {
    public var item: Int
    /// The item's statement: its text without the cause clause.
    public var text: String
    /// The cause clause (`原因是…`, `由于…`), problems only.
    public var cause: String?
    public var line: Int
    /// The statement and cause as the report writes them (full-width punctuation,
    /// traditional characters), when the source text has them; for output.
    public var writtenText: String?
    public var writtenCause: String?
}

/// What the report's headings show, and the two free-text sections itemized.
public struct ReportSections: Sendable {
    /// Section kinds found, by field name (`section_basic`, …), in SPEC order.
    public var present: [String] = []
    public var problems: [RawSectionItem] = []
    public var measures: [RawSectionItem] = []
}

extension Extractor {
    static let sectionFields: [Field] = [.sectionBasic, .sectionSpending, .sectionPerformance, .sectionProblems, .sectionMeasures, .sectionApplication]

    /// A paragraph read as a possible heading: its numbering level (1 `一、`, 2 `(一)`,
    /// 3 `1、`/`1.`, 4 `(1)`, 5 `①`; 0 for none) and the text after the numbering.
    struct NumberedLine {
        var level: Int
        var body: [Unicode.Scalar]
        var line: Int
        /// Short and not a sentence: a heading or an item title.
        let isTitle: Bool
        /// For a title: the section its words name (`sectionMatcher`), read once.
        var section: Field?

        init(level: Int, body: [Unicode.Scalar], line: Int) {
            (self.level, self.body, self.line) = (level, body, line)
            isTitle = body.count <= 30 && !body.contains("。") && !body.contains(";")
        }
    }

    /// `paragraphs`: each block's compact text (nil for a table). Items are quoted as the
    /// document's source text writes them, when it has one.
    func sections(_ document: Document, paragraphs: [[Unicode.Scalar]?]) -> ReportSections {
        var lines: [NumberedLine?] = []   // nil stands for a table
        lines.reserveCapacity(document.blocks.count)
        for (block, compact) in zip(document.blocks, paragraphs) {
            switch block {
            case .paragraph(let paragraph):
                var line = Self.numbered(compact ?? [], line: paragraph.line)
                if line.isTitle { line.section = sectionMatcher.firstMatch(in: line.body)?.label.field }
                lines.append(line)
            case .table: lines.append(nil)
            }
        }
        var result = ReportSections()
        var found = Set<Field>()
        for case let line? in lines where line.isTitle {
            if let field = line.section { found.insert(field) }
        }
        result.present = Self.sectionFields.filter(found.contains).map(\.rawValue)
        if let body = sectionBody(lines, field: .sectionProblems) { result.problems = itemize(body, splitCause: true, source: document.source) }
        if let body = sectionBody(lines, field: .sectionMeasures) { result.measures = itemize(body, splitCause: false, source: document.source) }
        return result
    }

    /// The lines under the first heading of `field`, up to the next heading of the same or
    /// a higher level, another section's heading, or a table.
    func sectionBody(_ lines: [NumberedLine?], field: Field) -> [NumberedLine]? {
        guard let start = lines.firstIndex(where: { line in
            guard let line, line.isTitle else { return false }
            return line.section == field
        }) else { return nil }
        let level = lines[start]!.level == 0 ? 1 : lines[start]!.level
        var body: [NumberedLine] = []
        for entry in lines[(start + 1)...] {
            guard let line = entry else { break }
            if line.isTitle && ((line.level > 0 && line.level <= level) || line.section != nil) { break }
            body.append(line)
        }
        return body
    }

    /// Items by numbering: a numbered line starts an item; deeper numbering and plain
    /// paragraphs stay with it; a short numbered title followed by deeper-numbered lines
    /// only groups them (each of those is an item); an unnumbered first paragraph is one
    /// item, or several when it enumerates `一是…二是…`.
    func itemize(_ lines: [NumberedLine], splitCause: Bool, source: SourceText? = nil) -> [RawSectionItem] {
        var texts: [(text: [Unicode.Scalar], line: Int, level: Int)] = []
        for (index, line) in lines.enumerated() {
            if line.level > 0 {
                if let current = texts.last, current.level > 0, current.level < line.level {
                    texts[texts.count - 1].text = Self.joined(current.text, line.body)
                    continue
                }
                let next = index + 1 < lines.count ? lines[index + 1] : nil
                if line.isTitle, let next, next.level > line.level { continue }   // a group title
                texts.append((line.body, line.line, line.level))
            } else if !texts.isEmpty {
                texts[texts.count - 1].text = Self.joined(texts[texts.count - 1].text, line.body)
            } else {
                texts += Self.enumerated(line.body).map { ($0, line.line, 0) }
            }
        }
        var quoter = source.map(SourceText.Quoter.init)
        return texts.enumerated().map { offset, entry in
            let (statement, cause) = splitCause ? splitOffCause(entry.text) : (entry.text, nil)
            var item = RawSectionItem(item: offset + 1, text: statement.string, cause: cause?.string, line: entry.line)
            if quoter != nil {
                item.writtenText = quoter!.quote(compact: statement, line: entry.line)
                item.writtenCause = cause.flatMap { quoter!.quote(compact: $0, line: entry.line) }
            }
            return item
        }
    }

    /// A title and its body read as one text: `评价体系有待完善` + `尽管…` → `评价体系有待完善。尽管…`.
    static func joined(_ head: [Unicode.Scalar], _ tail: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let last = head.last, !"。;:,!?".unicodeScalars.contains(last) else { return head + tail }
        return head + ["。"] + tail
    }

    /// `原因是…` / `由于…` up to the end of its sentence is the cause; the rest the statement.
    func splitOffCause(_ text: [Unicode.Scalar]) -> ([Unicode.Scalar], [Unicode.Scalar]?) {
        guard let match = causeMatcher.firstMatch(in: text) else { return (text, nil) }
        var end = match.end
        while end < text.count, text[end] != "。" { end += 1 }
        var clauseStart = match.start
        if clauseStart > 0, text[clauseStart - 1] == "," { clauseStart -= 1 }
        let cause = Array(text[match.end..<end]).drop { $0 == "," || $0 == ":" }
        var statement = Array(text[..<clauseStart])
        var rest = text[end...]
        if statement.isEmpty || statement.last == "。" { rest = rest.drop { $0 == "。" } }
        statement += rest
        return (statement, cause.isEmpty ? nil : Array(cause))
    }

    static let ordinals = Array("一二三四五六七八九十".unicodeScalars)

    /// `一是A；二是B` → [A, B]; any other paragraph → itself.
    static func enumerated(_ text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var starts: [Int] = []
        var expected = 0
        var index = 0
        while index + 1 < text.count, expected < ordinals.count {
            if text[index] == ordinals[expected], text[index + 1] == "是" { starts.append(index); expected += 1; index += 2 } else { index += 1 }
        }
        guard starts.count >= 2 else { return [text] }
        return starts.enumerated().map { offset, start in
            let end = offset + 1 < starts.count ? starts[offset + 1] : text.count
            var part = Array(text[(start + 2)..<end])
            while let last = part.last, ";,。".unicodeScalars.contains(last) { part.removeLast() }
            return part
        }
    }

    /// Reads the numbering at the start of a paragraph.
    static func numbered(_ text: [Unicode.Scalar], line: Int) -> NumberedLine {
        func plain() -> NumberedLine { NumberedLine(level: 0, body: text, line: line) }
        guard let first = text.first else { return plain() }
        if (0x2460...0x2473).contains(first.value) { return NumberedLine(level: 5, body: Array(text.dropFirst()), line: line) }
        if first == "(", let close = text.prefix(5).firstIndex(of: ")"), close > 1 {
            let inside = text[1..<close]
            if inside.allSatisfy({ ordinals.contains($0) }) { return NumberedLine(level: 2, body: Array(text[(close + 1)...]), line: line) }
            if inside.allSatisfy(TextFolding.isDigit) { return NumberedLine(level: 4, body: Array(text[(close + 1)...]), line: line) }
            return plain()
        }
        var index = 0
        while index < text.count, index < 3, ordinals.contains(text[index]) { index += 1 }
        if index > 0, index < text.count, text[index] == "、" { return NumberedLine(level: 1, body: Array(text[(index + 1)...]), line: line) }
        index = 0
        while index < text.count, index < 2, TextFolding.isDigit(text[index]) { index += 1 }
        guard index > 0, index + 1 < text.count, !TextFolding.isDigit(text[index + 1]) else { return plain() }
        switch text[index] {
        case "、", ".": return NumberedLine(level: 3, body: Array(text[(index + 1)...]), line: line)
        case ")": return NumberedLine(level: 4, body: Array(text[(index + 1)...]), line: line)
        default: return plain()
        }
    }
}
