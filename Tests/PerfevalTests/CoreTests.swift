import XCTest
import PerfevalCore
import CSVKit

final class ExactDecimalTests: XCTestCase {
    func testParsesAndPrintsWithoutFloatingPoint() {
        XCTAssertEqual(ExactDecimal("214.86")?.description, "214.86")
        XCTAssertEqual(ExactDecimal("0.989")?.description, "0.989")
        XCTAssertEqual(ExactDecimal("30.50")?.formatted(decimals: 2), "30.50")
        XCTAssertEqual(ExactDecimal("-3.5")?.description, "-3.5")
        XCTAssertEqual((ExactDecimal("169.19")! + ExactDecimal("21.65")!).description, "190.84")
        XCTAssertNil(ExactDecimal("12a"))
        XCTAssertNil(ExactDecimal(""))
    }

    func testFormattedAtEveryLengthAroundASmallString() {
        // 15 bytes and less fit a small String, longer ones do not: both written the same.
        XCTAssertEqual(ExactDecimal(millionths: -1).formatted(decimals: 6), "-0.000001")
        XCTAssertEqual(ExactDecimal(millionths: 12_345_678_123_456).formatted(decimals: 6), "12345678.123456")
        XCTAssertEqual(ExactDecimal(millionths: -12_345_678_123_456).formatted(decimals: 6), "-12345678.123456")
        XCTAssertEqual(ExactDecimal(millionths: -9_123_456_789_012_345_678).formatted(decimals: 6), "-9123456789012.345678")
        XCTAssertEqual(ExactDecimal(millionths: 9_123_456_789_012_345_678).formatted(decimals: 0), "9123456789012")
        XCTAssertEqual(ExactDecimal(millionths: 0).formatted(decimals: 0), "0")
    }

    func testPercentRoundsHalfAwayFromZero() {
        XCTAssertEqual(ExactDecimal("311.80")!.percent(of: ExactDecimal("340.25")!)?.formatted(decimals: 2), "91.64")
        XCTAssertEqual(ExactDecimal("174.38")!.percent(of: ExactDecimal("174.49")!)?.formatted(decimals: 2), "99.94")
        XCTAssertEqual(ExactDecimal(1).percent(of: ExactDecimal(8))?.formatted(decimals: 2), "12.50")
        XCTAssertEqual(ExactDecimal("0.125")!.rounded(decimals: 2).description, "0.13")
        XCTAssertNil(ExactDecimal(1).percent(of: .zero))
    }

    func testScalingBetweenUnits() {
        XCTAssertEqual(ExactDecimal("12345")!.scaled(byPowerOfTen: -4).description, "1.2345")
        XCTAssertEqual(ExactDecimal("1.5")!.scaled(byPowerOfTen: 4).description, "15000")
    }
}

