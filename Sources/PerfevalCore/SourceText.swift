/// The report's text as written, line by line, so that output can quote it as the report
/// has it (full-width `，（）`, traditional characters) while every stage works on folded,
/// simplified text. `written` is the file's text (for a .docx, its paragraphs, one per
/// line); `simplified`, when the file was converted from traditional characters, is the
/// same text after conversion, which the document's blocks were read from.
public struct SourceText: Sendable {
    let writtenLines: [ArraySlice<UInt8>]
    let simplifiedLines: [ArraySlice<UInt8>]?

    public init(written: [UInt8], simplified: [UInt8]? = nil) {
        writtenLines = Self.lines(written)
        simplifiedLines = simplified.map(Self.lines)
    }

    /// The same written text with its simplified form from `convert` (which keeps lines).
    public func simplified(by convert: ([UInt8]) -> [UInt8]) -> SourceText {
        let written = Array(writtenLines.joined(separator: [10]))
        return SourceText(written: written, simplified: convert(written))
    }

    /// `text` (folded and without spaces, as the stages hold it) as written in the file
    /// from source line `line` on. The text may run over the following lines and may skip
    /// parts of them (a cause clause cut out of a problem's statement); a `。` that joins a
    /// title to its body is kept. Nil when it cannot be found there.
    public func quote(_ text: String, line: Int, maxLines: Int = 40) -> String? {
        let wanted = TextFolding.compact(text)
        guard !wanted.isEmpty, line >= 1 else { return nil }
        let stream = keyStream(from: line, maxLines: maxLines)
        var quoted: [Unicode.Scalar] = []
        var run: (line: Int, first: Int, last: Int)?
        func closeRun() {
            if let open = run { quoted += stream.lines[open.line][open.first...open.last] }
            run = nil
        }
        var position = Self.find(wanted[...].prefix(4), in: stream.keys, from: 0)
        var next = 0
        while next < wanted.count {
            guard var at = position else { return nil }
            if at < stream.keys.count, stream.keys[at].scalar == wanted[next] {
                let key = stream.keys[at]
                if let open = run, open.line == key.line, Self.onlySpaces(stream.lines[key.line][(open.last + 1)..<key.offset]) {
                    run = (open.line, open.first, key.offset)
                } else {
                    closeRun(); run = (key.line, key.offset, key.offset)
                }
                next += 1
                position = at + 1
            } else if wanted[next] == "。", at == stream.keys.count || stream.keys[at].startsLine {
                closeRun(); quoted.append("。")   // joined title and body
                next += 1
            } else {
                at = Self.find(wanted[next...].prefix(4), in: stream.keys, from: at) ?? -1
                guard at >= 0 else { return nil }
                closeRun()
                position = at
            }
        }
        closeRun()
        return quoted[...].string
    }

    typealias Key = (scalar: Unicode.Scalar, line: Int, offset: Int, startsLine: Bool)

    /// The folded scalars of the lines from `line` on, each with where it is written.
    func keyStream(from line: Int, maxLines: Int) -> (keys: [Key], lines: [[Unicode.Scalar]]) {
        var keys: [Key] = [], lines: [[Unicode.Scalar]] = []
        guard line - 1 < writtenLines.count else { return (keys, lines) }
        for index in (line - 1)..<min(writtenLines.count, line - 1 + maxLines) {
            let original = Self.scalars(writtenLines[index])
            let read = simplifiedLines.map { index < $0.count ? Self.scalars($0[index]) : [] } ?? original
            guard read.count == original.count else { break }   // conversion changed the length: offsets unknown
            let lineKeys = Self.keys(read)
            keys += lineKeys.enumerated().map { ($0.element.scalar, lines.count, $0.element.offset, $0.offset == 0) }
            lines.append(original)
        }
        return (keys, lines)
    }

    /// The first position at or after `from` where `keys` spell `needle`.
    static func find(_ needle: ArraySlice<Unicode.Scalar>, in keys: [Key], from: Int) -> Int? {
        guard let head = needle.first, from >= 0 else { return nil }
        var start = from
        while start + needle.count <= keys.count {
            if keys[start].scalar == head, zip(keys[start..<(start + needle.count)], needle).allSatisfy({ $0.0.scalar == $0.1 }) { return start }
            start += 1
        }
        return nil
    }

    /// Each folded, non-space scalar with its offset in the line; `[bookmark: …]` left out.
    static func keys(_ line: [Unicode.Scalar]) -> [(scalar: Unicode.Scalar, offset: Int)] {
        var keys: [(scalar: Unicode.Scalar, offset: Int)] = []
        var offset = 0
        while offset < line.count {
            if line[offset] == "[", line.matches(bookmarkOpen, at: offset), let close = line[offset...].firstIndex(of: "]") {
                offset = close + 1
                continue
            }
            if let folded = TextFolding.fold(line[offset]), !TextFolding.isSpace(folded) { keys.append((folded, offset)) }
            offset += 1
        }
        return keys
    }

    /// Whether the written scalars between two quoted ones are only spaces (kept in the
    /// quote) rather than an artifact the reader dropped (left out of it).
    static func onlySpaces(_ between: ArraySlice<Unicode.Scalar>) -> Bool {
        between.allSatisfy { TextFolding.fold($0).map(TextFolding.isSpace) ?? true }
    }

    static let bookmarkOpen = Array("[bookmark:".unicodeScalars)

    /// The scalars of a UTF-8 line, invalid bytes replaced by U+FFFD as `String(decoding:)`
    /// does, without building a String.
    static func scalars(_ utf8: ArraySlice<UInt8>) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .error: scalars.append("\u{FFFD}")
            case .emptyInput: return scalars
            }
        }
    }

    static func lines(_ utf8: [UInt8]) -> [ArraySlice<UInt8>] {
        utf8.split(separator: 10, omittingEmptySubsequences: false).map { $0.last == 13 ? $0.dropLast() : $0 }
    }
}
