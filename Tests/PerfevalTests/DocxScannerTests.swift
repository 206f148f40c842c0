import XCTest
import Foundation
@testable import Ingest
import ZIPFoundation

/// word/document.xml read by the byte scanner and by XMLParser alone gives the same blocks
/// and text, or the same rejection, for the fixtures and for variants of one (damaged,
/// unusual, hostile); `taken` says whether the scanner reads the variant itself or leaves
/// it to XMLParser.
final class DocxScannerTests: XCTestCase {
    struct Parts { var document: [UInt8]; var numbering: Data?; var styles: Data? }

    func parts(_ path: String) throws -> Parts {
        let archive = try ZIPFoundationArchive(data: Data(contentsOf: Paths.fixtures.appendingPathComponent(path)), accessMode: .read)
        func part(_ name: String) throws -> Data? {
            guard let entry = archive[name] else { return nil }
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return data
        }
        return Parts(document: Array(try part("word/document.xml")!), numbering: try part("word/numbering.xml"), styles: try part("word/styles.xml"))
    }

    func outcome(_ parts: Parts, maxElements: Int, scanning: Bool) -> String {
        do {
            return String(describing: try DocxReader.read(document: Data(parts.document), numbering: parts.numbering, styles: parts.styles,
                                                          maxElements: maxElements, scanning: scanning))
        } catch { return "rejected: \(error)" }
    }

