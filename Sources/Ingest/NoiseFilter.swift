import PerfevalCore

/// Page furniture and spam that mirror and document-sharing sites mix into a report
/// (`第1页/共15页`, `立即下载`, `上传时间…`, `白事一条龙服务 400…`), from the user-editable
/// list data/noise.csv (`kind,phrase`; `#` in a phrase is a run of digits). A short line
/// holding furniture or spam is dropped whole; a long one loses the furniture phrase, and
/// the clause of a spam phrase up to the phone number that closes the advert, if any. Phone numbers
/// anywhere are removed too, so that no furniture or spam becomes an agency, a year or an
/// amount. Applied to every format's blocks; a table interrupted by a dropped line (a page
/// footer inside a table) is joined again.
public struct NoiseFilter: Sendable {
    public enum Kind: String, Sendable { case furniture, spam }
    struct Phrase: Sendable { let kind: Kind; let scalars: [Unicode.Scalar] }

    public enum LoadError: Error, CustomStringConvertible {
        case badHeader, unknownKind(String, row: Int)
        public var description: String {
            switch self {
            case .badHeader: return "noise file must start with the header kind,phrase"
            case .unknownKind(let kind, let row): return "noise file row \(row): kind must be furniture or spam, not '\(kind)'"
            }
        }
    }

    private let phrases: ScalarIndex<Phrase>
    /// The first two scalars of every phrase, for `mayHoldNoise`.
    private let openings: Openings
    /// A bit per low 16 bits of the scalars that open a phrase and of the digits: the
    /// scalars `mayHoldNoise` looks at further.
    private let notable: SixteenBitSet
    /// Lines of at most this many scalars (spaces removed) holding furniture or spam are dropped.
    static let shortLine = 60

    public static let none = NoiseFilter(phrases: [])

    init(phrases: [Phrase]) {
        self.phrases = ScalarIndex(phrases.compactMap { phrase in phrase.scalars.first.map { ($0, phrase) } }) {
            $0.scalars.count > $1.scalars.count
        }
        openings = Openings(phrases.map(\.scalars))
        var notable = SixteenBitSet()
        for scalar in phrases.compactMap(\.scalars.first) + Array("0123456789".unicodeScalars) {
            notable.insert(Int(scalar.value & 0xFFFF))
        }
        self.notable = notable
    }

    public init(rows: [[String]]) throws {
        guard let header = rows.first, header.count >= 2, header[0] == "kind", header[1] == "phrase" else { throw LoadError.badHeader }
        var phrases: [Phrase] = []
        for (index, row) in rows.dropFirst().enumerated() where row.count >= 2 && !row[1].isEmpty {
            guard let kind = Kind(rawValue: row[0]) else { throw LoadError.unknownKind(row[0], row: index + 2) }
            phrases.append(Phrase(kind: kind, scalars: TextFolding.compact(row[1])))
        }
        self.init(phrases: phrases)
    }

    /// The document without furniture and spam, each text with its compact form kept
    /// (`Paragraph.keepCompact`): the filter reads that form, and so does extraction.
    public func clean(_ document: Document) -> Document {
        var blocks: [Block] = []
        blocks.reserveCapacity(document.blocks.count)
        var droppedSinceTable = false
        for block in document.blocks {
            switch block {
            case .paragraph(var paragraph):
                paragraph.keepCompact()
                switch clean(compact: paragraph.compact) {
                case .kept: break
                case .shortened(let kept): paragraph.text = kept.string; paragraph.keepCompact()
                case .dropped: droppedSinceTable = true; continue
                }
                blocks.append(.paragraph(paragraph))
                droppedSinceTable = false
            case .table(var table):
                // Only cells without their compact form or with noise are written: a table
                // read with its compact forms and left as it is is not copied.
                for row in table.rows.indices {
                    for cell in table.rows[row].cells.indices {
                        if !table.rows[row].cells[cell].keepsCompact { table.rows[row].cells[cell].keepCompact() }
                        switch clean(compact: table.rows[row].cells[cell].compact) {
                        case .kept: continue
                        case .shortened(let kept): table.rows[row].cells[cell].text = kept.string
                        case .dropped: table.rows[row].cells[cell].text = ""
                        }
                        table.rows[row].cells[cell].keepCompact()
                    }
                }
                if droppedSinceTable, case .table(let previous)? = blocks.last {
                    blocks[blocks.count - 1] = .table(Table(rows: previous.rows + table.rows))
                } else {
                    blocks.append(.table(table))
                }
                droppedSinceTable = false
            }
        }
        return Document(blocks: blocks, source: document.source)
    }

