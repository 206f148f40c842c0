import Glibc

/// The report's text as written, line by line, so that output can quote it as the report
/// has it (full-width `，（）`, traditional characters) while every stage works on folded,
/// simplified text. `written` is the file's text (for a .docx, its paragraphs, one per
/// line); `simplified`, when the file was converted from traditional characters, is the
/// same text after conversion, which the document's blocks were read from.
public struct SourceText: Sendable {
    let writtenLines: Lines
    let simplifiedLines: Lines?

    public init(written: [UInt8], simplified: [UInt8]? = nil) {
        writtenLines = Lines(written)
        simplifiedLines = simplified.map(Lines.init)
    }

    /// The written text with its lines already found (split as `Lines` splits them).
    public init(written: [UInt8], lineRanges: [Range<Int>]) {
        writtenLines = Lines(bytes: written, ranges: lineRanges)
        simplifiedLines = nil
    }

    /// The same written text with its simplified form from `convert` (which keeps lines).
    public func simplified(by convert: ([UInt8]) -> [UInt8]) -> SourceText {
        let written = Array((0..<writtenLines.count).map { writtenLines[$0] }.joined(separator: [10]))
        return SourceText(written: written, simplified: convert(written))
    }

    /// `text` (folded and without spaces, as the stages hold it) as written in the file
    /// from source line `line` on. The text may run over the following lines and may skip
    /// parts of them (a cause clause cut out of a problem's statement); a `。` that joins a
    /// title to its body is kept. Nil when it cannot be found there.
    public func quote(_ text: String, line: Int, maxLines: Int = 40) -> String? {
        quote(compact: TextFolding.compact(text), line: line, maxLines: maxLines)
    }

    /// `quote` of text already compact (folded, without spaces).
    public func quote(compact wanted: [Unicode.Scalar], line: Int, maxLines: Int = 40) -> String? {
        guard !wanted.isEmpty, line >= 1 else { return nil }
        var stream = KeyStream(self, from: line, maxLines: maxLines)
        var quoted = Quoted()
        var position = stream.find(wanted[...].prefix(4), from: 0)
        var next = 0
        while next < wanted.count {
            guard var at = position else { return nil }
            if stream.has(at), stream.keys[at].scalar == wanted[next] {
                let key = stream.keys[at]
                quoted.extend(to: Int(key.line), Int(key.offset), in: stream.lines)
                // The keys already read that follow on the same line, written next to each
                // other, extend the run at once.
                let (matched, offset) = stream.keys.withUnsafeBufferPointer { keys in
                    wanted.withUnsafeBufferPointer { wanted in
                        var matched = 1, offset = key.offset
                        while next + matched < wanted.count, at + matched < keys.count, keys[at + matched].scalar == wanted[next + matched],
                              keys[at + matched].line == key.line, keys[at + matched].offset == offset + 1 {
                            matched += 1
                            offset += 1
                        }
                        return (matched, offset)
                    }
                }
                quoted.extendRun(to: Int(offset))
                next += matched
                position = at + matched
            } else if wanted[next] == "。", !stream.has(at) || stream.startsLine(at) {
                quoted.close(in: stream.lines); quoted.scalars.append("。")   // joined title and body
                next += 1
            } else {
                at = stream.find(wanted[next...].prefix(4), from: at) ?? -1
                guard at >= 0 else { return nil }
                quoted.close(in: stream.lines)
                position = at
            }
        }
        quoted.close(in: stream.lines)
        return quoted.scalars[...].string
    }

    /// The written scalars of a quote, and the run of one line being quoted: written scalars
    /// are copied a run at a time, spaces between quoted scalars included.
    struct Quoted {
        var scalars: [Unicode.Scalar] = []
        private var run: (line: Int, first: Int, last: Int)?

        /// Quotes the scalar at `offset` of line `line`: extends the open run when it is on
        /// that line and only spaces come between, else starts a new one.
        @inline(__always)
        mutating func extend(to line: Int, _ offset: Int, in lines: [[Unicode.Scalar]]) {
            if let open = run, open.line == line,
               offset == open.last + 1 || SourceText.onlySpaces(lines[line][(open.last + 1)..<offset]) {
                run = (open.line, open.first, offset)
            } else {
                close(in: lines)
                run = (line, offset, offset)
            }
        }

        /// Extends the open run to `offset` of its line.
        mutating func extendRun(to offset: Int) {
            if let open = run { run = (open.line, open.first, offset) }
        }

        mutating func close(in lines: [[Unicode.Scalar]]) {
            if let open = run { scalars += lines[open.line][open.first...open.last] }
            run = nil
        }
    }

    /// A folded scalar of the lines read, with the index of its line (in `KeyStream.lines`)
    /// and its offset in that line: twelve bytes, so that a line's keys fit a scratch
    /// buffer on the stack (offsets within a line of a file under the input limit).
    struct Key {
        let scalar: Unicode.Scalar
        let line: Int32
        let offset: Int32
    }

