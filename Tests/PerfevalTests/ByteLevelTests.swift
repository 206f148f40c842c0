import XCTest
@testable import CSVKit
@testable import PerfevalCore
@testable import Ingest
@testable import Pipeline

/// The byte-level readers checked against the scalar forms they replace.
final class ByteLevelTests: XCTestCase {
    // MARK: folded lines

    /// The scalar reading of a line: folded, `[bookmark: …]` removed, then pinyin removed.
    static func referenceLine(_ bytes: ArraySlice<UInt8>) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        if let folded = TextFolding.foldedValidUTF8(bytes) {
            scalars = folded
        } else {
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                if let folded = TextFolding.fold(scalar) { scalars.append(folded) }
            }
        }
        return referencePinyin(referenceBookmarks(scalars))
    }

    static func referenceBookmarks(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let open = Array("[bookmark:".unicodeScalars)
        guard var start = scalars.firstIndex(of: open) else { return scalars }
        var out: [Unicode.Scalar] = []
        var cursor = 0
        while true {
            guard let close = scalars[start...].firstIndex(of: "]") else { break }
            out.append(contentsOf: scalars[cursor..<start])
            cursor = close + 1
            guard let next = scalars.firstIndex(of: open, from: cursor) else { break }
            start = next
        }
        out.append(contentsOf: scalars[cursor...])
        return out
    }

    static func referencePinyin(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let letters = Set("abcdefghijklmnopqrstuvwxyzüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ".unicodeScalars)
        var out: [Unicode.Scalar] = []
        var index = 0
        while index < scalars.count {
            if scalars[index] == "(", let last = out.last, TextFolding.isHan(last) {
                var end = index + 1
                while end < scalars.count, letters.contains(scalars[end]) { end += 1 }
                if end < scalars.count, scalars[end] == ")", end > index + 1, end - index <= 8 { index = end + 1; continue }
            }
            out.append(scalars[index])
            index += 1
        }
        return out
    }

    /// Lines split at LF (a CR before it dropped), the empty piece after a final LF left out.
    static func referenceLines(_ utf8: [UInt8]) -> [[Unicode.Scalar]] {
        var lines: [[Unicode.Scalar]] = []
        var start = 0
        while start < utf8.count {
            let lineFeed = utf8[start...].firstIndex(of: 10) ?? utf8.count
            let end = lineFeed > start && utf8[lineFeed - 1] == 13 ? lineFeed - 1 : lineFeed
            lines.append(referenceLine(utf8[start..<end]))
            start = lineFeed + 1
        }
        return lines
    }

    func assertFoldsAsScalars(_ utf8: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let folded = FoldedLines(utf8)
        XCTAssertEqual(folded.scalarLines.map(\.scalars), Self.referenceLines(utf8), "\(utf8)", file: file, line: line)
    }

    func testFoldedLinesMatchTheScalarReading() {
        let texts = [
            "", "\n", "\n\n", "a", "a\n", "a\r\nb\r\n", "a\rb\n", "\r", "\r\n",
            "\t项目名称\n\t某单位\t\t１２３．５\n",
            "全年　预算数\u{00A0}（万元）\u{200B}：　100\u{FEFF}",
            "项(xiàng)目(mù)资金", "项(xiang)(mu)目", "项(abcdefgh)目", "项(abcdefg)目", "项()目", "a(xiang)b", "项（ｘｉａｎｇ）目",
            "项(xiàng", "(xiang)项", "项 (xiang)", "项(XIANG)目", "项(ǖǘǚǜ)目",
            "4、 [bookmark: _GoBack]支出情况", "[bookmark: a][bookmark: b]文字[bookmark: c", "［ｂｏｏｋｍａｒｋ： x］文字", "[bookmark:", "]]",
            "𠀀扩展字符\u{10FFFF}", "ｅｍ\u{2003}ｓｐａｃｅ\u{202F}\u{205F}", "一、二。\u{3000}三〇〿㐀", "！～｟＀｠ｚ［］（）",
        ]
        for text in texts { assertFoldsAsScalars(Array(text.utf8)) }
        // Bytes that are not well-formed UTF-8: each line is read with U+FFFD replacements.
        let invalid: [[UInt8]] = [
            [0x80], [0xE4, 0xB8], [0xE4, 0xB8, 0x41], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xC0, 0xAF, 0x0A, 0xE4, 0xB8, 0x80], [0xFF, 0xFE, 0x28, 0x78, 0x29], Array("项(".utf8) + [0xFF] + Array("x)".utf8),
            Array("[bookmark: ".utf8) + [0xC3] + Array("]项(a)".utf8), [0xF0, 0x9F, 0x98], [0xE4, 0xB8, 0x80, 0x0D],
        ]
        for bytes in invalid { assertFoldsAsScalars(bytes) }
    }

    func testFoldedLinesMatchOnRandomBytes() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [Array("项".utf8), Array("（".utf8), Array("(".utf8), Array(")".utf8), Array("x".utf8), Array("à".utf8),
                                 Array("[bookmark: ".utf8), Array("]".utf8), Array("　".utf8), Array("\u{200B}".utf8), [10], [13], [9],
                                 [0x80], [0xE4], [0xED, 0xA0], Array("１".utf8), Array("𠀀".utf8), Array("、".utf8), Array("＀".utf8),
                                 Array("｟".utf8), Array("～".utf8), [0xEF, 0xBC], [0xE3, 0x80],
                                 // Pairs of three-byte scalars at the ends of the range read two at a time (leads E4…EC).
                                 Array("项目".utf8), Array("\u{4000}\u{CFFF}".utf8), Array("\u{3FFF}\u{D000}".utf8), Array("\u{D7FB}".utf8)]
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<24, using: &generator) { bytes += pieces.randomElement(using: &generator)! }
            assertFoldsAsScalars(bytes)
        }
    }

    func testSourceLinesTakenFromTheFoldedLines() {
        for text in ["", "\n", "a", "a\n", "a\r\nb", "a\r\nb\r\n", "\r", "a\rb\n\n", "项目\n\t预算\n"] {
            let utf8 = Array(text.utf8)
            XCTAssertEqual(FoldedLines(utf8).sourceRanges(of: utf8), SourceText.Lines(utf8).ranges, text.debugDescription)
        }
    }

    func testLayoutColumnsCountedOnBytes() {
        for text in ["a  b  c", "  a  b ", "项目  预算   执行", "a b c", "\ta  b", "ａ  ｂ", "", "   ", "a  ", "a  b  c  ", " a b  c  d", "a  b  c d"] {
            let line = FoldedLines(Array(text.utf8))
            let scalars = line.scalarLines.first?.scalars ?? []
            let range = line.ranges.first ?? 0..<0
            let count = line.bytes.withUnsafeBufferPointer { PipeText.columnCount(UnsafeBufferPointer(rebasing: $0[range])) }
            XCTAssertEqual(count, PipeText.columns(scalars).count, text)
            let isRow = line.bytes.withUnsafeBufferPointer { PipeText.isLayoutRow(UnsafeBufferPointer(rebasing: $0[range])) }
            XCTAssertEqual(isRow, count >= 3, text)
        }
    }

    // MARK: strings, CSV, decoding

    func testWellFormedUTF8MakesTheSameString() {
        for text in ["", "a", "项目支出绩效", "短", String(repeating: "预算", count: 40), "𠀀\u{10FFFF}é"] {
            let bytes = Array(text.utf8)
            let made = bytes.withUnsafeBufferPointer { String(wellFormedUTF8: $0) }
            XCTAssertEqual(made, text)
            XCTAssertEqual(Array(made.utf8), bytes)
            XCTAssertEqual(Array(text.unicodeScalars)[...].string, text)
        }
    }

    /// Every lead and second byte, with third and fourth bytes on and around the
    /// continuation range and cut short: the same answer as the standard library's decoder.
    func testMultiByteSequencesCheckedAsTheStandardLibraryDoes() {
        let laterBytes: [UInt8] = [0x41, 0x80, 0xBF, 0xC0]
        var decoded = 0, mismatches: [[UInt8]] = []
        for lead in UInt8(0x80)...0xFF {
            for second in UInt8(0)...0xFF {
                for third in laterBytes {
                    for fourth in laterBytes {
                        for count in 1...4 {
                            let bytes = Array([lead, second, third, fourth].prefix(count))
                            var iterator = bytes.makeIterator()
                            var decoder = UTF8()
                            var expected: (scalar: Unicode.Scalar, length: Int)?
                            if case .scalarValue(let scalar) = decoder.decode(&iterator) { expected = (scalar, scalar.utf8.count) }
                            let found = bytes.withUnsafeBufferPointer { WellFormedUTF8.multiByteScalar(in: $0, at: 0) }
                            if found?.scalar != expected?.scalar || found?.length != expected?.length { mismatches.append(bytes) }
                            if found != nil { decoded += 1 }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(mismatches.prefix(5), [])
        XCTAssertGreaterThan(decoded, 0)
    }

    func testFieldsQuotedWhereTheyNeedIt() {
        var generator = SystemRandomNumberGenerator()
        let bytes: [UInt8] = [0x2C, 0x22, 10, 13, 0x20, 0x2B, 0x2D, 0x41, 0xE4, 0xB8, 0x80, 0x30]
        for _ in 0..<2_000 {
            var field: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<20, using: &generator) { field.append(bytes.randomElement(using: &generator)!) }
            let expected = field.contains { $0 == 0x2C || $0 == 0x22 || $0 == 10 || $0 == 13 }
            XCTAssertEqual(field.withUnsafeBufferPointer { CSV.needsQuotes($0) }, expected, "\(field)")
        }
    }

    func testUTF8CheckedFourBytesAtATime() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [Array("项".utf8), Array("a".utf8), Array("é".utf8), Array("𠀀".utf8), [0x80], [0xE4, 0xB8], [0xFF], [0xE0, 0x80, 0x80]]
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<12, using: &generator) { bytes += pieces.randomElement(using: &generator)! }
            XCTAssertEqual(String(describing: TextDecoder.firstMalformed(bytes)), String(describing: Self.referenceMalformed(bytes)), "\(bytes)")
        }
    }

    func testOneScanFindsWhatTheBinaryCheckAndTheUTF8CheckFind() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [Array("项目".utf8), Array("abcdefgh".utf8), [0x01], [0x00], [0x09, 0x0A], [0x1B, 0x41], Array("é".utf8),
                                 [0x80], [0xE4, 0xB8], [0xFF], Array("预算执行率".utf8)]
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<14, using: &generator) { bytes += pieces.randomElement(using: &generator)! }
            let sampleCount = Int.random(in: 0...bytes.count, using: &generator)
            let sample = Array(bytes[..<sampleCount])
            let expectedNUL = sample.contains(0)
            let expectedControls = sample.filter { $0 < 32 && ![0, 9, 10, 12, 13].contains($0) }.count
            do {
                let scanned = try bytes.withUnsafeBufferPointer { try TextDecoder.scan($0, sampleCount: sampleCount) }
                XCTAssertFalse(expectedNUL, "\(bytes) \(sampleCount)")
                XCTAssertEqual(scanned.controls, expectedControls, "\(bytes) \(sampleCount)")
                XCTAssertEqual(String(describing: scanned.malformed), String(describing: Self.referenceMalformed(bytes)), "\(bytes)")
            } catch {
                XCTAssertTrue(expectedNUL, "\(bytes) \(sampleCount)")
            }
        }
    }

    /// `firstMalformed` one byte at a time.
    static func referenceMalformed(_ bytes: [UInt8]) -> TextDecoder.Malformed? {
        var index = 0
        while index < bytes.count {
            let length: Int
            switch bytes[index] {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return .invalidLead(index)
            }
            if index + length > bytes.count {
                return bytes[(index + 1)...].allSatisfy { $0 & 0xC0 == 0x80 } ? .truncated(index) : .invalid(index)
            }
            for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return .invalid(index) }
            index += length
        }
        return nil
    }

    func testControlBytesFoundEightAtATime() {
        XCTAssertThrowsError(try TextDecoder.rejectBinary(Array(repeating: 0x41, count: 13) + [0]))
        XCTAssertNoThrow(try TextDecoder.rejectBinary(Array("项目\t\n\r\u{0C}预算".utf8)))
        XCTAssertThrowsError(try TextDecoder.rejectBinary(Array(repeating: 1, count: 9) + Array(repeating: 0x41, count: 100)))
        XCTAssertNoThrow(try TextDecoder.rejectBinary(Array(repeating: 1, count: 5) + Array(repeating: 0x41, count: 100)))
    }

    // MARK: noise

    func testNoiseFoundWhereverTheFullMatchFindsIt() throws {
        let filter = try NoiseFilter(rows: [["kind", "phrase"], ["furniture", "第#页"], ["spam", "加微信"], ["furniture", "上传时间"], ["furniture", "8号页"]])
        let texts = ["第3页", "第 12 页", "加 微信", "上传　时间", "联系138 0000 0000", "电话4001234567", "第三页", "上传", "加微", "预算1234567890元",
                     "某某项目", "", "１３８００００００００", "共18号页", "8号", "第", "123456789第5页", "12345678901"]
        func mayHoldNoise(_ text: String) -> Bool {
            var may = false
            TextFolding.withCompacted(text) { may = filter.mayHoldNoise($0) }
            return may
        }
        for text in texts {
            var found = false
            TextFolding.withCompacted(text) { found = !filter.matches(in: $0).isEmpty }
            if found { XCTAssertTrue(mayHoldNoise(text), text) }
        }
        XCTAssertFalse(mayHoldNoise("某某项目预算执行"))
    }

    // MARK: comparative rows

    func testCategoryCellsSplitAsCharacters() {
        for cell in ["", "a", "a;b", ";a;;b;", "budget_preparation;other", "类别;其他", "a;\u{301}b"] {
            XCTAssertEqual(AggregateRun.categories(cell), cell.split(separator: ";").map(String.init), cell)
        }
    }
}