final class CSVKitTests: XCTestCase {
    func testQuotesOnlyWhenNeededAndRoundTrips() throws {
        var bytes: [UInt8] = []
        CSV.encodeRow(["plain", "a,b", "say \"hi\"", "two\nlines", ""], into: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n")
        XCTAssertEqual(try CSV.parse(bytes), [["plain", "a,b", "say \"hi\"", "two\nlines", ""]])
    }

    /// Fields of eight bytes or more are scanned a word at a time, the last word overlapping:
    /// a special byte anywhere is found.
    func testLongFieldsAreQuotedWhereverTheSpecialByteIs() {
        let plain = "abcdefghijklmnopq"
        for length in 8...plain.utf8.count {
            for position in 0..<length {
                for special in [",", "\"", "\n", "\r"] {
                    var chars = Array(plain.prefix(length)).map(String.init)
                    chars[position] = special
                    var bytes: [UInt8] = []
                    CSV.encodeField(chars.joined(), into: &bytes)
                    XCTAssertEqual(bytes.first, UInt8(ascii: "\""), "\(length) \(position) \(special)")
                }
            }
            var bytes: [UInt8] = []
            CSV.encodeField(String(plain.prefix(length)), into: &bytes)
            XCTAssertEqual(bytes, Array(plain.prefix(length).utf8))
        }
    }

    /// CSV text grows as it is written; `take` hands over exactly the bytes written.
    func testCSVTextGrowsAndHandsOverWhatWasWritten() {
        var text = CSVText(), expected = ""
        for index in 0..<1_000 {
            if index > 0 { text.append(UInt8(ascii: ",")); expected += "," }
            if index % 2 == 0 { text.appendField("f\(index),\"x\""); expected += "\"f\(index),\"\"x\"\"\"" } else { text.appendField("档\(index)"); expected += "档\(index)" }
        }
        XCTAssertEqual(text.count, expected.utf8.count)
        XCTAssertEqual(text.bytes, Array(expected.utf8))
        XCTAssertEqual(text.take(), Array(expected.utf8))
        XCTAssertEqual(text.count, 0)
        text.appendField("")
        Array("ab".utf8).withUnsafeBufferPointer { text.append($0) }
        XCTAssertEqual(text.take(), Array("ab".utf8))
    }

    /// A field with a prefix byte is encoded as the prefix and the field joined.
    func testPrefixedFieldIsEncodedAsOneField() {
        for (prefix, field) in [(UInt8(ascii: "'"), "=1+2"), (UInt8(ascii: "'"), "a,b \"c\""), (UInt8(ascii: ","), "ab"), (UInt8(ascii: "\""), "")] {
            var prefixed = CSVText(), joined: [UInt8] = []
            Array(field.utf8).withUnsafeBufferPointer { prefixed.appendField(utf8: $0, prefix: prefix) }
            CSV.encodeField(String(decoding: [prefix], as: UTF8.self) + field, into: &joined)
            XCTAssertEqual(prefixed.take(), joined, field)
        }
    }

    func testStreamsAFileAcrossChunkBoundaries() throws {
        let url = try Paths.temporaryDirectory().appendingPathComponent("t.csv")
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        CSV.encodeRow(["单位名称", "说明"], into: &bytes)
        CSV.encodeRow(["株洲市,档案馆", "两行\n说明 \"引号\""], into: &bytes)
        try Data(bytes).write(to: url)
        var rows: [[String]] = []
        try CSV.forEachRow(inFile: url.path, chunkSize: 5) { rows.append($0) }
        XCTAssertEqual(rows, [["单位名称", "说明"], ["株洲市,档案馆", "两行\n说明 \"引号\""]])
        XCTAssertThrowsError(try CSV.forEachRow(inFile: "/no/such/file.csv") { _ in })
    }

    func testSkipsBOMAndRejectsUnterminatedQuote() throws {
        XCTAssertEqual(try CSV.parse([0xEF, 0xBB, 0xBF] + Array("a,b\r\n".utf8)), [["a", "b"]])
        XCTAssertThrowsError(try CSV.parse(Array("a,\"b\r\n".utf8)))
    }
}

final class TextFoldingTests: XCTestCase {
    /// Well-formed UTF-8 is folded without building a String; anything else is refused, so
    /// that the caller reads it with String(decoding:) and its U+FFFD replacements.
    func testFoldsWellFormedUTF8AndRefusesTheRest() {
        var out: [Unicode.Scalar] = []
        XCTAssertTrue(TextFolding.foldValidUTF8(Array("执行率：９１．６４％\u{200B} 𠀋".utf8)[...], into: &out))
        XCTAssertEqual(out.string, "执行率:91.64% 𠀋", "full-width folded, zero-width space dropped, 4-byte scalar kept")
        for bad: [UInt8] in [[0xE6, 0x89], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x61, 0xFF], [0xE6, 0x41, 0x41]] {
            var rest: [Unicode.Scalar] = []
            XCTAssertFalse(TextFolding.foldValidUTF8(bad[...], into: &rest), "\(bad)")
        }
    }