    /// The folded scalars of the lines from a source line on, each with where it is written,
    /// read a line at a time as far as a search needs (most quotes end within a few lines).
    struct KeyStream {
        let source: SourceText
        private(set) var keys: [Key] = []
        private(set) var lines: [[Unicode.Scalar]] = []
        private var nextLine: Int   // index into the source's lines
        private let endLine: Int

        init(_ source: SourceText, from line: Int, maxLines: Int) {
            self.source = source
            nextLine = line - 1
            endLine = min(source.writtenLines.count, line - 1 + maxLines)
        }

        /// Whether the key at `index` is the first of its line.
        func startsLine(_ index: Int) -> Bool { index == 0 || keys[index - 1].line != keys[index].line }

        /// Whether there is a key at `index`, reading further lines when needed.
        mutating func has(_ index: Int) -> Bool {
            while index >= keys.count, readLine() {}
            return index < keys.count
        }

        /// Reads the next line's keys; false at the end (or where simplification changed
        /// a line's length, so that offsets are unknown from there on).
        private mutating func readLine() -> Bool {
            guard nextLine < endLine else { return false }
            let index = nextLine
            let original = SourceText.scalars(source.writtenLines[index])
            let read = source.simplifiedLines.map { index < $0.count ? SourceText.scalars($0[index]) : [] } ?? original
            guard read.count == original.count else { nextLine = endLine; return false }
            nextLine += 1
            let lineIndex = Int32(truncatingIfNeeded: lines.count)
            // Appended to a local array (held uniquely, grown geometrically), then put back.
            var keys = self.keys
            self.keys = []
            if keys.capacity < keys.count + read.count { keys.reserveCapacity(max(keys.count + read.count, 2 * keys.capacity)) }
            // The line's keys written to scratch, then appended at once.
            withUnsafeTemporaryAllocation(of: Key.self, capacity: max(read.count, 1)) { scratch in
                var count = 0
                SourceText.forEachKey(read) { scalar, offset in
                    scratch[count] = Key(scalar: scalar, line: lineIndex, offset: Int32(truncatingIfNeeded: offset))
                    count += 1
                }
                keys.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
            }
            self.keys = keys
            lines.append(original)
            return true
        }

        /// The first position at or after `from` where the keys spell `needle`.
        mutating func find(_ needle: ArraySlice<Unicode.Scalar>, from: Int) -> Int? {
            guard let head = needle.first, from >= 0 else { return nil }
            var start = from
            while has(start + needle.count - 1) {
                if keys[start].scalar == head {
                    var matched = 1
                    while matched < needle.count && keys[start + matched].scalar == needle[needle.startIndex + matched] { matched += 1 }
                    if matched == needle.count { return start }
                }
                start += 1
            }
            return nil
        }
    }

    /// Each folded, non-space scalar with its offset in the line; `[bookmark: …]` left out.
    @inline(__always)
    static func forEachKey(_ scalars: [Unicode.Scalar], _ body: (Unicode.Scalar, Int) -> Void) {
        scalars.withUnsafeBufferPointer { line in
            var offset = 0
            while offset < line.count {
                let scalar = line[offset]
                if scalar == "[", scalars.matches(bookmarkOpen, at: offset), let close = line[offset...].firstIndex(of: "]") {
                    offset = close + 1
                    continue
                }
                if let folded = TextFolding.fold(scalar), !TextFolding.isSpace(folded) { body(folded, offset) }
                offset += 1
            }
        }
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
        if let scalars = TextFolding.scalarsOfValidUTF8(utf8) { return scalars }
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

    /// The lines of UTF-8 text (split at LF, a CR before it dropped), kept as the byte
    /// range of each line: one array of ranges rather than one slice per line.
    struct Lines {
        let bytes: [UInt8]
        let ranges: [Range<Int>]

        init(bytes: [UInt8], ranges: [Range<Int>]) {
            self.bytes = bytes
            self.ranges = ranges
        }

        init(_ utf8: [UInt8]) {
            bytes = utf8
            var ranges: [Range<Int>] = []
            utf8.withUnsafeBytes { buffer in
                var start = 0
                while start < buffer.count, let found = memchr(buffer.baseAddress! + start, 10, buffer.count - start) {
                    let index = UnsafeRawPointer(found) - buffer.baseAddress!
                    ranges.append(start..<(index > start && buffer[index - 1] == 13 ? index - 1 : index))
                    start = index + 1
                }
                let end = buffer.count
                ranges.append(start..<(end > start && buffer[end - 1] == 13 ? end - 1 : end))
            }
            self.ranges = ranges
        }

        var count: Int { ranges.count }
        subscript(index: Int) -> ArraySlice<UInt8> { bytes[ranges[index]] }
    }
}