    /// The text without furniture and spam; nil when nothing is left of it.
    public func clean(_ text: String) -> String? {
        switch clean(compact: TextFolding.compact(text)) {
        case .kept: return text
        case .shortened(let kept): return kept.string
        case .dropped: return nil
        }
    }

    /// What `clean` does to a text, told from its compact form.
    enum Cleaned { case kept, shortened([Unicode.Scalar]), dropped }

    func clean(compact scalars: [Unicode.Scalar]) -> Cleaned {
        // Most texts hold no noise: told by one look at each scalar.
        let matches = scalars.withUnsafeBufferPointer { scalars in mayHoldNoise(scalars) ? self.matches(in: scalars) : [] }
        guard !matches.isEmpty else { return .kept }
        if scalars.count <= Self.shortLine && matches.contains(where: { $0.kind == .furniture || !$0.isPhone }) { return .dropped }
        var removed = [Bool](repeating: false, count: scalars.count)
        for match in matches {
            switch match.kind {
            case .furniture: removed.replaceSubrange(match.range, with: repeatElement(true, count: match.range.count))
            case .spam where match.isPhone:
                removed.replaceSubrange(match.range, with: repeatElement(true, count: match.range.count))
            case .spam:
                let clause = Self.clause(around: match.range, in: scalars)
                let phoneEnd = matches.filter { $0.isPhone && clause.contains($0.range.lowerBound) && $0.range.lowerBound >= match.range.lowerBound }.map(\.range.upperBound).max()
                let end = phoneEnd ?? clause.upperBound
                removed.replaceSubrange(clause.lowerBound..<end, with: repeatElement(true, count: end - clause.lowerBound))
            }
        }
        let kept = zip(scalars, removed).filter { !$0.1 }.map(\.0)
        return kept.contains(where: { !Self.isDelimiter($0) }) ? .shortened(kept) : .dropped
    }

    struct Match { var kind: Kind; var range: Range<Int>; var isPhone = false }

