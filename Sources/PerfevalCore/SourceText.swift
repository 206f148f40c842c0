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
        var quoter = Quoter(self)
        return quoter.quote(compact: wanted, line: line, maxLines: maxLines)
    }

    /// Quotes from one source that keeps the lines it read for the next quote from the same
    /// line (a statement and its cause, the items of one paragraph): each line read once.
    public struct Quoter {
        let source: SourceText
        private var stream: KeyStream?
        private var from = (line: 0, maxLines: 0)

        public init(_ source: SourceText) { self.source = source }

        /// `SourceText.quote(compact:line:maxLines:)`.
        public mutating func quote(compact wanted: [Unicode.Scalar], line: Int, maxLines: Int = 40) -> String? {
            guard !wanted.isEmpty, line >= 1 else { return nil }
            var stream = self.stream.flatMap { from == (line, maxLines) ? $0 : nil } ?? KeyStream(source, from: line, maxLines: maxLines)
            self.stream = nil   // held uniquely while it reads further lines
            defer { (self.stream, from) = (stream, (line, maxLines)) }
            return SourceText.quote(wanted, in: &stream)
        }
    }

    /// `quote` of non-empty compact text from the keys of `stream`.
    static func quote(_ wanted: [Unicode.Scalar], in stream: inout KeyStream) -> String? {
        var quoted = Quoted()
        var position = stream.find(wanted[...].prefix(4), from: 0)
        var next = 0
        while next < wanted.count {
            guard var at = position else { return nil }
            if stream.has(at), stream.keys[at].scalar == wanted[next] {
                let key = stream.keys[at]
                quoted.extend(to: key, in: stream.lines)
                // The keys already read that follow on the same line, written next to each
                // other, extend the run at once.
                let (matched, end) = stream.keys.withUnsafeBufferPointer { keys in
                    wanted.withUnsafeBufferPointer { wanted in
                        var matched = 1, end = key.end
                        while next + matched < wanted.count, at + matched < keys.count, keys[at + matched].scalar == wanted[next + matched],
                              keys[at + matched].line == key.line, keys[at + matched].start == end {
                            end = keys[at + matched].end
                            matched += 1
                        }
                        return (matched, end)
                    }
                }
                quoted.extendRun(to: Int(end))
                next += matched
                position = at + matched
            } else if wanted[next] == "。", !stream.has(at) || stream.startsLine(at) {
                quoted.close(in: stream.lines); quoted.bytes += [0xE3, 0x80, 0x82]   // 。: joined title and body
                next += 1
            } else {
                at = stream.find(wanted[next...].prefix(4), from: at) ?? -1
                guard at >= 0 else { return nil }
                quoted.close(in: stream.lines)
                position = at
            }
        }
        quoted.close(in: stream.lines)
        // The lines' bytes are well-formed (`KeyStream.lines`), and so is a 。.
        return quoted.bytes.withUnsafeBufferPointer { String(wellFormedUTF8: $0) }
    }

    /// The written UTF-8 of a quote, and the run of one line being quoted: the written bytes
    /// are copied a run at a time, spaces between quoted scalars included.
    struct Quoted {
        var bytes: [UInt8] = []
        /// The line's index in `KeyStream.lines` and the bytes of the run in it.
        private var run: (line: Int, start: Int, end: Int)?

        /// Quotes the scalar of `key`: extends the open run when it is on the key's line and
        /// only spaces come between, else starts a new one.
        @inline(__always)
        mutating func extend(to key: Key, in lines: [ArraySlice<UInt8>]) {
            let line = Int(key.line), start = Int(key.start), end = Int(key.end)
            if let open = run, open.line == line, start == open.end || SourceText.onlySpaces(lines[line], open.end..<start) {
                run = (open.line, open.start, end)
            } else {
                close(in: lines)
                run = (line, start, end)
            }
        }

        /// Extends the open run to the byte offset `end` of its line.
        mutating func extendRun(to end: Int) {
            if let open = run { run = (open.line, open.start, end) }
        }

        mutating func close(in lines: [ArraySlice<UInt8>]) {
            if let open = run {
                let line = lines[open.line]
                bytes += line[(line.startIndex + open.start)..<(line.startIndex + open.end)]
            }
            run = nil
        }
    }

    /// A folded scalar of the lines read, with the index of its line (in `KeyStream.lines`)
    /// and the bytes where it is written in that line: sixteen bytes, so that a line's keys
    /// fit a scratch buffer on the stack (offsets within a line of a file under the input limit).
    struct Key {
        let scalar: Unicode.Scalar
        let line: Int32
        let start: Int32
        let end: Int32
    }

    /// The folded scalars of the lines from a source line on, each with where it is written,
    /// read a line at a time as far as a search needs (most quotes end within a few lines).
    struct KeyStream {
        let source: SourceText
        private(set) var keys: [Key] = []
        /// The written UTF-8 of the lines read, well-formed: bytes that are not are replaced
        /// by U+FFFD as `String(decoding:)` does.
        private(set) var lines: [ArraySlice<UInt8>] = []
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
            var original = source.writtenLines[index]
            let lineIndex = Int32(truncatingIfNeeded: lines.count)
            // Appended to a local array (held uniquely, grown geometrically), then put back.
            var keys = self.keys
            self.keys = []
            defer { self.keys = keys }
            if keys.capacity < keys.count + original.count { keys.reserveCapacity(max(keys.count + original.count, 2 * keys.capacity)) }
            if let simplified = source.simplifiedLines {
                // Keys of the simplified scalars, at the bytes of the written scalars of the same index.
                let read = index < simplified.count ? SourceText.scalars(simplified[index]) : []
                original = Self.wellFormed(original)
                guard let starts = SourceText.scalarStarts(original), starts.count == read.count + 1 else { nextLine = endLine; return false }
                SourceText.forEachKey(read) { scalar, offset in
                    keys.append(Key(scalar: scalar, line: lineIndex, start: starts[offset], end: starts[offset + 1]))
                }
            } else if !Self.appendKeys(of: original, line: lineIndex, to: &keys) {
                original = Self.wellFormed(original)
                _ = Self.appendKeys(of: original, line: lineIndex, to: &keys)   // well-formed now: appended
            }
            nextLine += 1
            lines.append(original)
            return true
        }

        /// Appends the keys of a line's UTF-8, written to scratch first, then appended at once;
        /// false, with none appended, if the bytes are not well-formed.
        private static func appendKeys(of line: ArraySlice<UInt8>, line lineIndex: Int32, to keys: inout [Key]) -> Bool {
            withUnsafeTemporaryAllocation(of: Key.self, capacity: max(line.count, 1)) { scratch in
                var count = 0
                let valid = line.withUnsafeBufferPointer { bytes in
                    SourceText.forEachKey(bytes) { scalar, start, end in
                        scratch[count] = Key(scalar: scalar, line: lineIndex, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end))
                        count += 1
                    }
                }
                if valid { keys.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count])) }
                return valid
            }
        }

        /// The bytes with those that are not well-formed UTF-8 replaced by U+FFFD, as
        /// `String(decoding:)` replaces them.
        private static func wellFormed(_ utf8: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            ArraySlice(Array(String(decoding: utf8, as: UTF8.self).utf8))
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

    /// `forEachKey` of a UTF-8 line, with the bytes of each scalar (`start..<end`); false,
    /// part way, at the first byte that is not well-formed.
    @inline(__always)
    static func forEachKey(_ line: UnsafeBufferPointer<UInt8>, _ body: (Unicode.Scalar, Int, Int) -> Void) -> Bool {
        var offset = 0
        while offset < line.count {
            let lead = line[offset]
            if lead < 0x80 {
                if lead == UInt8(ascii: "["), startsBookmark(line, at: offset),
                   let close = line[offset...].firstIndex(of: UInt8(ascii: "]")) {
                    offset = close + 1
                    continue
                }
                if !TextFolding.isSpace(Unicode.Scalar(lead)) { body(Unicode.Scalar(lead), offset, offset + 1) }
                offset += 1
                continue
            }
            let scalar: Unicode.Scalar, length: Int
            if let common = WellFormedUTF8.commonThreeByteScalar(in: line, at: offset) {
                (scalar, length) = (common, 3)
            } else {
                guard let decoded = WellFormedUTF8.multiByteScalar(in: line, at: offset) else { return false }
                (scalar, length) = decoded
            }
            if let folded = TextFolding.fold(scalar), !TextFolding.isSpace(folded) { body(folded, offset, offset + length) }
            offset += length
        }
        return true
    }

    @inline(__always)
    static func startsBookmark(_ line: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset + bookmarkBytes.count <= line.count else { return false }
        for index in 1..<bookmarkBytes.count where line[offset + index] != bookmarkBytes[index] { return false }
        return true
    }

    /// The byte offset of each scalar of well-formed UTF-8, and its length last; nil if the
    /// bytes are not well-formed.
    static func scalarStarts(_ utf8: ArraySlice<UInt8>) -> [Int32]? {
        var starts: [Int32] = []
        starts.reserveCapacity(utf8.count + 1)
        let valid = utf8.withUnsafeBufferPointer { line in
            var offset = 0
            while offset < line.count {
                starts.append(Int32(truncatingIfNeeded: offset))
                if line[offset] < 0x80 { offset += 1; continue }
                guard let (_, length) = WellFormedUTF8.multiByteScalar(in: line, at: offset) else { return false }
                offset += length
            }
            starts.append(Int32(truncatingIfNeeded: line.count))
            return true
        }
        return valid ? starts : nil
    }

    /// Whether the written bytes between two quoted scalars are only spaces (kept in the
    /// quote) rather than an artifact the reader dropped (left out of it).
    static func onlySpaces(_ line: ArraySlice<UInt8>, _ between: Range<Int>) -> Bool {
        let bytes = line[(line.startIndex + between.lowerBound)..<(line.startIndex + between.upperBound)]
        guard let scalars = TextFolding.scalarsOfValidUTF8(bytes) else { return false }
        return scalars.allSatisfy { TextFolding.fold($0).map(TextFolding.isSpace) ?? true }
    }

    static let bookmarkOpen = Array("[bookmark:".unicodeScalars)
    static let bookmarkBytes = Array("[bookmark:".utf8)

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
