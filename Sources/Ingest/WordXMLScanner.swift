import Foundation

/// A reader of word/document.xml over its UTF-8 bytes, for the XML that Word and its kin
/// write: XMLParser spent most of a .docx's reading time making a String of every element
/// name and a dictionary of every element's attributes. Element names are compared as bytes
/// and only the text of `w:t` and a few `w:val` attributes become Strings.
///
/// It takes a deliberately narrow subset of XML 1.0 (UTF-8, ASCII names, the five predefined
/// entities and character references, namespace prefixes declared before use) and checks it
/// as strictly as libxml2 does or more. Anything else — a comment, CDATA, a DOCTYPE, a `\r`
/// in text, an error, a part cut short — is `.unsupported`: the caller then reads the part
/// with XMLParser from the start, which stays the judge of what is well-formed and says why.
struct WordXMLScanner {
    enum Outcome { case finished, unsupported }
    private struct Unsupported: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    private let builder: WordprocessingBuilder
    /// Each open element's name (start and length in `bytes`) and kind, innermost last.
    private var open: [(start: Int, count: Int, element: WordElement)] = []
    /// Namespace prefixes in scope (`xmlns:p`), with the depth of the element declaring them.
    private var prefixes: [(start: Int, count: Int, depth: Int)] = []
    /// The prefix last found in `prefixes`: nearly every element uses `w:`.
    private var lastPrefix = -1
    /// The current start tag's attribute names (start, length, length of the prefix or -1),
    /// namespace declarations (`xmlns:p`) among them.
    private var attributes: [(start: Int, count: Int, colon: Int, declares: Bool)] = []

    // Bounds well inside libxml2's own (names 50 000 bytes, depth 256, a start tag held
    // whole below 10 MB), so that nothing taken here is refused there for its size.
    private static let maxName = 1_000, maxDepth = 200, maxValue = 1 << 16, maxTag = 1 << 20