    /// Whether `matches` may find something in the compact text: a run of ten or more
    /// digits (a phone number) or two scalars that open a phrase. False means it finds nothing.
    /// Most scalars are neither digits nor the first of a phrase: one bit test each.
    func mayHoldNoise(_ text: UnsafeBufferPointer<Unicode.Scalar>) -> Bool {
        notable.withBits { notable in
            phrases.withFilter { filter in
                var index = 0
                var digits = 0   // the run of digits before `index`
                while index < text.count {
                    let scalar = text[index]
                    guard notable.contains(Int(scalar.value & 0xFFFF)) else { digits = 0; index += 1; continue }
                    if TextFolding.isDigit(scalar) {
                        digits += 1
                        if digits >= 10 { return true }
                    } else {
                        digits = 0
                    }
                    // The pair it opens, if any, is looked at here (the next scalar may be any).
                    if phrases.mayStart(with: scalar, filter: filter) {
                        if openings.anyOneScalar { return true }
                        if index + 1 < text.count, openings.contains(scalar, text[index + 1]) { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// The pairs of scalars that open a phrase (`#` for a digit second), as bits of a hash:
    /// a pair not set opens none (a set one may still open none).
    struct Openings: Sendable {
        private var bits = SixteenBitSet()
        /// A phrase of one scalar: any of its first scalars is a match.
        private(set) var anyOneScalar = false

        init(_ phrases: [[Unicode.Scalar]]) {
            for phrase in phrases where !phrase.isEmpty {
                guard phrase.count >= 2 else { anyOneScalar = true; continue }
                bits.insert(Self.slot(phrase[0], phrase[1]))
            }
        }

        @inline(__always)
        static func slot(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Int {
            Int((first.value &* 0x9E37_79B1 ^ second.value &* 0x85EB_CA77) >> 16 & 0xFFFF)
        }

        @inline(__always)
        func contains(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Bool {
            if bits.contains(Self.slot(first, second)) { return true }
            return TextFolding.isDigit(second) && bits.contains(Self.slot(first, "#"))
        }
    }

    /// Listed phrases (longest first at each position) and phone numbers, spam for both.
    func matches(in text: UnsafeBufferPointer<Unicode.Scalar>) -> [Match] {
        var found: [Match] = []
        var index = 0
        phrases.withFilter { filter in
            while index < text.count {
                if TextFolding.isDigit(text[index]) {
                    var end = index
                    while end < text.count, TextFolding.isDigit(text[end]) { end += 1 }
                    if Self.isPhoneNumber(text, index..<end) { found.append(Match(kind: .spam, range: index..<end, isPhone: true)) }
                    index = end
                    continue
                }
                if phrases.mayStart(with: text[index], filter: filter), let match = phraseMatch(in: text, at: index) {
                    found.append(match)
                    index = match.range.upperBound
                    continue
                }
                index += 1
            }
        }
        return found
    }

    /// The longest listed phrase spelled at `start`, if any.
    func phraseMatch(in text: UnsafeBufferPointer<Unicode.Scalar>, at start: Int) -> Match? {
        phrases.withCandidates(startingWith: text[start]) { candidates in
            for phrase in candidates {
                if let end = Self.end(of: phrase.scalars, in: text, at: start) { return Match(kind: phrase.kind, range: start..<end) }
            }
            return nil
        }
    }

    /// Where `phrase` ends when it matches at `start`; `#` takes a run of digits.
    static func end(of phrase: [Unicode.Scalar], in text: UnsafeBufferPointer<Unicode.Scalar>, at start: Int) -> Int? {
        var position = start
        for scalar in phrase {
            if scalar == "#" {
                let digitsStart = position
                while position < text.count, TextFolding.isDigit(text[position]) { position += 1 }
                if position == digitsStart { return nil }
            } else {
                guard position < text.count, text[position] == scalar else { return nil }
                position += 1
            }
        }
        return position
    }

    /// A mobile number (11 digits, 13…–19…) or a 400/800 service number, not part of a
    /// decimal or an amount (`13500000000元` is money).
    static func isPhoneNumber(_ text: UnsafeBufferPointer<Unicode.Scalar>, _ run: Range<Int>) -> Bool {
        guard run.count == 10 || run.count == 11 else { return false }
        func digit(_ offset: Int) -> UInt32 { text[run.lowerBound + offset].value - 48 }
        let mobile = run.count == 11 && digit(0) == 1 && digit(1) >= 3
        let service = run.count == 10 && (digit(0) == 4 || digit(0) == 8) && digit(1) == 0 && digit(2) == 0
        guard mobile || service else { return false }
        if run.lowerBound > 0, ".,".unicodeScalars.contains(text[run.lowerBound - 1]) { return false }
        if run.upperBound < text.count, ".%元万亿人个次件户名".unicodeScalars.contains(text[run.upperBound]) { return false }
        return true
    }

    /// The clause holding `range`: between delimiters (`，。；！？、`), the closing one included.
    static func clause(around range: Range<Int>, in text: [Unicode.Scalar]) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start > 0, !isDelimiter(text[start - 1]) { start -= 1 }
        while end < text.count, !isDelimiter(text[end]) { end += 1 }
        return start..<min(end + 1, text.count)
    }

    static func isDelimiter(_ scalar: Unicode.Scalar) -> Bool { ",。;!?、，；！？".unicodeScalars.contains(scalar) }
}