    /// A scalar set answers as a Set would, also for scalars that share its mask bits.
    func testScalarSetAnswersAsASet() {
        let members = "，。；：、%万元（）"
        let set = ScalarSet(members), reference = Set(members.unicodeScalars)
        for value in UInt32(0)...0x1_0000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if set.contains(scalar) != reference.contains(scalar) { return XCTFail("U+\(String(value, radix: 16))") }
        }
        XCTAssertFalse(ScalarSet("").contains("a"))
    }

    func testFoldsFullWidthAndSpecialSpaces() {
        XCTAssertEqual(TextFolding.compact("（２０２２年度）　全年\u{2002}预算数\u{00A0}").string, "(2022年度)全年预算数")
        XCTAssertEqual(TextFolding.compact("９１．６４％").string, "91.64%")
    }
}

/// Output quotes the report as written while the stages read folded, simplified text.
final class SourceTextTests: XCTestCase {
    func testQuotesTheWrittenTextOfAFoldedItem() {
        let written = "七、存在的问题\n2、绩效管理意识不强\n对绩效评价工作重视程度不够，缺乏主动意识，原因是培训不足。\n"
        let source = SourceText(written: Array(written.utf8))
        XCTAssertEqual(source.quote("绩效管理意识不强。对绩效评价工作重视程度不够,缺乏主动意识。", line: 2),
                       "绩效管理意识不强。对绩效评价工作重视程度不够，缺乏主动意识。", "title joined to its body, cause cut out")
        XCTAssertEqual(source.quote("培训不足", line: 2), "培训不足")
        XCTAssertNil(source.quote("档案数字化建设滞后", line: 2), "not in the report")
        XCTAssertNil(source.quote("绩效管理意识不强", line: 9), "past the end")
    }

    func testQuotesTheWrittenBytesWithSpacesAndWithoutArtifacts() {
        let written: [UInt8] = Array("预算 执行（全年）\n库房[bookmark: _GoBack]容量\n".utf8) + [0xE6, 0x95, 0xFF, 0x20] + Array("不足，".utf8)
        let source = SourceText(written: written)
        XCTAssertEqual(source.quote("预算执行(全年)", line: 1), "预算 执行（全年）", "spaces between kept, full-width as written")
        XCTAssertEqual(source.quote("库房容量", line: 2), "库房容量", "bookmark left out")
        XCTAssertEqual(source.quote("\u{FFFD}\u{FFFD}不足,", line: 3), "\u{FFFD}\u{FFFD} 不足，", "bytes that are not UTF-8 replaced")
    }

    func testQuoterReusesTheLinesItRead() {
        let written = "1、绩效目标不明确，原因是培训不足。2、档案管理不规范。\n3、资金使用效率不高\n"
        let source = SourceText(written: Array(written.utf8))
        var quoter = SourceText.Quoter(source)
        for (text, line) in [("绩效目标不明确", 1), ("培训不足", 1), ("档案管理不规范。", 1), ("资金使用效率不高", 2), ("资金使用", 1), ("缺失", 1)] {
            let compact = Array(text.unicodeScalars)
            XCTAssertEqual(quoter.quote(compact: compact, line: line), source.quote(text, line: line), text)
        }
        XCTAssertEqual(quoter.quote(compact: Array("培训不足".unicodeScalars), line: 1), "培训不足")
    }

    func testQuotesTraditionalTextAndSkipsBookmarks() {
        let written = "1、檔案庫房[bookmark: _GoBack]容量不足（約80%）\n"
        let simplified = "1、档案库房[bookmark: _GoBack]容量不足（约80%）\n"
        let source = SourceText(written: Array(written.utf8), simplified: Array(simplified.utf8))
        XCTAssertEqual(source.quote("档案库房容量不足(约80%)", line: 1), "檔案庫房[bookmark: _GoBack]容量不足（約80%）".replacingOccurrences(of: "[bookmark: _GoBack]", with: ""))
    }
}