    static func scan(_ document: Data, into builder: WordprocessingBuilder) -> Outcome {
        document.withUnsafeBytes { raw in
            var scanner = WordXMLScanner(bytes: raw.bindMemory(to: UInt8.self), builder: builder)
            do { try scanner.run() } catch { return .unsupported }
            return .finished
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, builder: WordprocessingBuilder) {
        self.bytes = bytes; self.builder = builder
    }

    /// The byte at `index`, 0 past the end (0 is no XML character, so it always stops a scan).
    @inline(__always) private func byte(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    private mutating func run() throws {
        try prolog()
        try startTag()
        while !open.isEmpty && !builder.exceeded {
            if byte(at) != UInt8(ascii: "<") { try text(); continue }
            switch byte(at + 1) {
            case UInt8(ascii: "/"): try endTag()
            case UInt8(ascii: "!"), UInt8(ascii: "?"): throw Unsupported()   // comment, CDATA, PI
            default: try startTag()
            }
        }
        if builder.exceeded { return }
        skipSpace()
        guard at == bytes.count else { throw Unsupported() }
    }

    // MARK: Prolog

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` (a BOM before it allowed),
    /// then white space up to the root element.
    private mutating func prolog() throws {
        if byte(0) == 0xEF, byte(1) == 0xBB, byte(2) == 0xBF { at = 3 }
        try expect("<?xml")
        guard skipSpace(), try declaration("version") == "1.0" else { throw Unsupported() }
        var spaced = skipSpace()
        if spaced, byte(at) == UInt8(ascii: "e") {
            guard try declaration("encoding").lowercased() == "utf-8" else { throw Unsupported() }
            spaced = skipSpace()
        }
        if spaced, byte(at) == UInt8(ascii: "s") {
            let standalone = try declaration("standalone")
            guard standalone == "yes" || standalone == "no" else { throw Unsupported() }
            skipSpace()
        }
        try expect("?>")
        skipSpace()
    }

    /// One pseudo-attribute of the XML declaration: its value.
    private mutating func declaration(_ name: StaticString) throws -> String {
        try expect(name)
        skipSpace()
        try expect("=")
        skipSpace()
        let quote = byte(at)
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw Unsupported() }
        let start = at + 1
        var end = start
        while byte(end) != quote {
            guard Self.isNameByte(byte(end)) else { throw Unsupported() }
            end += 1
        }
        at = end + 1
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    private mutating func expect(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard at + count <= bytes.count, memcmp(bytes.baseAddress! + at, literal.utf8Start, count) == 0 else { throw Unsupported() }
        at += count
    }

    // MARK: Tags

    /// `<name attributes>` or `<name attributes/>`, at `<`.
    private mutating func startTag() throws {
        let tagStart = at
        guard byte(at) == UInt8(ascii: "<") else { throw Unsupported() }
        at += 1
        let (nameStart, nameCount, nameColon) = try qualifiedName()
        let element = WordElement(UnsafeBufferPointer(rebasing: bytes[nameStart..<nameStart + nameCount]))
        let depth = open.count + 1
        guard depth <= Self.maxDepth else { throw Unsupported() }
        attributes.removeAll(keepingCapacity: true)
        var value: String?
        var selfClosing = false
        while true {
            let spaced = skipSpace()
            let next = byte(at)
            if next == UInt8(ascii: ">") { at += 1; break }
            if next == UInt8(ascii: "/") {
                guard byte(at + 1) == UInt8(ascii: ">") else { throw Unsupported() }
                at += 2; selfClosing = true; break
            }
            // Attributes are separated by white space: `a="1"b="2"` is an error.
            guard spaced else { throw Unsupported() }
            let read = try attribute(depth: depth, wantsValue: element.readsValue)
            if let read { value = read }
        }
        guard at - tagStart <= Self.maxTag else { throw Unsupported() }
        // Prefixes are checked once the tag's own declarations are known.
        if nameColon >= 0 { try requireDeclared(nameStart, nameColon, element: true) }
        for name in attributes where name.colon >= 0 && !name.declares { try requireDeclared(name.start, name.colon, element: false) }
        open.append((nameStart, nameCount, element))
        builder.start(element, value: value)
        if selfClosing { close() }
    }

    /// `</name>`, at `<`: the name must be the open element's.
    private mutating func endTag() throws {
        guard let (start, count, _) = open.last else { throw Unsupported() }
        at += 2
        guard at + count <= bytes.count, memcmp(bytes.baseAddress! + at, bytes.baseAddress! + start, count) == 0,
              !Self.isNameByte(byte(at + count)) else { throw Unsupported() }
        at += count
        skipSpace()
        guard byte(at) == UInt8(ascii: ">") else { throw Unsupported() }
        at += 1
        close()
    }

    private mutating func close() {
        let element = open.removeLast().element
        while let last = prefixes.last, last.depth > open.count { prefixes.removeLast() }
        if lastPrefix >= prefixes.count { lastPrefix = -1 }
        builder.end(element)
    }

    /// `name="value"` (or single quotes) after white space. Returns the value of `w:val`
    /// when `wantsValue`, records namespace declarations, and refuses a repeated name.
    private mutating func attribute(depth: Int, wantsValue: Bool) throws -> String? {
        let (start, count, colon) = try qualifiedName()
        skipSpace()
        guard byte(at) == UInt8(ascii: "=") else { throw Unsupported() }
        at += 1
        skipSpace()
        let quote = byte(at)
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw Unsupported() }
        at += 1
        let valueStart = at
        var plain = true   // no entity and no TAB or LF to normalize
        while true {
            let next = byte(at)
            if next == quote { break }
            switch next {
            case UInt8(ascii: "<"): throw Unsupported()
            case UInt8(ascii: "&"): _ = try reference(); plain = false
            case 0x09, 0x0A: at += 1; plain = false
            case ..<0x20: throw Unsupported()   // `\r`, control characters, the end of the part
            case 0x80...: at += try Self.sequenceLength(bytes, at)
            default: at += 1
            }
        }
        let valueRange = valueStart..<at
        at += 1
        guard valueRange.count <= Self.maxValue else { throw Unsupported() }
        try checkUnique(start, count, colon)
        let name = UnsafeBufferPointer(rebasing: bytes[start..<start + count])
        let declares = Self.equals(name, "xmlns") || (colon == 5 && Self.equals(UnsafeBufferPointer(rebasing: name[..<5]), "xmlns"))
        attributes.append((start, count, colon, declares))
        if declares {
            try declare(prefix: colon < 0 ? nil : (start + 6, count - 6), uri: valueRange, depth: depth)
            return nil
        }
        if colon == 3, Self.equals(UnsafeBufferPointer(rebasing: name[..<3]), "xml") { try checkXMLAttribute(name, valueRange) }
        guard wantsValue, Self.equals(name, "w:val") else { return nil }
        return plain ? String(decoding: UnsafeBufferPointer(rebasing: bytes[valueRange]), as: UTF8.self) : try normalized(valueRange)
    }

    /// An attribute value with references decoded and TAB or LF as a space (XML 1.0 §3.3.3).
    private mutating func normalized(_ range: Range<Int>) throws -> String {
        var out: [UInt8] = []
        let end = at
        at = range.lowerBound
        while at < range.upperBound {
            switch bytes[at] {
            case UInt8(ascii: "&"): Self.appendUTF8(try reference(), to: &out)
            case 0x09, 0x0A: out.append(UInt8(ascii: " ")); at += 1
            case let other: out.append(other); at += 1
            }
        }
        at = end
        return String(decoding: out, as: UTF8.self)
    }

    /// `xml:space` must say `default` or `preserve`; other `xml:` attributes are left to libxml2.
    private func checkXMLAttribute(_ name: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) throws {
        let text = UnsafeBufferPointer(rebasing: bytes[value])
        guard Self.equals(name, "xml:space"), Self.equals(text, "preserve") || Self.equals(text, "default") else { throw Unsupported() }
    }

    /// No two attributes of a tag with the same name, nor with the same local name under two
    /// prefixes (which may name one namespace: libxml2 refuses that too).
    private func checkUnique(_ start: Int, _ count: Int, _ colon: Int) throws {
        let local = colon + 1
        for other in attributes {
            let otherLocal = other.colon + 1
            guard other.count - otherLocal == count - local,
                  memcmp(bytes.baseAddress! + other.start + otherLocal, bytes.baseAddress! + start + local, count - local) == 0 else { continue }
            throw Unsupported()
        }
    }

    // MARK: Namespaces

    /// `xmlns:p="uri"` (or the default `xmlns="uri"`): only an absolute http(s) or urn URI of
    /// plain characters, as Office writes; libxml2 warns of others, which are left to it.
    private mutating func declare(prefix: (start: Int, count: Int)?, uri: Range<Int>, depth: Int) throws {
        let text = UnsafeBufferPointer(rebasing: bytes[uri])
        guard Self.hasPrefix(text, "http://") || Self.hasPrefix(text, "https://") || Self.hasPrefix(text, "urn:"),
              text.allSatisfy(Self.isURIByte) else { throw Unsupported() }
        guard let prefix else { return }
        let name = UnsafeBufferPointer(rebasing: bytes[prefix.start..<prefix.start + prefix.count])
        guard !name.isEmpty, !Self.hasPrefix(name, "xml") else { throw Unsupported() }   // xml, xmlns and kin are reserved
        prefixes.append((prefix.start, prefix.count, depth))
    }

    /// The prefix `bytes[start..<start + count]` must be declared in scope (`xml` for attributes).
    private mutating func requireDeclared(_ start: Int, _ count: Int, element: Bool) throws {
        if lastPrefix >= 0, samePrefix(prefixes[lastPrefix], start, count) { return }
        if let found = prefixes.lastIndex(where: { samePrefix($0, start, count) }) { lastPrefix = found; return }
        let name = UnsafeBufferPointer(rebasing: bytes[start..<start + count])
        guard !element, Self.equals(name, "xml") else { throw Unsupported() }
    }

    private func samePrefix(_ declared: (start: Int, count: Int, depth: Int), _ start: Int, _ count: Int) -> Bool {
        declared.count == count && memcmp(bytes.baseAddress! + declared.start, bytes.baseAddress! + start, count) == 0
    }

    // MARK: Names

    /// An ASCII name with at most one colon inside: (start, length, length of the prefix or -1).
    private mutating func qualifiedName() throws -> (Int, Int, Int) {
        let start = at
        var colon = -1
        guard Self.isNameStart(byte(at)) else { throw Unsupported() }
        at += 1
        while true {
            let next = byte(at)
            if Self.isNameByte(next) { at += 1; continue }
            guard next == UInt8(ascii: ":"), colon < 0, Self.isNameStart(byte(at + 1)) else { break }
            colon = at - start
            at += 2
        }
        guard at - start <= Self.maxName else { throw Unsupported() }
        return (start, at - start, colon)
    }

    // MARK: Text

    /// Character data up to the next `<`, with references decoded; given to the builder only
    /// inside a `w:t`.
    private mutating func text() throws {
        let keep = builder.collectsText
        let start = at
        var run = at   // start of the bytes not yet given to the builder
        while true {
            let next = byte(at)
            switch next {
            case UInt8(ascii: "<"):
                if keep { give(run..<at) }
                return
            case UInt8(ascii: "&"):
                if keep { give(run..<at) }
                let scalar = try reference()
                if keep { var utf8: [UInt8] = []; Self.appendUTF8(scalar, to: &utf8); utf8.withUnsafeBufferPointer { builder.characters($0) } }
                run = at
            case UInt8(ascii: ">"):
                // `]]>` may not appear in text.
                if at - start >= 2, bytes[at - 1] == UInt8(ascii: "]"), bytes[at - 2] == UInt8(ascii: "]") { throw Unsupported() }
                at += 1
            case 0x09, 0x0A: at += 1
            case ..<0x20: throw Unsupported()   // `\r` (left to libxml2's line-end handling), controls, the end
            case 0x80...: at += try Self.sequenceLength(bytes, at)
            default: at += 1
            }
        }
    }

    private func give(_ range: Range<Int>) {
        if !range.isEmpty { builder.characters(UnsafeBufferPointer(rebasing: bytes[range])) }
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#N;` `&#xH;`, at `&`: the character meant.
    private mutating func reference() throws -> UInt32 {
        at += 1
        if byte(at) == UInt8(ascii: "#") {
            at += 1
            let hex = byte(at) == UInt8(ascii: "x")
            if hex { at += 1 }
            var value: UInt32 = 0, digits = 0
            while let digit = Self.digit(byte(at), hex: hex) {
                value = value * (hex ? 16 : 10) + digit
                digits += 1; at += 1
                guard digits <= 7 else { throw Unsupported() }
            }
            guard digits > 0, byte(at) == UInt8(ascii: ";"), Self.isXMLChar(value) else { throw Unsupported() }
            at += 1
            return value
        }
        for (name, scalar) in Self.predefined where at + name.count <= bytes.count
            && memcmp(bytes.baseAddress! + at, name, name.count) == 0 {
            at += name.count
            return scalar
        }
        throw Unsupported()   // an entity no DTD here declares
    }