    func assertAlike(_ parts: Parts, taken: Bool, maxElements: Int = Limits.standard.maxElements, _ name: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcome(parts, maxElements: maxElements, scanning: true), outcome(parts, maxElements: maxElements, scanning: false), name, file: file, line: line)
        let builder = WordprocessingBuilder(numbering: NumberingDefinitions(xml: nil, styles: nil), maxElements: maxElements)
        XCTAssertEqual(WordXMLScanner.scan(Data(parts.document), into: builder) == .finished, taken, "\(name) taken by the scanner", file: file, line: line)
    }

    func testFixturesAreReadAlike() throws {
        let folder = Paths.fixtures.appendingPathComponent("docx")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            assertAlike(try parts("docx/\(name)"), taken: true, name)
        }
        assertAlike(try parts("traditional/000_d5715af45698640f.docx"), taken: true, "traditional")
        assertAlike(try parts("docx/000_d5715af45698640f.docx"), taken: true, maxElements: 10, "past the element limit")
    }

    /// Variants of fixture 000: (name, edit of document.xml, taken by the scanner).
    static let paragraph = "<w:p><w:r>"
    static let variants: [(String, (String) -> String, Bool)] = [
        ("entities", { insert($0, "<w:t>", "&amp;&lt;&gt;&quot;&apos;&#20013;&#x4e2D;&#9;&#10;&#13;") }, true),
        ("white-space runs", { insert($0, paragraph, "<w:t> </w:t><w:t xml:space=\"preserve\">  \t </w:t><w:t>\n</w:t>") }, true),
        ("tabs and breaks", { insert($0, paragraph, "<w:tab/><w:br/><w:cr /><w:t>a\tb</w:t>") }, true),
        ("> in text and attribute", { insert($0, paragraph, "<w:t w:x='a>b'>a>b</w:t>") }, true),
        ("style and span values", { insert($0, "<w:p>", "<w:pPr><w:pStyle w:val=\"a&amp;b\tc\"/><w:numPr><w:ilvl w:val='&#49;'/><w:numId w:val=\"1\"/></w:numPr></w:pPr>") }, true),
        ("local namespace", { insert($0, "<w:body>", "<a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:x a:b=\"1\"/></a:graphic>") }, true),
        ("default namespace", { insert($0, "<w:body>", "<x xmlns=\"http://example.com/x\"><y z=\"1\"/></x>") }, true),
        ("byte-order mark", { "\u{FEFF}" + $0 }, true),
        ("trailing white space", { $0 + "\r\n \n" }, true),
        ("nesting 150 deep", { insert($0, "<w:body>", String(repeating: "<w:x>", count: 150) + String(repeating: "</w:x>", count: 150)) }, true),
        ("truncated", { String($0.utf8.prefix($0.utf8.count / 2))! }, false),
        ("last tag cut", { String($0.utf8.dropLast(3))! }, false),
        ("stray <", { insert($0, "<w:t>", "<") }, false),
        ("undefined entity", { insert($0, "<w:t>", "&foo;") }, false),
        ("bare &", { insert($0, "<w:t>", "a & b") }, false),
        ("char reference to NUL", { insert($0, "<w:t>", "&#0;") }, false),
        ("char reference to a surrogate", { insert($0, "<w:t>", "&#xD800;") }, false),
        ("char reference with X", { insert($0, "<w:t>", "&#X41;") }, false),
        ("CR LF in text", { insert($0, "<w:t>", "a\r\nb\rc") }, false),
        ("comment", { insert($0, "<w:body>", "<!-- a note -->") }, false),
        ("CDATA", { insert($0, "<w:t>", "<![CDATA[x<y]]>") }, false),
        ("processing instruction", { insert($0, "<w:body>", "<?foo bar?>") }, false),
        ("]]> in text", { insert($0, "<w:t>", "a]]>b") }, false),
        ("mismatched end tag", { $0.replacingOccurrences(of: "</w:t>", with: "</w:x>") }, false),
        ("undeclared prefix", { insert($0, "<w:body>", "<x:foo/>") }, false),
        ("duplicate attribute", { insert($0, "<w:body>", "<w:x w:a=\"1\" w:a=\"2\"/>") }, false),
        ("local name twice", { insert($0, "<w:body>", "<w:x w:val=\"1\" w14:val=\"2\"/>") }, false),
        ("attributes unspaced", { insert($0, "<w:body>", "<w:x w:a=\"1\"w:b=\"2\"/>") }, false),
        ("unquoted attribute", { insert($0, "<w:body>", "<w:x w:a=1/>") }, false),
        ("< in attribute", { insert($0, "<w:body>", "<w:x w:a=\"a<b\"/>") }, false),
        ("two colons", { insert($0, "<w:body>", "<w:a:b/>") }, false),
        ("non-ASCII name", { insert($0, "<w:body>", "<w:名/>") }, false),
        ("relative namespace", { insert($0, "<w:body>", "<a:x xmlns:a=\"foo\"/>") }, false),
        ("empty namespace", { insert($0, "<w:body>", "<a:x xmlns:a=\"\"/>") }, false),
        ("xml:space of another value", { insert($0, "<w:body>", "<w:x xml:space=\"keep\"/>") }, false),
        ("xml:lang", { insert($0, "<w:body>", "<w:x xml:lang=\"zh-CN\"/>") }, false),
        ("content after the root", { $0 + "<w:x/>" }, false),
        ("text after the root", { $0 + "x" }, false),
        ("no declaration", { String($0[$0.range(of: "?>")!.upperBound...]) }, false),
        ("GBK declared", { $0.replacingOccurrences(of: "encoding='UTF-8'", with: "encoding='GBK'") }, false),
        ("version 1.1", { $0.replacingOccurrences(of: "version='1.0'", with: "version='1.1'") }, false),
        ("control character", { insert($0, "<w:t>", "\u{1}") }, false),
        ("U+FFFE", { insert($0, "<w:t>", "\u{FFFE}") }, false),
        ("nesting 300 deep", { insert($0, "<w:body>", String(repeating: "<w:x>", count: 300) + String(repeating: "</w:x>", count: 300)) }, false),
        ("huge attribute", { insert($0, "<w:body>", "<w:x w:a=\"" + String(repeating: "abcdefgh", count: 20_000) + "\"/>") }, false),
        ("empty", { _ in "" }, false),
        ("self-closing root", { _ in "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>" }, true),
    ]

    static func insert(_ xml: String, _ after: String, _ text: String) -> String {
        let at = xml.range(of: after)!.upperBound
        return String(xml[..<at]) + text + String(xml[at...])
    }

    func testVariantsAreReadOrRejectedAlike() throws {
        let fixture = try parts("docx/000_d5715af45698640f.docx")
        let xml = String(decoding: fixture.document, as: UTF8.self)
        for (name, edit, taken) in Self.variants {
            var variant = fixture
            variant.document = Array(edit(xml).utf8)
            assertAlike(variant, taken: taken, name)
            // What the scanner takes is a document; what it leaves may be one or not.
            if taken { XCTAssertFalse(outcome(variant, maxElements: Limits.standard.maxElements, scanning: true).hasPrefix("rejected"), name) }
        }
        // Malformed UTF-8: a stray continuation byte, an overlong `/`, a cut sequence.
        for (index, bytes) in [[0x80], [0xC0, 0xAF], [0xE4, 0xB8], [0xFF]].enumerated() {
            var variant = fixture
            variant.document = Array(Self.insert(xml, "<w:t>", "a").utf8)
            let at = Array(xml.utf8).firstRange(of: Array("<w:t>".utf8))!.upperBound
            variant.document.insert(contentsOf: bytes.map(UInt8.init), at: at)
            assertAlike(variant, taken: false, "malformed UTF-8 \(index)")
        }
    }
}