    private static let predefined: [([UInt8], UInt32)] = [
        (Array("amp;".utf8), 0x26), (Array("lt;".utf8), 0x3C), (Array("gt;".utf8), 0x3E),
        (Array("quot;".utf8), 0x22), (Array("apos;".utf8), 0x27),
    ]

    // MARK: Bytes

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = at
        while true {
            switch byte(at) {
            case 0x20, 0x09, 0x0A, 0x0D: at += 1
            default: return at > start
            }
        }
    }

    /// Length of the UTF-8 sequence of a non-ASCII character at `index`; refuses malformed
    /// UTF-8 (overlong, surrogates, past U+10FFFF) and U+FFFE, U+FFFF, which XML excludes.
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) throws -> Int {
        func byte(_ offset: Int) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }
        func continuation(_ value: UInt8, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool { value >= low && value <= high }
        let lead = byte(0)
        switch lead {
        case 0xC2...0xDF:
            guard continuation(byte(1)) else { throw Unsupported() }
            return 2
        case 0xE0...0xEF:
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80, high: UInt8 = lead == 0xED ? 0x9F : 0xBF
            guard continuation(byte(1), low, high), continuation(byte(2)),
                  !(lead == 0xEF && byte(1) == 0xBF && byte(2) >= 0xBE) else { throw Unsupported() }
            return 3
        case 0xF0...0xF4:
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80, high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            guard continuation(byte(1), low, high), continuation(byte(2)), continuation(byte(3)) else { throw Unsupported() }
            return 4
        default: throw Unsupported()
        }
    }

    /// XML 1.0's Char production.
    static func isXMLChar(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    static func appendUTF8(_ value: UInt32, to out: inout [UInt8]) {
        out.append(contentsOf: Unicode.Scalar(value).map { Array(String($0).utf8) } ?? [])
    }

    static func digit(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    static func isURIByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "#")
    }

    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count >= literal.utf8CodeUnitCount && memcmp(bytes.baseAddress!, literal.utf8Start, literal.utf8CodeUnitCount) == 0
    }
}
